"""Cells a spreadsheet shows as text, never runs as a formula (OWASP "CSV injection").

Every CSV export writes cells through :func:`spreadsheet_safe`; an import of
our own files reads them back through :func:`from_spreadsheet`, so a round
trip gives back the same text. A leading apostrophe is the spreadsheet's own
"this is text" mark, so text that itself starts with an apostrophe before a
formula character (or another apostrophe) gets one more, and the import
takes exactly one off.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_AFTER_APOSTROPHE = (*FORMULA_STARTS, "'")


def _marked(text: str) -> bool:
    return text.startswith("'") and text[1:].startswith(_AFTER_APOSTROPHE)


def spreadsheet_safe(value: object) -> str:
    """The cell's text, with a leading apostrophe if a spreadsheet would run it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) or _marked(text) else text


def from_spreadsheet(text: str) -> str:
    """Undo :func:`spreadsheet_safe`: the apostrophe comes off only where it was put."""
    return text[1:] if _marked(text) else text
