"""On a phone the header folds into one menu: it opens and closes from the
keyboard with a visible focus ring, and works without JavaScript."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from organisations.models import User
from tests.support.a11y_pages import ADMIN

# django_db: the test database is set up for these tests (see conftest.py).
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PHONE, DESKTOP = 390, 1280

OUTLINE = """() => {
    const style = getComputedStyle(document.activeElement);
    return style.outlineStyle === "none" ? 0 : parseFloat(style.outlineWidth);
}"""


def home(site) -> str:
    return f"{site.url}/o/{site.demo.slug}/"


def test_the_menu_opens_and_closes_from_the_keyboard(site, open_page):
    page = open_page(ADMIN, PHONE)
    page.goto(home(site))
    menu = page.locator(".site-menu")
    summary = menu.locator("summary")
    expect(page.get_by_role("navigation", name="Workshop")).to_be_hidden()

    for _ in range(5):
        page.keyboard.press("Tab")
        if summary.evaluate("(element) => element === document.activeElement"):
            break
    expect(summary).to_be_focused()
    assert page.evaluate(OUTLINE) >= 2, "no focus ring on the menu button"

    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    expect(menu.get_by_role("link", name="Overview")).to_be_focused()
    assert page.evaluate(OUTLINE) >= 2, "no focus ring on a link of the menu"

    page.keyboard.press("Escape")
    expect(menu).not_to_have_attribute("open", "")
    expect(summary).to_be_focused()


def test_the_menu_works_without_javascript(site, browser):
    client = Client()
    client.force_login(User.objects.get(email=ADMIN))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context = browser.new_context(
        viewport={"width": PHONE, "height": 800}, java_script_enabled=False
    )
    try:
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": site.url}])
        page = context.new_page()
        page.goto(home(site))
        page.locator(".site-menu summary").click()
        page.locator(".site-menu").get_by_role("link", name="Purposes").click()
        expect(page.get_by_role("heading", name="Purposes", level=1)).to_be_visible()
    finally:
        context.close()


def test_a_wide_window_shows_the_sections_and_no_menu(site, open_page):
    page = open_page(ADMIN, DESKTOP)
    page.goto(home(site))
    expect(page.locator(".site-menu")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Workshop")).to_be_visible()
    expect(page.locator(".user-menu summary")).to_be_visible()
