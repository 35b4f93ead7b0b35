"""In Chromium: stored payloads in names and statements stay inert (no request to /x, no dialog)."""

from urllib.parse import urlparse

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from organisations.models import Organisation
from organisations.permissions import Role
from tests.support.browser import sign_in, violations, watch
from tests.support.factories import (
    TEST_PASSWORD,
    CommunityFactory,
    NeedFactory,
    PurposeFactory,
    ScoringRoundFactory,
)
from tests.support.payloads import HTMX_PAYLOAD, SCRIPT_PAYLOAD

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_stored_payloads_never_run_in_the_browser(live_server, browser, world, screenshot):
    org = world.ours.org
    with scopes_disabled():
        Organisation.objects.filter(pk=org.pk).update(name=f"Ours {HTMX_PAYLOAD}")
    community = CommunityFactory(organisation=org, name=f"Makers {SCRIPT_PAYLOAD}")
    NeedFactory(community=community, organisation=org, statement=f"Need {HTMX_PAYLOAD}")
    purpose = PurposeFactory(
        organisation=org, title=f"Title {SCRIPT_PAYLOAD}", statement=f"We {HTMX_PAYLOAD}"
    )
    with scopes_disabled():
        ScoringRoundFactory(organisation=org, name=f"Round {HTMX_PAYLOAD}", purposes=[purpose])

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    seen = watch(page)
    requests_to_x = []
    dialogs = []
    page.on("request", lambda r: urlparse(r.url).path == "/x" and requests_to_x.append(r.url))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    sign_in(page, live_server.url, world.ours.user(Role.ADMIN).email, TEST_PASSWORD)
    slug = org.slug
    for path in [
        reverse("organisations:home", args=[slug]),
        reverse("communities:list", args=[slug]),
        reverse("purposes:list", args=[slug]),
        reverse("purposes:detail", args=[slug, purpose.pk]),
        reverse("scoring:list", args=[slug]),
        reverse("organisations:settings", args=[slug]),
    ]:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)
        assert violations(page) == [], path
    screenshot(page, "payloads-shown-as-text")
    page.goto(f"{live_server.url}{reverse('purposes:list', args=[slug])}")
    assert page.get_by_text(f"Title {SCRIPT_PAYLOAD}").count() >= 1  # shown, as text

    assert requests_to_x == []
    assert dialogs == []
    assert seen["pageerror"] == []
