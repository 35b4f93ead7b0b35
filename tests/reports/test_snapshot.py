"""The snapshot: the whole brief's data as JSON, read in a fixed number of queries."""

import base64
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled
from PIL import Image

from purposes.models import Purpose, RoundStatus
from reports.snapshot import FORMAT, snapshot_build
from tests.support.factories import png_file
from tests.support.report_builders import build_roadmap_for_brief
from tests.support.scoring import build_round

pytestmark = pytest.mark.django_db


def _snapshot(roadmap, **kwargs):
    with scope(organisation=roadmap.organisation):
        return snapshot_build(
            roadmap=roadmap, kind="board", version=1, requested_by="Farid", **kwargs
        )


def test_it_is_plain_json(roadmap):
    snapshot = _snapshot(roadmap)
    assert json.loads(json.dumps(snapshot)) == snapshot
    assert snapshot["format"] == FORMAT


def test_it_holds_the_roadmap_purposes_scores_and_branding(roadmap):
    snapshot = _snapshot(roadmap)
    data = snapshot["data"]
    assert data["roadmap"]["title"] == "Growth plan"
    assert [p["name"] for p in data["phases"]] == ["Pilot", "Launch"]
    placed = [p for p in data["purposes"] if p["placed"]]
    assert len(placed) == 3
    assert placed[0]["participants"] == "Design engineers"
    assert {m["kind"] for m in data["milestones"]} == {
        "community", "risk", "investment", "value", "decision"
    }  # fmt: skip
    risk = next(m for m in data["milestones"] if m["kind"] == "risk")
    assert (risk["likelihood"], risk["impact"], risk["mitigation"]) == (3, 4, "Moderators on call")
    investment = next(m for m in data["milestones"] if m["kind"] == "investment")
    assert (investment["amount"], investment["currency"]) == ("10000", "EUR")
    assert [r["rank"] for r in data["results"]] == [1, 2, 3]
    assert data["heatmap"]["columns"] == [r["purpose"] for r in data["results"]]
    assert data["readiness"]["risk_coverage"] == 100
    assert data["round"]["executives"] == 2
    assert snapshot["organisation"]["name"] == "Ours Ltd"
    assert snapshot["organisation"]["logo"].startswith("data:image/png;base64,")
    assert snapshot["changes"] is None and snapshot["previous"] is None


def test_query_count_does_not_grow_with_the_roadmap(world):
    small = build_roadmap_for_brief(world.ours, purposes=2, milestones=5)
    large = build_roadmap_for_brief(world.foreign, purposes=8, milestones=60)

    def queries(roadmap):
        with CaptureQueriesContext(connection) as captured:
            _snapshot(roadmap)
        return len(captured)

    assert queries(small) == queries(large)


def test_a_large_logo_is_shrunk_and_re_encoded(roadmap):
    with scopes_disabled():
        organisation = roadmap.organisation
        organisation.logo = png_file("huge.png", size=(3000, 900))
        organisation.save()
    logo = _snapshot(roadmap)["organisation"]["logo"]
    image = Image.open(io.BytesIO(base64.b64decode(logo.split(",", 1)[1])))
    assert image.format == "PNG"
    assert image.width <= 720 and image.height <= 220


def test_a_missing_logo_file_leaves_the_logo_out(roadmap):
    with scopes_disabled():
        roadmap.organisation.logo.storage.delete(roadmap.organisation.logo.name)
    assert _snapshot(roadmap)["organisation"]["logo"] == ""


def test_changes_are_computed_against_the_previous_snapshot(roadmap):
    first = _snapshot(roadmap)
    with scopes_disabled():
        milestone = roadmap.milestones.order_by("pk").first()
        milestone.title = "Renamed milestone"
        milestone.save()
    second = _snapshot(roadmap, previous=first)
    assert second["previous"]["version"] == 1
    assert second["changes"]["milestones"]["changed"][0]["title"] == "Renamed milestone"


def test_a_previous_snapshot_of_another_format_is_not_compared(roadmap):
    first = _snapshot(roadmap)
    first["format"] = FORMAT - 1
    second = _snapshot(roadmap, previous=first)
    assert second["changes"] is None and second["previous"] is None


def test_it_never_reads_another_organisations_rows(world):
    foreign_round = build_round(world.foreign, status=RoundStatus.REVEALED)
    roadmap = build_roadmap_for_brief(world.ours)
    snapshot = _snapshot(roadmap)
    with scopes_disabled():
        foreign = set(
            Purpose.objects.filter(organisation=world.foreign.org).values_list("pk", flat=True)
        )
    assert foreign
    assert snapshot["data"]["round"]["id"] != foreign_round.pk
    assert not foreign & {p["id"] for p in snapshot["data"]["purposes"]}
