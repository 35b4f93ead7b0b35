"""A brief counts who finished scoring, says when its round is incomplete, and keeps its round."""

import re

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from organisations.permissions import Role
from purposes.models import NeedScore, ScoringRound
from reports import context
from reports.models import Report
from tests.support.pdf_reading import page_texts, pdf_reader
from tests.support.report_builders import (
    build_roadmap_for_brief,
    request_and_render,
    snapshot_for,
)

pytestmark = pytest.mark.django_db


def _round_of(roadmap) -> ScoringRound:
    with scopes_disabled():
        return ScoringRound.objects.get(organisation=roadmap.organisation)


def _leave_unfinished(roadmap, role_user) -> None:
    """``role_user`` skipped two of their need scores: they scored only part."""
    with scopes_disabled():
        skipped = NeedScore.objects.filter(round=_round_of(roadmap), scorer=role_user)
        NeedScore.objects.filter(pk__in=list(skipped.values_list("pk", flat=True)[:2])).delete()


def _section(html: str, css_class: str) -> str:
    match = re.search(rf'<section class="{css_class}"[^>]*>(.*?)</section>', html, re.S)
    assert match, css_class
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", match.group(1)))


def _html(snapshot) -> str:
    return context.brief_html(context.brief_context(snapshot))


def test_the_snapshot_counts_who_finished(world, roadmap):
    _leave_unfinished(roadmap, world.ours.user(Role.FACILITATOR))
    data = snapshot_for(roadmap)["data"]
    assert (data["round"]["executives"], data["round"]["finished"], data["round"]["partly"]) == (
        2,
        1,
        1,
    )
    assert data["heatmap"]["flag_spread"] == 3


def test_a_brief_from_an_incomplete_round_says_so_on_its_cover_and_summary(world, roadmap):
    _leave_unfinished(roadmap, world.ours.user(Role.FACILITATOR))
    html = _html(snapshot_for(roadmap))
    cover = _section(html, "cover")
    summary = _section(html, "section summary")
    assert "an incomplete round: 1 of 2 finished, 1 partly" in cover
    assert "scored by 2 people" not in cover
    assert "an incomplete round: 1 of 2 finished, 1 partly." in summary
    assert "revealed before everyone had finished" in html
    assert "scored blind by 2 people" not in html


def test_a_brief_from_a_complete_round_says_who_scored(roadmap):
    html = _html(snapshot_for(roadmap))
    assert "scored by 2 people" in _section(html, "cover")
    assert "incomplete round" not in html
    assert "scored blind by 2 people and then revealed" in html
    assert "executives’ scores 3 or more points apart" in html


def test_the_workshop_brief_says_so_too(world, roadmap):
    _leave_unfinished(roadmap, world.ours.user(Role.EXECUTIVE))
    html = _html(snapshot_for(roadmap, kind="workshop"))
    assert "an incomplete round: 1 of 2 finished, 1 partly" in _section(html, "cover")
    assert "revealed before everyone had finished" in html
    assert "3 or more points apart" in html


def test_a_snapshot_from_before_the_counts_reads_as_it_did(roadmap):
    snapshot = snapshot_for(roadmap)
    del snapshot["data"]["round"]["finished"], snapshot["data"]["round"]["partly"]
    del snapshot["data"]["heatmap"]["flag_spread"]
    html = _html(snapshot)
    assert "scored by 2 people" in _section(html, "cover")
    # Its flags were set at 2 points then: its key says so.
    assert "executives’ scores 2 or more points apart" in html


def test_the_pdf_cover_of_an_incomplete_round(world, roadmap, facilitator):
    _leave_unfinished(roadmap, world.ours.user(Role.EXECUTIVE))
    report = request_and_render(roadmap, facilitator)
    pages = page_texts(pdf_reader(report.file.read()))
    cover = re.sub(r"\s+", " ", pages[0])
    assert "an incomplete round: 1 of 2 finished, 1 partly" in cover


# ---------------------------------------------------------------- a brief keeps its round


def _delete(world, scoring_round, **data):
    url = reverse("scoring:delete", kwargs={"org_slug": "ours", "round_id": scoring_round.pk})
    return world.client(world.ours.user(Role.FACILITATOR)).post(url, data)


def test_a_round_a_brief_was_made_from_cannot_be_deleted(world, roadmap):
    scoring_round = _round_of(roadmap)
    with scopes_disabled():
        Report.objects.create(
            organisation=world.ours.org,
            roadmap=roadmap,
            kind="board",
            version=3,
            snapshot=snapshot_for(roadmap, version=3),
        )
    asked = _delete(world, scoring_round)
    assert "cannot be deleted" in asked.text
    assert "Board brief version 3 of “Growth plan”" in asked.text
    refused = _delete(world, scoring_round, confirmed="yes")
    assert refused.status_code == 409
    with scopes_disabled():
        assert ScoringRound.objects.filter(pk=scoring_round.pk).exists()


def test_a_round_no_brief_uses_can_be_deleted(world, roadmap):
    """A brief of another organisation that happens to name the same id does not count."""
    scoring_round = _round_of(roadmap)
    foreign = build_roadmap_for_brief(world.foreign)
    snapshot = snapshot_for(foreign)
    snapshot["data"]["round"]["id"] = scoring_round.pk
    with scopes_disabled():
        Report.objects.create(
            organisation=world.foreign.org,
            roadmap=foreign,
            kind="board",
            version=1,
            snapshot=snapshot,
        )
    assert _delete(world, scoring_round, confirmed="yes").status_code == 302
    with scopes_disabled():
        assert not ScoringRound.objects.filter(pk=scoring_round.pk).exists()
