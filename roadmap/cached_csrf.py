"""CSRF tokens in cached HTML: rendered as a placeholder, replaced on the way out.

A cached fragment is shared by everyone who sees the same thing, but a CSRF
token is each visitor's own (and masked afresh for every response). The
fragment is rendered with ``csrf_token=CSRF_PLACEHOLDER`` in its context, so
``{% csrf_token %}`` writes the placeholder, and every response puts in the
visitor's token.
"""

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils.safestring import SafeString, mark_safe

# Rendered into cached fragments instead of a token; each response gets its own.
CSRF_PLACEHOLDER = "csrf-token-placeholder-5c1f0e"


def with_csrf_token(request: HttpRequest, html: str) -> SafeString:
    """``html`` (rendered with the placeholder) with the request's own token in its place."""
    # Our own template's output, escaped when it was rendered; the token is
    # letters and digits.
    return mark_safe(html.replace(CSRF_PLACEHOLDER, get_token(request)))  # noqa: S308
