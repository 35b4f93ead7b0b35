"""The roadmap list, the roadmap page and everything edited on it, one module per resource.

The page's sections come from ``roadmap.page`` (cached by ``roadmap.page_cache``).
Every change made on the page answers htmx with the page's ``roadmap-body``
fragment, so the warnings and the indices move with the change, and everyone
else with a redirect back to the page (``shared.done``). The editors (phase,
milestone, dependency) open in a dialog for htmx and as pages of their own
without JavaScript (``shared.editor``).
"""
