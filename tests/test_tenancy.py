"""Every URL, every role, an outsider, a foreign organisation's objects.

Figures this holds: 0 responses 2xx for a foreign object or an outsider,
anonymous visitors sent to sign in, a member lacking the permission gets 403,
no 500 anywhere, and a URL missing from the table fails (deny by default).
"""

import pytest
from django.urls import reverse

from organisations.permissions import Role, role_has
from tests.support.tenancy import OrgCase, PublicCase, iter_url_names
from tests.support.tenancy_table import TABLE

ORG_CASES = {name: case for name, case in TABLE.items() if isinstance(case, OrgCase)}
PUBLIC_CASES = {name: case for name, case in TABLE.items() if isinstance(case, PublicCase)}
# Least privileged first: a permitted POST may delete the object it targets.
ROLES_ASCENDING = [Role.VIEWER, Role.EXECUTIVE, Role.FACILITATOR, Role.ADMIN]


def test_every_url_is_in_the_table():
    names = set(iter_url_names())
    missing = sorted(names - set(TABLE))
    stale = sorted(set(TABLE) - names)
    assert not missing, (
        f"URLs with no tenancy case (add them to tests/<app>/tenancy_cases.py): {missing}"
    )
    assert not stale, f"Tenancy cases for URLs that no longer exist: {stale}"


def _url(name, tenant_slug, kwargs):
    return reverse(name, kwargs={"org_slug": tenant_slug, **kwargs})


def _call(client, method, url, data):
    if method == "GET":
        return client.get(url)
    return client.post(url, data)


@pytest.mark.parametrize("name", sorted(ORG_CASES))
def test_org_url_access(world, name):
    case = ORG_CASES[name]
    ours, foreign = world.ours, world.foreign
    own_kwargs = case.kwargs(ours) if case.kwargs else {}
    data = case.data(ours) if case.data else {}
    url = _url(name, ours.org.slug, own_kwargs)

    for method in case.methods:
        response = _call(world.client(None), method, url, data)
        assert response.status_code == 302, (name, method, "anonymous", response.status_code)
        assert response["Location"].startswith(reverse("login")), (name, method)

        for label, outsider in [
            ("loner", world.loner),
            ("foreign admin", foreign.user(Role.ADMIN)),
        ]:
            response = _call(world.client(outsider), method, url, data)
            assert response.status_code == 404, (name, method, label, response.status_code)

        if case.kwargs:
            foreign_url = _url(name, ours.org.slug, case.kwargs(foreign))
            response = _call(world.client(ours.user(Role.ADMIN)), method, foreign_url, data)
            assert response.status_code == 404, (
                name,
                method,
                "foreign object",
                response.status_code,
            )

    admin = world.client(ours.user(Role.ADMIN))
    for method in {"GET", "POST"} - set(case.methods):
        assert _call(admin, method, url, data).status_code == 405, (name, method)

    for role in ROLES_ASCENDING:
        client = world.client(ours.user(role))
        for method in case.methods:
            response = _call(client, method, url, data)
            if role_has(role, case.perm):
                assert response.status_code not in (403, 404), (
                    name,
                    method,
                    role,
                    response.status_code,
                )
                assert response.status_code < 500, (name, method, role)
            else:
                assert response.status_code == 403, (name, method, role, response.status_code)


@pytest.mark.parametrize("name", sorted(PUBLIC_CASES))
def test_public_url_access(world, name):
    case = PUBLIC_CASES[name]
    url = reverse(name, kwargs=case.kwargs)
    anonymous = world.client(None).get(url)
    if case.login_required:
        assert anonymous.status_code == 302
        assert anonymous["Location"].startswith(reverse("login"))
    else:
        assert anonymous.status_code < 500
    member = world.client(world.ours.user(Role.EXECUTIVE)).get(url)
    assert member.status_code < 500


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_unknown_organisation_is_404_for_everyone(world, method):
    url = reverse("organisations:home", kwargs={"org_slug": "no-such-org"})
    for user in [world.loner, world.ours.user(Role.ADMIN)]:
        assert _call(world.client(user), method, url, {}).status_code in (404, 405)
