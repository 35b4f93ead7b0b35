"""Rate limits per user and organisation, on django-ratelimit's cache counters.

``@rate_limit("score_save", setting="ROADMAP_RATE_SCORE_SAVE")`` goes *inside*
``@org_view`` (directly above the view function), so outsiders still get 404
and the counter is kept per user *and* organisation. The rate is read from
the setting on every request ("30/10s": 30 requests per 10 seconds), so
tests and benchmarks can change it.

A refused request gets 429 with a ``Retry-After`` header: the full
``429.html`` page, or for htmx a fragment. By default the fragment only
updates ``#messages`` (``HX-Reswap: none``, the page stays as it was); a
view may name its own fragment template instead, rendered with ``error``.
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage


def user_org_key(group: str, request: HttpRequest) -> str:
    org = getattr(request, "org", None)
    return f"{request.user.pk}:{org.pk if org else '-'}"


def rate_limit(
    group: str, *, setting: str, htmx_template: str | None = None
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            usage = get_usage(
                request,
                group=group,
                key=user_org_key,
                rate=getattr(settings, setting),
                method=["POST"],
                increment=True,
            )
            if usage is None or not usage["should_limit"]:
                return view(request, *args, **kwargs)
            return too_many_requests(
                request, retry_after=max(usage["time_left"], 1), htmx_template=htmx_template
            )

        wrapped.rate_limit_group = group
        return wrapped

    return decorator


def too_many_requests(
    request: HttpRequest, *, retry_after: int, htmx_template: str | None = None
) -> HttpResponse:
    message = _(
        "That was a lot of requests in a short time, so this one was not saved. "
        "Wait %(seconds)s seconds and try again."
    ) % {"seconds": retry_after}
    context = {"rate_limited": True, "error": message, "retry_after": retry_after}
    if getattr(request, "htmx", False):
        if htmx_template:
            response = render(request, htmx_template, context, status=429)
        else:
            response = render(request, "429.html#rate-limited-oob", context, status=429)
            response["HX-Reswap"] = "none"
    else:
        response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    return response
