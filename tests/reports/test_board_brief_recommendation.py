"""The facilitator's recommendation, the money by year and the sign-off in the board brief."""

import json

import pytest
from django.urls import reverse
from django_scopes import scope

from organisations.permissions import Role
from reports import context
from roadmap.exchange.json_export import export_json_bytes, roadmap_export
from roadmap.exchange.writing import roadmap_import
from roadmap.models import Roadmap
from tests.support.report_builders import build_roadmap_for_brief, snapshot_for

pytestmark = pytest.mark.django_db

ADVICE = "Start with Right first time; we set aside the loyalty club."


def _board_html(roadmap: Roadmap, kind: str = "board") -> str:
    with scope(organisation=roadmap.organisation):
        return context.brief_html(context.brief_context(snapshot_for(roadmap, kind=kind)))


def test_the_edit_form_saves_the_recommendation_and_the_summary_shows_it(world):
    roadmap = build_roadmap_for_brief(world.ours)
    client = world.client(world.ours.user(Role.ADMIN))
    url = reverse("roadmaps:edit", args=[world.ours.org.slug, roadmap.pk])
    assert "Recommendation" in client.get(url).text
    response = client.post(
        url,
        {
            "title": roadmap.title,
            "description": roadmap.description,
            "recommendation": ADVICE,
            "start": roadmap.start.isoformat(),
            "end": roadmap.end.isoformat(),
            "status": roadmap.status,
            "currency": roadmap.currency,
        },
    )
    assert response.status_code == 302
    roadmap.refresh_from_db()
    assert roadmap.recommendation == ADVICE
    html = _board_html(roadmap)
    summary = html.split('id="summary"')[1].split('id="ranking"')[0]
    assert "Our recommendation" in summary
    assert ADVICE in summary


def test_without_a_recommendation_the_board_brief_has_no_empty_heading(world):
    roadmap = build_roadmap_for_brief(world.ours)
    assert "Our recommendation" not in _board_html(roadmap)


def test_the_recommendation_round_trips_through_the_json_file(world):
    roadmap = build_roadmap_for_brief(world.ours)
    Roadmap.objects.with_scopes_disabled().filter(pk=roadmap.pk).update(recommendation=ADVICE)
    with scope(organisation=world.ours.org):
        document = roadmap_export(Roadmap.objects.get(pk=roadmap.pk))
    assert document["roadmap"]["recommendation"] == ADVICE
    summary = roadmap_import(
        organisation=world.foreign.org,
        actor=world.foreign.user(Role.FACILITATOR),
        data=export_json_bytes(document),
    )
    assert summary.roadmap.recommendation == ADVICE


def test_a_version_1_file_still_imports_with_an_empty_recommendation(world):
    roadmap = build_roadmap_for_brief(world.ours)
    with scope(organisation=world.ours.org):
        document = roadmap_export(Roadmap.objects.get(pk=roadmap.pk))
    document["schema_version"] = 1
    del document["roadmap"]["recommendation"]
    summary = roadmap_import(
        organisation=world.foreign.org,
        actor=world.foreign.user(Role.FACILITATOR),
        data=json.dumps(document).encode(),
    )
    assert summary.roadmap.recommendation == ""


def test_the_board_brief_ends_with_a_sign_off_block_of_blank_rows(world):
    html = _board_html(build_roadmap_for_brief(world.ours))
    signoff = html.split('id="signoff"')[1]
    assert "approved with changes" in signoff and "not approved" in signoff
    table = signoff.split('class="signoff-table"')[1].split("</table>")[0]
    assert table.count("<tr><td></td><td></td><td></td><td></td><td></td></tr>") == (
        context.SIGNOFF_ROWS
    )


def test_the_board_brief_shows_spending_and_value_by_year_with_a_verdict(world):
    html = _board_html(build_roadmap_for_brief(world.ours))
    assert 'class="money-years"' in html
    assert (
        "Value reaches investment in" in html
        or "Value stays below investment within this roadmap." in html
        or "No spending in" in html
    )
