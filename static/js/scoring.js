// scoring pages: only what htmx cannot do.
