"""As a new user would, in a real browser: sign in, switch organisations,
invite a member, accept in a second browser session, change their role."""

import re

import pytest
from playwright.sync_api import expect

from organisations.demo import load_people
from tests.support.browser import sign_in

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_invite_accept_and_change_role(live_server, browser, screenshot):
    load_people()
    base = live_server.url
    admin = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    errors = []
    admin.on("console", lambda m: m.type == "error" and errors.append(m.text))

    sign_in(admin, base, "admin@demo.example")
    # Two organisations: the dashboard lets the admin pick.
    expect(admin.get_by_role("heading", name="Your organisations")).to_be_visible()
    screenshot(admin, "dashboard")
    admin.get_by_role("link", name="Voltaic Components").click()
    expect(admin.get_by_role("heading", name="Voltaic Components", level=1)).to_be_visible()

    # Switch organisation from the header, and back.
    admin.locator(".org-switcher summary").click()
    admin.get_by_role("link", name="Voltaic Engineering Foundation").click()
    expect(admin.get_by_role("heading", name="Voltaic Engineering Foundation")).to_be_visible()
    screenshot(admin, "switched")
    admin.locator(".org-switcher summary").click()
    admin.get_by_role("link", name="Voltaic Components").click()
    expect(admin.get_by_role("heading", name="Voltaic Components", level=1)).to_be_visible()

    # Invite (htmx swaps the panel and shows the one-time link).
    admin.get_by_role("link", name="Members").click()
    admin.get_by_label("Email address").fill("new.director@example.com")
    admin.get_by_label("Role", exact=True).select_option("viewer")
    admin.get_by_role("button", name="Send invitation").click()
    expect(admin.locator("#messages")).to_contain_text(
        "Invitation sent to new.director@example.com"
    )
    link = admin.locator("#invite-link-value").input_value()
    assert re.match(rf"{re.escape(base)}/invite/[\w-]+/$", link)
    expect(admin.get_by_role("cell", name="new.director@example.com", exact=True)).to_be_visible()
    screenshot(admin, "invited")

    # A second browser session (no cookies shared) accepts as a new user.
    newcomer = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
    newcomer.goto(link)
    expect(newcomer.get_by_role("heading", name="Join Voltaic Components")).to_be_visible()
    newcomer.get_by_label("Your name").fill("Nadia Director")
    newcomer.get_by_label("Password", exact=True).fill("a long enough passphrase")
    newcomer.get_by_label("Password again").fill("a long enough passphrase")
    screenshot(newcomer, "accept-form")
    newcomer.get_by_role("button", name="Create account and join").click()
    expect(newcomer.locator("#messages")).to_contain_text("You joined as Viewer")
    expect(newcomer.get_by_text("Your role: Viewer")).to_be_visible()
    screenshot(newcomer, "joined")

    # The admin promotes the new member; the invitation is gone from pending.
    admin.reload()
    row = admin.locator("tr", has_text="new.director@example.com")
    row.get_by_label("Role of Nadia Director").select_option("executive")
    row.get_by_role("button", name="Change").click()
    expect(admin.locator("#messages")).to_contain_text("Nadia Director is now Executive")
    expect(admin.get_by_text("No invitations are waiting.")).to_be_visible()
    screenshot(admin, "role-changed")

    newcomer.reload()
    expect(newcomer.get_by_text("Your role: Executive")).to_be_visible()

    # The used link no longer works.
    newcomer.goto(link)
    expect(
        newcomer.get_by_role("heading", name="This invitation link no longer works")
    ).to_be_visible()
    assert errors == []
