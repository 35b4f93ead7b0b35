"""The milestones CSV: one row per milestone, the columns of its kind, safe in a spreadsheet."""

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organisations.permissions import Role
from tests.support.factories import CommunityFactory, PurposeFactory
from tests.support.roadmap_builders import build_roadmap_for_export
from tests.support.roadmap_factories import (
    MilestoneDependencyFactory,
    MilestoneFactory,
    PhaseFactory,
    RoadmapFactory,
)

pytestmark = pytest.mark.django_db


def _url(roadmap) -> str:
    return reverse(
        "roadmap_exchange:milestones_csv",
        kwargs={"org_slug": roadmap.organisation.slug, "roadmap_id": roadmap.pk},
    )


def _rows(response) -> list[dict]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_a_viewer_downloads_one_row_per_milestone(world):
    roadmap = build_roadmap_for_export(world.ours, milestones=12)
    response = world.client(world.ours.user(Role.VIEWER)).get(_url(roadmap))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="ours-engineers-roadmap-milestones.csv"'
    )
    rows = _rows(response)
    assert len(rows) == 12
    assert [r["start"] for r in rows] == sorted(r["start"] for r in rows)


def test_each_row_fills_the_columns_of_its_kind_and_leaves_the_others_empty(world):
    roadmap = RoadmapFactory(organisation=world.ours.org)
    MilestoneFactory(roadmap=roadmap, title="Members", start=date(2026, 1, 1))
    MilestoneFactory(roadmap=roadmap, title="Leak", start=date(2026, 2, 1), risk=True)
    MilestoneFactory(roadmap=roadmap, title="Hosting", start=date(2026, 3, 1), investment=True)
    MilestoneFactory(roadmap=roadmap, title="Savings", start=date(2026, 4, 1), value=True)
    MilestoneFactory(roadmap=roadmap, title="Platform", start=date(2026, 5, 1), decision=True)
    rows = {
        r["title"]: r for r in _rows(world.client(world.ours.user(Role.VIEWER)).get(_url(roadmap)))
    }

    members = rows["Members"]
    assert (members["kind"], members["measure"], members["target"]) == (
        "Community",
        "Members",
        "500",
    )
    assert members["likelihood (1–5)"] == members["amount"] == members["decision"] == ""

    leak = rows["Leak"]
    assert (leak["risk category"], leak["likelihood (1–5)"], leak["impact (1–5)"]) == (
        "Reputation",
        "3",
        "4",
    )
    assert leak["risk score (likelihood × impact)"] == "12"
    assert leak["mitigation"] == "Moderators on call"
    assert leak["target"] == leak["amount"] == ""

    hosting = rows["Hosting"]
    assert (hosting["amount"], hosting["currency"], hosting["investment kind"]) == (
        "10000",
        "EUR",
        "Platform",
    )
    assert hosting["business value"] == hosting["decided"] == ""

    savings = rows["Savings"]
    assert (savings["amount"], savings["business value"]) == ("25000", "Support cost saved")
    assert savings["investment kind"] == ""

    platform = rows["Platform"]
    assert (platform["decision area"], platform["decided"]) == ("Technology selection", "no")
    assert platform["decision"] == "Host the forum on our own platform"
    assert platform["amount"] == platform["measure"] == ""


def test_rows_name_the_phase_owner_purpose_community_and_dependencies(world):
    roadmap = RoadmapFactory(organisation=world.ours.org)
    PhaseFactory(roadmap=roadmap, name="Pilot", start=date(2026, 1, 1), end=date(2026, 6, 30))
    PhaseFactory(roadmap=roadmap, name="Launch", start=date(2026, 7, 1), end=date(2026, 12, 31))
    owner = world.ours.user(Role.FACILITATOR)
    purpose = PurposeFactory(organisation=world.ours.org, title="Right first time")
    community = CommunityFactory(organisation=world.ours.org, name="Design engineers")
    first = MilestoneFactory(roadmap=roadmap, title="Pick a forum", start=date(2026, 2, 1))
    second = MilestoneFactory(roadmap=roadmap, title="Seed content", start=date(2026, 3, 1))
    last = MilestoneFactory(
        roadmap=roadmap,
        title="Launch",
        start=date(2026, 8, 1),
        owner=owner,
        purpose=purpose,
        community=community,
    )
    MilestoneFactory(roadmap=roadmap, title="After the phases", start=date(2027, 6, 1))
    MilestoneDependencyFactory(predecessor=second, successor=last)
    MilestoneDependencyFactory(predecessor=first, successor=last)
    rows = {
        r["title"]: r for r in _rows(world.client(world.ours.user(Role.VIEWER)).get(_url(roadmap)))
    }
    launch = rows["Launch"]
    assert launch["phase"] == "Launch"
    assert launch["owner email"] == owner.email
    assert launch["owner"] == owner.display_name
    assert launch["purpose"] == "Right first time"
    assert launch["community"] == "Design engineers"
    assert launch["depends on"] == "Pick a forum; Seed content"
    assert launch["depends on (ids)"] == f"{first.pk}; {second.pk}"
    assert launch["id"] == str(last.pk)
    assert rows["Pick a forum"]["phase"] == "Pilot"
    assert rows["Pick a forum"]["depends on"] == ""
    assert rows["After the phases"]["phase"] == ""


def test_formulas_in_titles_notes_and_names_are_neutralised(world):
    roadmap = RoadmapFactory(organisation=world.ours.org)
    community = CommunityFactory(organisation=world.ours.org, name="@everyone")
    MilestoneFactory(
        roadmap=roadmap,
        title='=HYPERLINK("http://evil.example","click")',
        description="+cmd|' /C calc'!A0",
        community=community,
        risk=True,
        mitigation="-2+3",
    )
    [row] = _rows(world.client(world.ours.user(Role.VIEWER)).get(_url(roadmap)))
    assert row["title"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["notes"] == "'+cmd|' /C calc'!A0"
    assert row["community"] == "'@everyone"
    assert row["mitigation"] == "'-2+3"


def _csv_queries(client, roadmap) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url(roadmap)).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_the_number_of_milestones(world):
    small = build_roadmap_for_export(world.ours, milestones=5)
    large = build_roadmap_for_export(world.foreign, milestones=80)
    ours = world.client(world.ours.user(Role.VIEWER))
    foreign = world.client(world.foreign.user(Role.VIEWER))
    _csv_queries(ours, small)  # the first request of a session loads a little more
    _csv_queries(foreign, large)
    assert _csv_queries(ours, small) == _csv_queries(foreign, large)
