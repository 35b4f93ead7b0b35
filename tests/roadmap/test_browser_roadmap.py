"""As a new user would, in a real browser: build a roadmap on its own page.

Create a roadmap, add phases, place the chosen purposes, add a milestone of
every kind, add a dependency, watch a warning appear and go when fixed, watch
an index move, and move a milestone's date from the keyboard (and by dragging
its marker). Screenshots of the page at desktop and tablet widths, and of
roadmaps with 40 and 200 milestones, go to var/screenshots/.
"""

import re

import pytest
from django.db import transaction
from playwright.sync_api import expect

from communities import demo as communities_demo
from organisations import demo as organisations_demo
from purposes import demo as purposes_demo
from purposes.scoring import demo as scoring_demo
from tests.support.browser import sign_in
from tests.support.roadmap_factories import sample_roadmap
from tests.support.roadmap_page import add_dependency, add_milestone, add_phase, warning

pytestmark = pytest.mark.browser

# Injected by the test, not the page: records anything the page's CSP blocks.
WATCH_CSP = """
window.__blocked = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__blocked.push(`${event.violatedDirective} ${event.blockedURI || "inline"}`);
});
"""


def _load_workshop():
    """The demo organisation up to its revealed round, without the demo roadmap."""
    with transaction.atomic():
        org = organisations_demo.load_people()
        communities_demo.load(org)
        purposes_demo.load(org)
        scoring_demo.load(org)
    return org


def _index(page, key):
    return page.locator(f"#index-{key} .index-value")


def _wait_for_focus(page, element_id):
    # document.activeElement, not :focus: a headless page may not hold the
    # system focus, and what matters is where the next key goes.
    page.wait_for_function(
        "id => document.activeElement && document.activeElement.id === id", arg=element_id
    )


