"""Resolve the organisation of a request and refuse everyone else.

Every view under ``/o/<org_slug>/`` is wrapped in ``org_view``: it finds the
user's membership of the organisation named in the URL in one query, answers
404 to anyone who is not a member (so nobody learns an organisation exists),
403 to a member whose role lacks the permission, and runs the view inside a
django-scopes scope so that a query on a tenant model that forgets its
organisation cannot return another organisation's rows.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django_scopes import scope, scopes_disabled

from organisations.models import Membership
from organisations.permissions import Perm

SESSION_ORG_KEY = "current_org_slug"


def membership_for(user, org_slug: str) -> Membership | None:
    if not user.is_authenticated:
        return None
    with scopes_disabled():
        return (
            Membership.objects.select_related("organisation", "user")
            .filter(organisation__slug=org_slug, user=user)
            .first()
        )


def org_view(perm: Perm = Perm.VIEW) -> Callable:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        @login_required
        def wrapped(request: HttpRequest, org_slug: str, *args, **kwargs) -> HttpResponse:
            membership = membership_for(request.user, org_slug)
            if membership is None:
                raise Http404
            request.org = membership.organisation
            request.membership = membership
            if request.session.get(SESSION_ORG_KEY) != org_slug:
                # Only on a switch: writing it every time would save the session on every request.
                request.session[SESSION_ORG_KEY] = org_slug
            if not membership.has_perm(perm):
                raise PermissionDenied
            with scope(organisation=membership.organisation):
                return view(request, *args, **kwargs)

        wrapped.required_perm = perm
        return wrapped

    return decorator
