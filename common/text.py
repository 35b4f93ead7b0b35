"""Text the app can store, show, export and import again, checked the same way on every path.

C0 control characters other than tab and line ends (NUL above all, which
PostgreSQL refuses to store) and lone surrogates (which cannot be encoded as
UTF-8, so no page, CSV or PDF could show them) are refused with a message:
by the imports (``text_problem``) and by every form's text fields
(``common.forms.validate_storable_text``), so what a form stores exports and
imports again, and what an import stores can be edited in its form.
"""

import re

from django.utils.translation import gettext as _

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be stored, or None."""
    if CONTROL_CHARACTERS.search(text):
        return _("contains control characters (such as NUL)")
    if LONE_SURROGATE.search(text):
        return _("contains a character that is not valid Unicode (a lone surrogate)")
    return None
