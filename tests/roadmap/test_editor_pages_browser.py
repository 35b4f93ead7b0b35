"""The roadmap's editors opened directly in a real browser: a new tab, a bookmark, a refresh.

Each editor URL is opened as a page of its own, filled in and saved; the
object is saved and the browser lands on the roadmap page at it, with no
console error, page error or ``htmx:targetError`` (the Save button used to do
nothing there: its form aimed at the roadmap page's dialog). Screenshots of
the milestone editor at 390 and 1280 px go to var/screenshots/.
"""

import re
from datetime import date

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from organisations.permissions import Role
from roadmap.models import Milestone, MilestoneDependency, Phase
from tests.support.browser import sign_in, watch
from tests.support.factories import TEST_PASSWORD
from tests.support.roadmap_factories import MilestoneFactory, PhaseFactory, RoadmapFactory

pytestmark = pytest.mark.browser

# Injected by the test, not the page: htmx's complaint when a target is missing.
WATCH_TARGET_ERRORS = """
window.__targetErrors = [];
document.addEventListener("htmx:targetError", (event) => {
  window.__targetErrors.push(String(event.detail && event.detail.target));
});
"""
# The elements of the page's content that reach past the
# window's right edge, or are wider than their own box and clip what they hold.
OVERFLOWING = """(width) => [...document.querySelectorAll("main, main *")]
  .filter((e) => e.getBoundingClientRect().right > width + 0.5
    || (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== "visible"))
  .map((e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + " " + e.className)"""
# Chromium's console line for a page answered with 422 (a refused form).
REFUSED = "the server responded with a status of 422"


def _url(roadmap, name, **kwargs):
    return reverse(
        f"roadmaps:{name}",
        kwargs={"org_slug": roadmap.organisation.slug, "roadmap_id": roadmap.pk, **kwargs},
    )


def _roadmap(world):
    roadmap = RoadmapFactory(
        organisation=world.ours.org,
        title="Engineers first",
        start=date(2026, 1, 1),
        end=date(2028, 12, 31),
    )
    PhaseFactory(roadmap=roadmap, name="Pilot", start=date(2026, 1, 1), end=date(2026, 6, 30))
    MilestoneFactory(roadmap=roadmap, title="Design", start=date(2026, 2, 1))
    MilestoneFactory(roadmap=roadmap, title="Launch", start=date(2026, 3, 1))
    return roadmap


def _get(model, **lookup):
    with scopes_disabled():
        return model.objects.filter(**lookup).first()


def _lands_on_the_roadmap(page, base, roadmap):
    expect(page).to_have_url(re.compile(rf"^{re.escape(base + _url(roadmap, 'detail'))}#"))


