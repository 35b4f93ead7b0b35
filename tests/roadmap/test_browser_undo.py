"""In a browser: drag a milestone and watch its date and arrows follow, then undo; undo a deletion.

Screenshots of the drag in progress and of the page after each undo go to
var/screenshots/test_drag_then_undo_and_undo_a_deleted_phase/ (whole pages)
and var/screenshots/undo/ (the window, as the person sees it).
"""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from roadmap.models import Milestone, MilestoneDependency, Phase, PhasePurpose
from roadmap.timeline import short_date
from tests.support.axe import run_axe
from tests.support.browser import load_demo, sign_in, violations, watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PAGE_DATE = re.compile(r"^\d{1,2} [A-Z][a-z]{2} \d{4}$")
WINDOW_SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "undo"


def _window(page, name: str) -> None:
    WINDOW_SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(WINDOW_SHOTS / f"{name}.png"))


def _dragged_milestone() -> Milestone:
    """A one-day milestone of the demo roadmap that others depend on, with room to move on."""
    with scopes_disabled():
        for dependency in MilestoneDependency.objects.select_related(
            "predecessor__roadmap", "predecessor__organisation"
        ).order_by("pk"):
            milestone = dependency.predecessor
            roadmap = milestone.roadmap
            if milestone.end is None and (roadmap.end - milestone.start).days > 120:
                return milestone
    raise AssertionError("the demo roadmap has no milestone to drag")


def _open_roadmap(page, base: str, milestone: Milestone) -> None:
    page.goto(
        base + reverse("roadmaps:detail", args=[milestone.organisation.slug, milestone.roadmap_id])
    )
    # The timeline is fetched again for the window's width once: drag the new one.
    page.wait_for_load_state("networkidle")


def _centre(locator) -> tuple[float, float]:
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_drag_then_undo_and_undo_a_deleted_phase(live_server, browser, screenshot):
    load_demo()
    milestone = _dragged_milestone()
    earlier = (milestone.start, milestone.end)
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    seen = watch(page)
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, live_server.url, "facilitator@demo.example")
    _open_roadmap(page, live_server.url, milestone)

    # Drag the marker: while the button is down, a label says the day it
    # would land on and the arrows leaving it follow.
    figure = page.locator("#timeline-figure")
    marker = figure.locator(f'g[data-milestone="{milestone.pk}"]')
    arrow = figure.locator(f'path[data-from="{milestone.pk}"]').first
    marker.scroll_into_view_if_needed()
    arrow_before = arrow.get_attribute("d")
    x, y = _centre(marker.locator("path"))
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 40, y, steps=4)
    label = figure.locator("svg .drag-date text")
    expect(label).to_have_text(PAGE_DATE)
    halfway = label.text_content()
    page.mouse.move(x + 90, y + 6, steps=5)
    expect(label).not_to_have_text(halfway)
    landing = label.text_content()
    assert PAGE_DATE.match(landing) and landing != short_date(milestone.start)
    arrow_during = arrow.get_attribute("d")
    assert arrow_during != arrow_before
    # The arrow leaves from where the marker now is.
    assert float(re.match(r"M(-?[\d.]+)", arrow_during).group(1)) > float(
        re.match(r"M(-?[\d.]+)", arrow_before).group(1)
    )
    _window(page, "dragging")
    screenshot(page, "dragging")
    page.mouse.up()

    # The drop is said beside the timeline, with the day the label showed.
    notice = page.locator("#roadmap-notice")
    expect(notice).to_contain_text(f"Moved “{milestone.title}” to {landing}.")
    expect(notice).to_have_attribute("aria-live", "polite")
    # Where the person is looking: in the window, by the timeline (just above
    # it, or held at the window's top over it when its top has scrolled by).
    notice_box, figure_box = notice.bounding_box(), figure.bounding_box()
    notice_bottom = notice_box["y"] + notice_box["height"]
    assert notice_box["y"] >= 0 and notice_bottom <= 900
    assert figure_box["y"] - 80 <= notice_bottom <= figure_box["y"] + figure_box["height"]
    expect(figure.locator("svg .drag-date")).to_have_count(0)
    with scopes_disabled():
        milestone.refresh_from_db()
    assert short_date(milestone.start) == landing
    _window(page, "dropped")
    screenshot(page, "dropped")
    assert run_axe(page) == []

    notice.get_by_role("button", name="Undo").click()
    expect(notice).to_contain_text(f"“{milestone.title}” is back on {short_date(earlier[0])}.")
    expect(notice.get_by_role("button", name="Undo")).to_have_count(0)
    with scopes_disabled():
        milestone.refresh_from_db()
    assert (milestone.start, milestone.end) == earlier
    expect(figure.locator(f'path[data-from="{milestone.pk}"]').first).to_have_attribute(
        "d", arrow_before
    )
    _window(page, "move-undone")
    screenshot(page, "move-undone")
    page.evaluate("window.scrollTo(0, 0)")
    _window(page, "move-undone-top")

    # Delete a phase with its purposes, then undo that.
    with scopes_disabled():
        phase = (
            Phase.objects.filter(roadmap_id=milestone.roadmap_id, placements__isnull=False)
            .order_by("-start")
            .first()
        )
        placements = list(
            PhasePurpose.objects.filter(phase=phase).values_list("pk", "purpose_id", "position")
        )
    card = page.locator(f"#phase-{phase.pk}")
    card.get_by_role("button", name=f"Delete {phase.name}").click()
    expect(card).to_have_count(0)
    expect(notice).to_contain_text(f"Deleted the phase “{phase.name}”")
    # Sticky: the note is in sight although the phases are far below the timeline.
    top = notice.bounding_box()["y"]
    assert 0 <= top < 900
    _window(page, "phase-deleted")
    screenshot(page, "phase-deleted")
    notice.get_by_role("button", name="Undo").click()
    expect(notice).to_contain_text(f"Restored the phase “{phase.name}” with its")
    expect(page.locator(f"#phase-{phase.pk}")).to_be_visible()
    with scopes_disabled():
        assert (
            list(
                PhasePurpose.objects.filter(phase_id=phase.pk).values_list(
                    "pk", "purpose_id", "position"
                )
            )
            == placements
        )
    _window(page, "phase-undone")
    screenshot(page, "phase-undone")

    assert seen == {"console": [], "pageerror": []}
    assert violations(page) == []


def test_escape_puts_a_dragged_marker_back(live_server, browser):
    load_demo()
    milestone = _dragged_milestone()
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    seen = watch(page)
    sign_in(page, live_server.url, "facilitator@demo.example")
    _open_roadmap(page, live_server.url, milestone)
    figure = page.locator("#timeline-figure")
    marker = figure.locator(f'g[data-milestone="{milestone.pk}"]')
    arrow = figure.locator(f'path[data-from="{milestone.pk}"]').first
    marker.scroll_into_view_if_needed()
    arrow_before = arrow.get_attribute("d")
    x, y = _centre(marker.locator("path"))
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 70, y, steps=5)
    expect(figure.locator("svg .drag-date")).to_have_count(1)
    page.keyboard.press("Escape")
    expect(figure.locator("svg .drag-date")).to_have_count(0)
    page.mouse.up()
    assert marker.get_attribute("transform") is None
    assert arrow.get_attribute("d") == arrow_before
    expect(page.locator("#roadmap-notice")).to_be_empty()
    with scopes_disabled():
        assert Milestone.objects.get(pk=milestone.pk).start == milestone.start
    assert seen == {"console": [], "pageerror": []}
