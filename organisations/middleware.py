import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from organisations.auth import SIGNED_IN_AT

LAST_TOUCHED = "last_touched_at"


class AdminScopesDisabledMiddleware:
    """Platform staff see every organisation in Django admin.

    Outside the admin, views under ``/o/<slug>/`` open their own scope and the
    few views outside it (sign-in, accepting an invitation) disable scopes
    explicitly where they must.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = reverse("admin:index")

    def __call__(self, request):
        if request.path.startswith(self.admin_prefix):
            with scopes_disabled():
                return self.get_response(request)
        return self.get_response(request)


class RequestSizeLimitMiddleware:
    """Answer 400 to a request whose body is larger than ``REQUEST_MAX_BYTES``.

    Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` leaves file uploads out: a 50 MB
    "logo" would be streamed to a temporary file before the form could say
    it is too large. The declared length is checked before anything reads
    the body. (A body without a length is chunked; Django reads none of it.)
    It runs after the session, authentication and messages middleware (which
    read no body) and before any view or the CSRF check (which would): a
    signed-in person's plain form post goes back to its page (303) with the
    reason as a message; anything else gets the 400 page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BYTES:
            limit_mb = settings.REQUEST_MAX_BYTES / (1024 * 1024)
            if (
                request.method == "POST"
                and request.user.is_authenticated
                and not request.headers.get("HX-Request")
            ):
                # A person sent a form (a too-large logo): back to the form,
                # with the reason where they will look. Nothing was read or saved.
                messages.error(
                    request,
                    _(
                        "That was too much to send at once: a form may send at most "
                        "%(limit).1f MB, files included (a logo at most 1 MB). Nothing was "
                        "saved; choose a smaller file and save again."
                    )
                    % {"limit": limit_mb},
                )
                return HttpResponseRedirect(request.path, status=303)
            body = render_to_string(
                "400.html",
                {"too_large": True, "limit_mb": limit_mb},
            )
            return HttpResponseBadRequest(body)
        return self.get_response(request)


class SessionLimitsMiddleware:
    """End a session after 30 minutes idle or 12 hours after sign-in, and say so to htmx.

    Idle: the session's expiry is pushed on by activity, but written at most
    once a ``SESSION_TOUCH_SECONDS`` (a minute) instead of on every request —
    saving it each time cost every page and every score save a database
    write. The expiry set is the idle limit plus that minute, so a session
    ends between 30 and 31 minutes after its last request, never before 30.
    Absolute: 12 hours after sign-in, however active. A signed-out htmx
    request would otherwise swap the sign-in page into a table cell: it gets
    ``HX-Redirect`` to the sign-in page instead.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            signed_in_at = session.get(SIGNED_IN_AT)
            if signed_in_at is None:
                session[SIGNED_IN_AT] = signed_in_at = now
            if now - signed_in_at > settings.SESSION_ABSOLUTE_AGE:
                logout(request)
            elif now - session.get(LAST_TOUCHED, 0) >= settings.SESSION_TOUCH_SECONDS:
                session[LAST_TOUCHED] = now
                session.set_expiry(settings.SESSION_COOKIE_AGE + settings.SESSION_TOUCH_SECONDS)
        response = self.get_response(request)
        if getattr(request, "htmx", False) and response.status_code == 302:
            login_url = resolve_url(settings.LOGIN_URL)
            location = response.get("Location", "")
            if location.startswith(login_url):
                redirect = HttpResponse(status=204)
                redirect["HX-Redirect"] = location
                return redirect
        return response
