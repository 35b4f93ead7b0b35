"""In a real browser: the audit log shows times in the browser's own time zone,
as sentences, on a phone without sideways scrolling."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from organisations.models import AuditEntry
from organisations.permissions import Role
from tests.support.browser import sign_in, violations, watch
from tests.support.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_the_browser_names_its_zone_and_the_log_uses_it(live_server, browser, world, screenshot):
    admin = world.ours.user(Role.ADMIN)
    org = world.ours.org
    with scopes_disabled():
        entry = AuditEntry.objects.filter(organisation=org).order_by("-pk").first()
        AuditEntry.objects.filter(pk=entry.pk).update(
            timestamp=datetime(2026, 7, 1, 22, 15, tzinfo=UTC)
        )
    page = browser.new_context(
        viewport={"width": 390, "height": 844}, timezone_id="Asia/Tokyo"
    ).new_page()
    seen = watch(page)
    sign_in(page, live_server.url, admin.email, TEST_PASSWORD)
    page.goto(live_server.url + reverse("organisations:audit", args=[org.slug]))
    # 22:15 UTC on 1 July is 07:15 on 2 July in Tokyo.
    expect(page.locator("#audit-count")).to_contain_text("times in Asia/Tokyo")
    day = page.locator(".audit-day").filter(has_text="Thursday 2 July 2026")
    expect(day.locator(".audit-when")).to_have_text("07:15")
    expect(day.locator(".audit-sentence").first).to_contain_text("The system added")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "audit-390")
    assert seen == {"console": [], "pageerror": []}
    assert violations(page) == []
