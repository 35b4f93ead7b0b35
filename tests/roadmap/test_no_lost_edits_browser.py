"""Two people edit one milestone in two browsers: nobody's change is lost (docs/editing.md)."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from roadmap.models import Milestone, MilestoneKind, MilestoneStatus
from tests.support.browser import load_demo, sign_in, watch

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _open_editor(page, base: str, milestone: Milestone):
    org = milestone.organisation.slug
    page.goto(f"{base}{reverse('roadmaps:detail', args=[org, milestone.roadmap_id])}")
    edit = reverse("roadmaps:milestone_edit", args=[org, milestone.roadmap_id, milestone.pk])
    page.locator(f'a[href="{edit}"]').first.click()
    dialog = page.locator("#roadmap-dialog")
    expect(dialog.get_by_role("button", name="Save milestone")).to_be_visible()
    return dialog


def test_two_people_edit_one_milestone_and_both_changes_stay(live_server, browser, screenshot):
    load_demo()
    with scopes_disabled():
        milestone = (
            Milestone.objects.filter(kind=MilestoneKind.COMMUNITY, target_value__isnull=False)
            .select_related("organisation")
            .exclude(status=MilestoneStatus.DONE)
            .first()
        )
    base = live_server.url
    pages, seen = [], []
    for email in ("facilitator@demo.example", "admin@demo.example"):
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        seen.append(watch(page))
        sign_in(page, base, email)
        pages.append(page)
    facilitator, admin = pages

    # Both open the same milestone; the facilitator sets the target, the
    # admin, from the dialog opened before that save, only the status.
    theirs = _open_editor(facilitator, base, milestone)
    mine = _open_editor(admin, base, milestone)
    theirs.get_by_label("Target", exact=True).fill("80")
    theirs.get_by_role("button", name="Save milestone").click()
    expect(facilitator.locator("#messages")).to_contain_text("Saved")
    mine.get_by_label("Status").select_option(MilestoneStatus.DONE)
    mine.get_by_role("button", name="Save milestone").click()
    expect(admin.locator("#messages")).to_contain_text("Their change to Target was kept")
    screenshot(admin, "merged")
    with scopes_disabled():
        milestone.refresh_from_db()
    assert (milestone.target_value, milestone.status) == (Decimal(80), MilestoneStatus.DONE)

    # Both change the title: a clash, shown side by side; the admin takes theirs.
    theirs = _open_editor(facilitator, base, milestone)
    mine = _open_editor(admin, base, milestone)
    theirs.get_by_label("Title").fill("Facilitator's title")
    theirs.get_by_role("button", name="Save milestone").click()
    expect(facilitator.locator("#messages")).to_contain_text("Saved")
    mine.get_by_label("Title").fill("Admin's title")
    # The field says its limit while typing.
    expect(mine.locator(".char-limit").first).to_have_text("13 of 120 characters")
    mine.get_by_label("Notes").fill("Checked with the board")
    mine.get_by_role("button", name="Save milestone").click()
    expect(mine.get_by_text("Title: you both changed it")).to_be_visible()
    expect(mine.locator(".clash-value", has_text="Facilitator's title")).to_be_visible()
    screenshot(admin, "clash")
    mine.screenshot(path=str(SCREENSHOTS / "no-lost-edits-clash-dialog.png"))
    with scopes_disabled():
        milestone.refresh_from_db()
    assert milestone.title == "Facilitator's title"  # nothing saved on a clash
    mine.get_by_label("Use theirs, saved meanwhile").check()
    mine.get_by_role("button", name="Save milestone").click()
    expect(admin.locator("#messages")).to_contain_text("Saved")
    with scopes_disabled():
        milestone.refresh_from_db()
    assert (milestone.title, milestone.description) == (
        "Facilitator's title",
        "Checked with the board",
    )
    # The clash is answered 409, which Chromium logs; nothing else may be.
    for errors in seen:
        assert [m for m in errors["console"] if "status of 409" not in m] == []
        assert errors["pageerror"] == []
