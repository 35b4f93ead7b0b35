"""Every page opened directly (a new tab, a bookmark, a refresh) aims htmx only at itself.

An ``hx-target`` naming an element that only another page has makes its form
or button do nothing (``htmx:targetError``). Every URL of the tenancy table is
opened as an admin, without htmx, and the page it answers with, or the page
a refused POST comes back as, is checked; new URLs are covered as they land.
"""

import pytest
from django.urls import reverse

from organisations.permissions import Role
from tests.support.forms import url_for
from tests.support.htmx_targets import missing_targets
from tests.support.tenancy import OrgCase, PublicCase
from tests.support.tenancy_table import TABLE

pytestmark = pytest.mark.django_db

GET_CASES = sorted(
    name for name, case in TABLE.items() if isinstance(case, OrgCase) and "GET" in case.methods
)
POST_CASES = sorted(
    name for name, case in TABLE.items() if isinstance(case, OrgCase) and "POST" in case.methods
)
PUBLIC_CASES = sorted(name for name, case in TABLE.items() if isinstance(case, PublicCase))


def _page(response) -> str | None:
    """The HTML of a page the browser would show, else None (a redirect, a file)."""
    if response.status_code in (200, 409, 422) and "html" in response.get("Content-Type", ""):
        return response.content.decode()
    return None


@pytest.mark.parametrize("name", GET_CASES)
def test_a_page_opened_directly_aims_only_at_itself(world, name):
    url = url_for(name, TABLE[name], world.ours)
    page = _page(world.client(world.ours.user(Role.ADMIN)).get(url))
    if page is not None:
        assert missing_targets(page) == [], url


@pytest.mark.parametrize("name", POST_CASES)
def test_a_page_a_plain_post_comes_back_as_aims_only_at_itself(world, name):
    case = TABLE[name]
    url = url_for(name, case, world.ours)
    data = case.data(world.ours) if case.data else {}
    page = _page(world.client(world.ours.user(Role.ADMIN)).post(url, data))
    if page is not None:
        assert missing_targets(page) == [], url


@pytest.mark.parametrize("name", PUBLIC_CASES)
def test_a_public_page_aims_only_at_itself(world, name):
    url = reverse(name, kwargs=TABLE[name].kwargs)
    for client in (world.client(None), world.client(world.ours.user(Role.EXECUTIVE))):
        page = _page(client.get(url))
        if page is not None:
            assert missing_targets(page) == [], url


def test_the_check_sees_a_form_aimed_at_another_pages_dialog():
    page = '<div id="here"><form hx-post="/x/" hx-target="#roadmap-dialog-body"></form></div>'
    assert missing_targets(page) == ["<form> aims at #roadmap-dialog-body"]
    inherited = '<div hx-target="#elsewhere"><button hx-post="/x/">Go</button></div>'
    assert missing_targets(inherited) == [
        "<div> aims at #elsewhere",
        "<button> aims at #elsewhere",
    ]
    assert missing_targets('<p hx-swap-oob="innerHTML:#messages"></p>') == ["<p> aims at #messages"]
    fine = '<main id="m"><form hx-post="/x/" hx-target="#m"></form><a hx-get="/y/">y</a></main>'
    assert missing_targets(fine) == []
    assert missing_targets('<span hx-get="/z/" hx-target="closest tr"></span>') == []
