"""Stored-XSS payloads: one htmx would act on, one a browser would run."""

HTMX_PAYLOAD = '<div hx-get="/x" hx-trigger="load">x</div>'
SCRIPT_PAYLOAD = "<script>alert(1)</script>"