def _lands_on_the_roadmap_at(page, base, roadmap, anchor):
    expect(page).to_have_url(f"{base}{_url(roadmap, 'detail')}#{anchor}")
    expect(page.get_by_role("heading", name="Engineers first", level=1)).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_every_editor_opened_directly_saves_and_returns_to_the_roadmap(
    live_server, browser, world, screenshot
):
    roadmap = _roadmap(world)
    base = live_server.url
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    seen = watch(page)
    page.add_init_script(WATCH_TARGET_ERRORS)
    sign_in(page, base, world.ours.user(Role.FACILITATOR).email, TEST_PASSWORD)

    # New milestone: only the chosen kind's details show, as in the dialog.
    page.goto(f"{base}{_url(roadmap, 'milestone_create')}")
    expect(page.get_by_role("heading", name="Add a milestone", level=1)).to_be_visible()
    page.get_by_label("Kind").select_option("community")
    fieldset = page.locator('fieldset[data-kind="community"]')
    expect(fieldset).to_be_visible()
    expect(page.locator("fieldset.kind-fields:visible")).to_have_count(1)
    page.get_by_label("Title").fill("Forum opens")
    page.get_by_label("Date (or start)").fill("2026-04-01")
    fieldset.get_by_label("Measure", exact=True).select_option("members")
    fieldset.get_by_label("Target", exact=True).fill("300")
    page.get_by_role("button", name="Add milestone").click()
    _lands_on_the_roadmap(page, base, roadmap)
    created = _get(Milestone, roadmap=roadmap, title="Forum opens")
    assert created is not None
    _lands_on_the_roadmap_at(page, base, roadmap, f"milestone-{created.pk}")
    expect(page.locator("#messages")).to_contain_text("Added the milestone “Forum opens”")

    # Edit milestone, after a refusal that comes back as the same page.
    design = _get(Milestone, roadmap=roadmap, title="Design")
    edit_url = f"{base}{_url(roadmap, 'milestone_edit', milestone_id=design.pk)}"
    page.goto(edit_url)
    page.get_by_label("Title").fill("")
    page.get_by_role("button", name="Save milestone").click()
    expect(page).to_have_url(edit_url)
    expect(page.locator(f"#id_ms{design.pk}_title_error")).to_contain_text(
        "This field is required."
    )
    screenshot(page, "milestone-refused")
    page.get_by_label("Title").fill("Design agreed")
    page.get_by_role("button", name="Save milestone").click()
    _lands_on_the_roadmap_at(page, base, roadmap, f"milestone-{design.pk}")
    expect(page.locator("#messages")).to_contain_text("Saved “Design agreed”")
    assert _get(Milestone, pk=design.pk).title == "Design agreed"

    # New phase.
    page.goto(f"{base}{_url(roadmap, 'phase_create')}")
    page.get_by_label("Name").fill("Launch")
    page.get_by_label("Start", exact=True).fill("2026-07-01")
    page.get_by_label("End", exact=True).fill("2026-12-31")
    page.get_by_role("button", name="Add phase").click()
    _lands_on_the_roadmap(page, base, roadmap)
    launch = _get(Phase, roadmap=roadmap, name="Launch")
    assert launch is not None
    _lands_on_the_roadmap_at(page, base, roadmap, f"phase-{launch.pk}")

    # Edit phase.
    pilot = _get(Phase, roadmap=roadmap, name="Pilot")
    page.goto(f"{base}{_url(roadmap, 'phase_edit', phase_id=pilot.pk)}")
    page.get_by_label("Name").fill("Pilot in Lyon")
    page.get_by_role("button", name="Save phase").click()
    _lands_on_the_roadmap_at(page, base, roadmap, f"phase-{pilot.pk}")
    assert _get(Phase, pk=pilot.pk).name == "Pilot in Lyon"

    # New dependency.
    page.goto(f"{base}{_url(roadmap, 'dependency_create')}")
    page.get_by_label("This milestone must finish first").select_option(
        label="Design agreed (1 Feb 2026)"
    )
    page.get_by_label("before this one can happen").select_option(label="Launch (1 Mar 2026)")
    page.get_by_role("button", name="Add dependency").click()
    _lands_on_the_roadmap_at(page, base, roadmap, "dependencies")
    assert _get(MilestoneDependency, predecessor__title="Design agreed", successor__title="Launch")

    # Cancel on a page of its own goes back to the roadmap.
    page.goto(f"{base}{_url(roadmap, 'phase_edit', phase_id=pilot.pk)}")
    page.get_by_role("button", name="Cancel").click()
    _lands_on_the_roadmap_at(page, base, roadmap, f"phase-{pilot.pk}")

    # Delete from the milestone's page: the confirmation page, then the roadmap.
    launch_milestone = _get(Milestone, roadmap=roadmap, title="Launch")
    page.goto(f"{base}{_url(roadmap, 'milestone_edit', milestone_id=launch_milestone.pk)}")
    page.get_by_role("button", name="Delete this milestone").click()
    expect(page.get_by_role("heading", name="Delete the milestone “Launch”?")).to_be_visible()
    screenshot(page, "confirm-delete")
    page.get_by_role("button", name="Delete", exact=True).click()
    _lands_on_the_roadmap_at(page, base, roadmap, "milestones")
    assert _get(Milestone, pk=launch_milestone.pk) is None

    errors = [text for text in seen["console"] if REFUSED not in text]
    assert errors == [], errors
    assert seen["pageerror"] == []
    assert page.evaluate("window.__targetErrors") == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [390, 1280])
def test_the_milestone_editor_page_fits_the_screen(live_server, browser, world, screenshot, width):
    roadmap = _roadmap(world)
    design = _get(Milestone, roadmap=roadmap, title="Design")
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    seen = watch(page)
    sign_in(page, live_server.url, world.ours.user(Role.FACILITATOR).email, TEST_PASSWORD)
    page.goto(f"{live_server.url}{_url(roadmap, 'milestone_edit', milestone_id=design.pk)}")
    page.get_by_label("Kind").select_option("risk")
    expect(page.locator('fieldset[data-kind="risk"]')).to_be_visible()
    screenshot(page, f"milestone-editor-{width}")

    # No sideways scroll, and nothing of the content cut off.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    box = page.locator("article.editor-page").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
    overflowing = page.evaluate(OVERFLOWING, width)
    assert overflowing == [], overflowing
    assert seen["console"] == [] and seen["pageerror"] == []
