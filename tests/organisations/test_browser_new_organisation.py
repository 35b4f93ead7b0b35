"""As a new user would, in a real browser: create an organisation from the dashboard,
then watch the setup checklist tick its first step."""

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import sign_in, violations, watch
from tests.support.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.mark.django_db(transaction=True)
def test_a_new_user_creates_an_organisation_and_its_checklist_ticks(
    live_server, browser, screenshot
):
    UserFactory(email="founder@example.com", first_name="Fran", last_name="Founder")
    base = live_server.url
    page = browser.new_context(viewport=DESKTOP).new_page()
    seen = watch(page)

    sign_in(page, base, "founder@example.com", TEST_PASSWORD)
    expect(page.get_by_role("heading", name="Your organisations")).to_be_visible()
    screenshot(page, "dashboard-1280")
    page.get_by_role("button", name="Create an organisation").click()

    # The address follows the name as it is typed (htmx), with no page load.
    expect(page.get_by_role("heading", name="New organisation")).to_be_visible()
    name = page.get_by_label("Name of the organisation")
    name.fill("Acme Robotics & Co")
    expect(page.locator("#org-address")).to_have_text(f"{base}/o/acme-robotics-co/")
    screenshot(page, "form-1280")

    # An empty name comes back with the message, the field focused to fix it.
    name.fill("")
    page.get_by_role("button", name="Create the organisation").click()
    expect(page.locator(".field-error")).to_have_text("Give the organisation a name.")
    expect(name).to_be_focused()
    screenshot(page, "form-error-1280")
    name.fill("Acme Robotics & Co")
    expect(page.locator("#org-address")).to_have_text(f"{base}/o/acme-robotics-co/")

    page.get_by_role("button", name="Create the organisation").click()
    expect(page).to_have_url(f"{base}/o/acme-robotics-co/")
    expect(page.locator("#messages")).to_contain_text(
        "Acme Robotics & Co is ready and you are its admin."
    )
    checklist = page.locator(".setup-checklist")
    expect(checklist.get_by_role("heading", name="Set up your workshop")).to_be_visible()
    expect(checklist).to_contain_text("0 of 5 done")
    expect(checklist.locator(".checklist-item")).to_have_count(5)
    expect(checklist.locator(".checklist-item.is-done")).to_have_count(0)
    expect(checklist.locator('[aria-current="step"]')).to_contain_text(
        "Add the stakeholder communities and their needs"
    )
    screenshot(page, "checklist-1280")

    # Step 1: a community and a need, through the real page.
    checklist.get_by_role("button", name="Add communities").click()
    panel = page.locator("#add-community")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    panel.get_by_label("Name", exact=True).fill("Design engineers")
    panel.get_by_label("Kind", exact=True).select_option("customers")
    panel.get_by_label("Estimated size").fill("5000")
    panel.get_by_role("button", name="Add community").click()
    expect(page.locator("#messages")).to_contain_text("Added “Design engineers”.")

    page.get_by_role("link", name="Overview").first.click()
    expect(checklist.locator('[aria-current="step"]')).to_contain_text("1 community, 0 weighted")
    expect(checklist.get_by_role("button", name="Add their needs")).to_be_visible()
    screenshot(page, "checklist-step-1-begun-1280")
    checklist.get_by_role("button", name="Add their needs").click()

    adder = page.locator("details.add-need").first
    if adder.get_attribute("open") is None:
        adder.locator("summary").click()
    adder.get_by_label("Need", exact=True).fill("Boards that work first time")
    adder.get_by_role("button", name="Add need").click()
    expect(page.locator("li.need")).to_have_count(1)

    page.go_back()  # as people do; the page comes back fresh
    page.reload()
    first = checklist.locator(".checklist-item").first
    expect(first).to_have_class(re.compile(r"\bis-done\b"))
    expect(first.locator(".checklist-mark")).to_have_text("✓")
    expect(checklist).to_contain_text("1 of 5 done")
    expect(checklist.locator('[aria-current="step"]')).to_contain_text(
        "Draft purposes and shortlist them"
    )
    screenshot(page, "checklist-step-1-ticked-1280")

    # Hidden with htmx: the line that brings it back keeps the focus.
    checklist.get_by_role("button", name="Hide the checklist").click()
    expect(page.get_by_text("Setup checklist hidden (1 of 5 done).")).to_be_visible()
    expect(page.get_by_role("button", name="Show the checklist")).to_be_focused()
    screenshot(page, "checklist-hidden-1280")
    page.reload()
    expect(page.locator(".setup-checklist")).to_have_count(0)
    page.get_by_role("button", name="Show the checklist").click()
    expect(page.locator(".setup-checklist")).to_contain_text("1 of 5 done")

    # The same pages on a phone.
    phone = browser.new_context(viewport=PHONE, storage_state=page.context.storage_state())
    small = phone.new_page()
    small.goto(f"{base}/organisations/new/")
    small.get_by_label("Name of the organisation").fill(
        "The International Consortium of Independent Component Distributors"
    )
    expect(small.locator("#org-address")).to_contain_text("the-international-consortium")
    screenshot(small, "form-390")
    small.goto(f"{base}/o/acme-robotics-co/")
    expect(small.locator(".setup-checklist")).to_be_visible()
    screenshot(small, "checklist-390")
    for element in (".setup-checklist", ".checklist-item"):
        box = small.locator(element).first.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], element

    assert seen["pageerror"] == []
    # The one refused submit (an empty name) answers 422, which Chromium logs.
    assert [m for m in seen["console"] if "status of 422" not in m] == []
    assert violations(page) == []
