"""Sign-in helpers: the lockout key for django-axes and the sign-in time of a session."""

import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

SIGNED_IN_AT = "signed_in_at"


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str:
    """The address a sign-in attempt names, lower-cased as sign-in itself treats it.

    Without this, ``Admin@…`` and ``admin@…`` would count as two users and an
    attacker would get five more tries per spelling.
    """
    data = credentials if credentials else getattr(request, "POST", {})
    return str(data.get("username") or "").strip().lower()


def record_sign_in(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """``user_logged_in`` receiver: remember when this session signed in."""
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = time.time()


def lockout_response(
    request: HttpRequest, original_response=None, credentials: dict | None = None
) -> HttpResponse:
    """django-axes' answer to a locked-out sign-in: 429 and a page that says what to do."""
    from axes.helpers import get_cool_off

    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else None
    response = render(
        request,
        "429.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes},
        status=429,
    )
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