@pytest.mark.django_db(transaction=True)
def test_build_a_roadmap_on_its_page(live_server, browser, screenshot):
    _load_workshop()
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.add_init_script(WATCH_CSP)
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda d: d.accept())
    refused = "the server responded with a status of 422"
    sign_in(page, live_server.url, "facilitator@demo.example")
    page.goto(f"{live_server.url}/o/voltaic/")

    # Create the roadmap.
    page.get_by_role("link", name="Roadmaps", exact=True).click()
    expect(page.get_by_role("heading", name="Roadmaps", level=1)).to_be_visible()
    page.get_by_role("button", name="New roadmap").click()
    page.get_by_label("Title").fill("Engineers first")
    page.get_by_label("Start", exact=True).fill("2026-01-01")
    page.get_by_label("End", exact=True).fill("2031-06-30")
    page.get_by_role("button", name="Create roadmap").click()
    expect(page.locator("#id_end_error")).to_contain_text("at most five years")
    page.get_by_label("End", exact=True).fill("2028-12-31")
    page.get_by_role("button", name="Create roadmap").click()
    expect(page.get_by_role("heading", name="Engineers first", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Board and workshop briefs")).to_be_visible()
    expect(_index(page, "risk_coverage")).to_contain_text("—")

    # Two phases, through the dialog.
    for name, start, end in (
        ("Pilot", "2026-01-01", "2026-12-31"),
        ("Launch", "2027-01-01", "2028-12-31"),
    ):
        add_phase(page, name, start, end)

    # An overlapping phase is refused inside the dialog, with the reason.
    page.locator("#add-phase").click()
    dialog = page.locator("#roadmap-dialog")
    dialog.get_by_label("Name").fill("Overlap")
    dialog.get_by_label("Start", exact=True).fill("2026-06-01")
    dialog.get_by_label("End", exact=True).fill("2026-08-01")
    dialog.get_by_role("button", name="Add phase").click()
    expect(dialog).to_contain_text("This phase overlaps “Pilot”")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()

    # Place the chosen purposes, the magnetic one first.
    page.get_by_label("Place a chosen purpose in Pilot").select_option(label="Right first time")
    page.locator("#phases form.place-form").first.get_by_role("button", name="Place").click()
    expect(page.locator("#messages")).to_contain_text("Placed “Right first time” in “Pilot”")
    page.get_by_label("Place a chosen purpose in Launch").select_option(
        label="Reference designs engineers trust"
    )
    page.locator("#phases form.place-form").nth(1).get_by_role("button", name="Place").click()
    expect(page.locator("#phases .placement")).to_have_count(2)
    expect(page.locator("#timeline svg")).to_contain_text("Right first time")

    # Investment alone: two warnings appear.
    add_milestone(
        page,
        "investment",
        "Forum platform",
        "2026-02-01",
        {"Amount": "40000"},
        selects={"Spent on": "platform"},
    )
    expect(warning(page, "investment_without_value")).to_be_visible()
    expect(warning(page, "investment_without_community")).to_contain_text("“Pilot” invests")

    add_milestone(
        page,
        "community",
        "500 engineers",
        "2026-06-01",
        {"Target": "500"},
        selects={"Measure": "members"},
    )
    expect(warning(page, "investment_without_community")).to_have_count(0)

    # A severe risk without a mitigation: a warning, and risk coverage 0.
    add_milestone(
        page,
        "risk",
        "Spam wave",
        "2026-04-01",
        {},
        selects={"Category": "reputation", "Likelihood": "3", "Impact": "5"},
    )
    expect(warning(page, "risk_unmitigated")).to_be_visible()
    expect(_index(page, "risk_coverage")).to_contain_text("0 / 100")

    add_milestone(
        page,
        "value",
        "Support cost saved",
        "2026-11-01",
        {"Business value": "Support tickets answered by members", "Expected amount": "60000"},
    )
    expect(warning(page, "investment_without_value")).to_have_count(0)
    expect(_index(page, "investment_balance")).to_contain_text("100 / 100")

    add_milestone(
        page,
        "decision",
        "Choose the forum software",
        "2026-03-01",
        {"Decision": "Hosted forum with single sign-on"},
        selects={"Implementation area": "technology"},
    )
    expect(page.locator("#milestones .milestone-table tbody tr")).to_have_count(5)
    # Before any screenshot (the driver styles the caret, which a CSP blocks).
    assert page.evaluate("window.__blocked") == []
    assert [e for e in errors if refused not in e] == []
    screenshot(page, "warnings")

    # Fix the risk from its warning: the warning goes, the index moves.
    warning(page, "risk_unmitigated").get_by_role("link", name="Add a mitigation").click()
    dialog = page.locator("#roadmap-dialog")
    expect(dialog.get_by_role("heading", name="Edit “Spam wave”")).to_be_visible()
    dialog.get_by_label("Mitigation").fill("Moderators on call during launch weeks")
    dialog.get_by_role("button", name="Save milestone").click()
    expect(dialog).to_be_hidden()
    expect(warning(page, "risk_unmitigated")).to_have_count(0)
    expect(_index(page, "risk_coverage")).to_contain_text("100 / 100")

    # A dependency: the community target waits for the platform.
    add_dependency(page, "Forum platform (1 Feb 2026)", "500 engineers (1 Jun 2026)")
    expect(page.locator("#dependencies")).to_contain_text("Forum platform")

    # A loop is refused with its name.
    page.locator("#add-dependency").click()
    dialog.get_by_label("This milestone must finish first").select_option(
        label="500 engineers (1 Jun 2026)"
    )
    dialog.get_by_label("before this one can happen").select_option(
        label="Forum platform (1 Feb 2026)"
    )
    dialog.get_by_role("button", name="Add dependency").click()
    expect(dialog).to_contain_text("in a loop: 500 engineers → Forum platform → 500 engineers")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    # Move a milestone with the keyboard: focus its "+1 wk" button, press Enter.
    # The result is said beside the timeline (a polite live region).
    row = page.locator("tr", has=page.get_by_role("link", name="500 engineers"))
    expect(row.locator("td.when")).to_have_text("1 Jun 2026")
    pk = row.get_attribute("id").removeprefix("milestone-")
    later = page.locator(f"#m{pk}-on-week")
    expect(later).to_have_accessible_name(re.compile(r"^\+1 wk \(one week later\)"))
    later.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#roadmap-notice")).to_contain_text("Moved “500 engineers” to 8 Jun 2026")
    expect(page.locator(f"#milestone-{pk} td.when")).to_have_text("8 Jun 2026")
    # The keyboard stays on the button after the swap: Enter again moves on.
    _wait_for_focus(page, f"m{pk}-on-week")
    page.keyboard.press("Enter")
    expect(page.locator("#roadmap-notice")).to_contain_text("to 15 Jun 2026")
    _wait_for_focus(page, f"m{pk}-on-week")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    _wait_for_focus(page, f"m{pk}-back-month")
    page.keyboard.press("Enter")
    expect(page.locator("#roadmap-notice")).to_contain_text("to 15 May 2026")
    expect(page.locator(f"#milestone-{pk} td.when")).to_have_text("15 May 2026")

    # Dragging a marker does the same with the mouse.
    marker = page.locator("#timeline svg g[data-milestone]", has_text="Support cost saved")
    marker.scroll_into_view_if_needed()
    box = marker.locator("path").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 60, y, steps=6)
    page.mouse.up()
    expect(page.locator("#roadmap-notice")).to_contain_text("Moved “Support cost saved” to")
    row = page.locator("tr", has=page.get_by_role("link", name="Support cost saved"))
    expect(row.locator("td.when")).not_to_have_text("1 Nov 2026")
    assert page.evaluate("window.__blocked") == []

    screenshot(page, "desktop-1280")
    page.set_viewport_size({"width": 800, "height": 1000})
    page.reload()
    expect(page.locator("#timeline-figure")).to_have_attribute("data-width", "680")
    assert page.evaluate("window.__blocked") == []
    screenshot(page, "tablet-800")
    # Refused input answers 422, which Chromium logs: the five-year end, the
    # overlapping phase, the loop. Nothing else may be logged.
    assert len([e for e in errors if refused in e]) == 3
    assert [e for e in errors if refused not in e and "Content Security Policy" not in e] == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("milestones", [40, 200])
def test_big_roadmaps_stay_legible(live_server, browser, screenshot, milestones):
    org = _load_workshop()
    roadmap = sample_roadmap(org, milestones=milestones, title=f"{milestones} milestones")
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.add_init_script(WATCH_CSP)
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    sign_in(page, live_server.url, "viewer@demo.example")
    page.goto(f"{live_server.url}/o/{org.slug}/roadmaps/{roadmap.pk}/")
    expect(page.locator("#milestones .milestone-table tbody tr")).to_have_count(milestones)
    assert page.evaluate("window.__blocked") == []
    assert errors == []
    screenshot(page, f"desktop-1280-{milestones}")
    page.set_viewport_size({"width": 800, "height": 1000})
    page.reload()
    expect(page.locator("#timeline-figure")).to_have_attribute("data-width", "680")
    assert page.evaluate("window.__blocked") == []
    screenshot(page, f"tablet-800-{milestones}")
