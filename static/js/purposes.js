// purposes pages: only what htmx cannot do.
