"""Whole-roadmap JSON export and import: schema, round trip, matching, refusals."""

import copy
import json
from datetime import UTC, datetime
from decimal import Decimal

import jsonschema
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from common.limits import MAX_MILESTONES, MAX_NEEDS
from communities.models import Community, Need
from organisations.models import Organisation
from organisations.permissions import Role
from purposes.models import (
    CharacteristicScore,
    NeedScore,
    Purpose,
    PurposeRevision,
    RoundStatus,
    ScoringRound,
)
from roadmap.exchange.json_export import export_json_bytes, roadmap_export
from roadmap.exchange.parsing import MAX_FILE_BYTES, ImportInvalid, Problem
from roadmap.exchange.schema import ALL_KIND_FIELDS, SCHEMA_PATH, SCHEMA_VERSION
from roadmap.exchange.views import MAX_REPORTED_ERRORS
from roadmap.exchange.writing import ImportSummary, roadmap_import
from roadmap.models import (
    DecisionArea,
    Milestone,
    MilestoneDependency,
    MilestoneStatus,
    Phase,
    PhasePurpose,
    RiskCategory,
    Roadmap,
)
from tests.support.factories import (
    CommunityFactory,
    MembershipFactory,
    NeedFactory,
)
from tests.support.roadmap_builders import build_roadmap_for_export
from tests.support.roadmap_factories import (
    MilestoneFactory,
)

pytestmark = pytest.mark.django_db


def export(roadmap: Roadmap) -> dict:
    with scope(organisation=roadmap.organisation):
        return roadmap_export(Roadmap.objects.get(pk=roadmap.pk))


def as_bytes(document: dict) -> bytes:
    return export_json_bytes(document)


def comparable(document: dict) -> dict:
    """The content, without the fields that say when and where it was exported."""
    return {k: v for k, v in document.items() if k not in ("exported_at", "source")}


def share_people(world) -> None:
    """Our facilitator and executive are members of the foreign organisation too."""
    for role in (Role.FACILITATOR, Role.EXECUTIVE):
        MembershipFactory(organisation=world.foreign.org, user=world.ours.user(role), role=role)


def import_into(tenant, data: bytes, role: str = Role.FACILITATOR) -> ImportSummary:
    return roadmap_import(organisation=tenant.org, actor=tenant.user(role), data=data)


def row_counts(org) -> dict:
    models = [
        Community,
        Need,
        Purpose,
        PurposeRevision,
        ScoringRound,
        NeedScore,
        CharacteristicScore,
        Roadmap,
        Phase,
        PhasePurpose,
        Milestone,
        MilestoneDependency,
    ]
    with scopes_disabled():
        return {m.__name__: m.objects.filter(organisation=org).count() for m in models}


def problems_of(data: bytes, tenant) -> list[Problem]:
    with pytest.raises(ImportInvalid) as caught:
        import_into(tenant, data)
    return caught.value.problems


# --- export -----------------------------------------------------------------


def test_export_is_valid_against_the_published_schema(world):
    document = export(build_roadmap_for_export(world.ours))
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(json.loads(as_bytes(document)))
    assert document["schema_version"] == SCHEMA_VERSION


def test_export_holds_the_workshop_behind_the_roadmap(world):
    document = export(build_roadmap_for_export(world.ours, milestones=10))
    assert [c["name"] for c in document["communities"]] == ["Design engineers", "Buyers"]
    assert sum(len(c["needs"]) for c in document["communities"]) == 3
    # Placed or scored purposes only: the retired one is in no revealed round.
    assert [p["title"] for p in document["purposes"]] == ["Reference designs", "Right first time"]
    [scoring_round] = document["scoring_rounds"]
    assert scoring_round["name"] == "Workshop round 1"
    assert scoring_round["executives"] == sorted(
        [world.ours.user(Role.EXECUTIVE).email, world.ours.user(Role.FACILITATOR).email]
    )
    assert len(scoring_round["need_scores"]) == 2 * 3 * 2
    assert len(scoring_round["characteristic_scores"]) == 2 * 5 * 2
    roadmap = document["roadmap"]
    assert roadmap["owner"] == world.ours.user(Role.FACILITATOR).email
    assert [p["name"] for p in roadmap["phases"]] == ["Pilot", "Launch"]
    # Launch places Reference designs (id 1) before Right first time (id 2).
    assert roadmap["phases"][1]["purpose_ids"] == [1, 2]
    assert len(roadmap["milestones"]) == 10
    assert roadmap["dependencies"]


def test_export_writes_only_the_fields_of_each_milestones_kind(world):
    document = export(build_roadmap_for_export(world.ours, milestones=5))
    by_kind = {m["kind"]: m for m in document["roadmap"]["milestones"]}
    assert by_kind["community"]["metric"] == "members"
    assert by_kind["community"]["target_value"] == "500.00"
    assert "likelihood" not in by_kind["community"]
    assert by_kind["risk"]["review_date"] == "2026-06-01"
    assert by_kind["risk"]["mitigation"] == "Moderators on call"
    assert by_kind["investment"]["amount"] == "10000.00"
    assert "value_metric" not in by_kind["investment"]
    assert by_kind["value"]["value_metric"] == "Support cost saved"
    assert by_kind["decision"]["decided"] is False
    assert "amount" not in by_kind["decision"]


def test_open_rounds_are_never_exported(world):
    build_roadmap_for_export(world.ours)
    document = export(Roadmap.objects.with_scopes_disabled().get(organisation=world.ours.org))
    assert [r["name"] for r in document["scoring_rounds"]] == ["Workshop round 1"]
    assert all(r["status"] != "open" for r in document["scoring_rounds"])


def test_the_calendar_token_is_never_exported(world):
    roadmap = build_roadmap_for_export(world.ours)
    Roadmap.objects.with_scopes_disabled().filter(pk=roadmap.pk).update(ical_token="s" * 43)
    assert "s" * 43 not in as_bytes(export(roadmap)).decode()


def _export_queries(tenant, roadmap) -> int:
    with scope(organisation=tenant.org), CaptureQueriesContext(connection) as queries:
        roadmap_export(Roadmap.objects.get(pk=roadmap.pk))
    return len(queries)


def test_export_query_count_does_not_grow_with_the_roadmap(world):
    small = build_roadmap_for_export(world.ours, milestones=5)
    large = build_roadmap_for_export(world.foreign, milestones=60)
    assert _export_queries(world.ours, small) == _export_queries(world.foreign, large)


# --- import: copies ---------------------------------------------------------


def test_round_trip_into_another_organisation_gives_the_same_content(world):
    share_people(world)
    first = export(build_roadmap_for_export(world.ours, milestones=25))
    summary = import_into(world.foreign, as_bytes(first))
    second = export(summary.roadmap)
    assert comparable(second) == comparable(first)
    assert summary.unmatched_emails == []
    assert summary.scores_left_out == 0
    assert summary.milestones_created == 25


def test_import_creates_new_rows_and_leaves_the_source_alone(world):
    roadmap = build_roadmap_for_export(world.ours)
    before = row_counts(world.ours.org)
    summary = import_into(world.foreign, as_bytes(export(roadmap)))
    assert row_counts(world.ours.org) == before
    assert summary.roadmap.pk != roadmap.pk
    assert summary.roadmap.organisation_id == world.foreign.org.pk
    after = row_counts(world.foreign.org)
    assert after["Milestone"] == 10
    assert after["Community"] == 2
    assert after["Purpose"] == 2
    # Every imported purpose has its first revision; its status is a decision,
    # logged in the audit log, not a revision of its text.
    assert after["PurposeRevision"] == 2
    with scopes_disabled():
        assert not Milestone.objects.filter(
            organisation=world.foreign.org, pk__in=Milestone.objects.filter(roadmap=roadmap)
        ).exists()


def test_the_imported_round_keeps_its_dates_and_status(world):
    summary = import_into(world.foreign, as_bytes(export(build_roadmap_for_export(world.ours))))
    with scopes_disabled():
        scoring_round = ScoringRound.objects.get(organisation=world.foreign.org)
    assert scoring_round.status == RoundStatus.REVEALED
    assert scoring_round.revealed_at == datetime(2025, 12, 1, 10, 30, tzinfo=UTC)
    assert scoring_round.fit_weight_percent == 60
    assert summary.rounds_created == 1


def test_importing_twice_reuses_communities_and_renames_the_copies(world):
    data = as_bytes(export(build_roadmap_for_export(world.ours)))
    first = import_into(world.foreign, data)
    second = import_into(world.foreign, data)
    assert (first.communities_created, first.needs_created) == (2, 3)
    assert (second.communities_created, second.communities_matched) == (0, 2)
    assert (second.needs_created, second.needs_matched) == (0, 3)
    assert first.roadmap.title == "Engineers' roadmap"
    assert second.roadmap.title == "Engineers' roadmap (imported)"
    third = import_into(world.foreign, data)
    assert third.roadmap.title == "Engineers' roadmap (imported 2)"
    with scopes_disabled():
        titles = sorted(
            Purpose.objects.filter(organisation=world.foreign.org).values_list("title", flat=True)
        )
        rounds = ScoringRound.objects.filter(organisation=world.foreign.org).count()
    assert titles == sorted(
        [
            "Reference designs",
            "Reference designs (imported)",
            "Reference designs (imported 2)",
            "Right first time",
            "Right first time (imported)",
            "Right first time (imported 2)",
        ]
    )
    assert rounds == 3
    assert ("Engineers' roadmap", "Engineers' roadmap (imported)") in second.renamed
    assert row_counts(world.foreign.org)["Community"] == 2


def test_importing_into_the_same_organisation_makes_a_separate_copy(world):
    roadmap = build_roadmap_for_export(world.ours)
    summary = import_into(world.ours, as_bytes(export(roadmap)))
    assert summary.roadmap.pk != roadmap.pk
    assert summary.roadmap.title == "Engineers' roadmap (imported)"
    assert summary.communities_matched == 2
    with scopes_disabled():
        assert Milestone.objects.filter(roadmap=roadmap).count() == 10
        assert Milestone.objects.filter(roadmap=summary.roadmap).count() == 10


def test_importing_a_round_moves_the_organisation_data_version_on(world):
    # The organisation's roadmap pages read its latest revealed round: a page
    # cached before the import must not be served after it. No purpose,
    # community or need is written here, so only the round can move it.
    document = export(build_roadmap_for_export(world.ours))
    document["purposes"] = []
    for scoring_round in document["scoring_rounds"]:
        scoring_round.update(purpose_ids=[], need_scores=[], characteristic_scores=[])
    for phase in document["roadmap"]["phases"]:
        phase["purpose_ids"] = []
    for milestone in document["roadmap"]["milestones"]:
        milestone["purpose_id"] = None
    before = Organisation.objects.get(pk=world.ours.org.pk).data_version
    summary = import_into(world.ours, as_bytes(document))
    assert (summary.rounds_created, summary.purposes_created) == (1, 0)
    assert (summary.communities_created, summary.needs_created) == (0, 0)
    assert Organisation.objects.get(pk=world.ours.org.pk).data_version > before


def test_people_who_are_not_members_are_left_out_and_listed(world):
    data = as_bytes(export(build_roadmap_for_export(world.ours)))
    summary = import_into(world.foreign, data)
    facilitator = world.ours.user(Role.FACILITATOR).email
    executive = world.ours.user(Role.EXECUTIVE).email
    assert summary.unmatched_emails == sorted([facilitator, executive])
    assert summary.scores_left_out == 2 * 3 * 2 + 2 * 5 * 2
    with scopes_disabled():
        assert summary.roadmap.owner is None
        assert not Milestone.objects.filter(roadmap=summary.roadmap, owner__isnull=False).exists()
        assert not NeedScore.objects.filter(organisation=world.foreign.org).exists()


def test_owners_are_matched_by_email_ignoring_case(world):
    share_people(world)
    document = export(build_roadmap_for_export(world.ours))
    document["roadmap"]["owner"] = document["roadmap"]["owner"].upper()
    summary = import_into(world.foreign, as_bytes(document))
    assert summary.roadmap.owner == world.ours.user(Role.FACILITATOR)


def test_a_hand_written_minimal_file_is_accepted(world):
    document = {
        "format": "purpose-roadmap",
        "schema_version": 1,
        "communities": [],
        "purposes": [],
        "scoring_rounds": [],
        "roadmap": {
            "title": "Minimal",
            "start": "2027-01-01",
            "end": "2027-12-31",
            "phases": [],
            "milestones": [
                {
                    "id": 7,
                    "kind": "value",
                    "title": "Leads",
                    "start": "2027-05-01",
                    "amount": 120,
                    "value_metric": "Qualified leads",
                }
            ],
        },
    }
    summary = import_into(world.ours, as_bytes(document))
    with scopes_disabled():
        milestone = Milestone.objects.get(roadmap=summary.roadmap)
    assert milestone.amount == Decimal(120)
    assert milestone.currency is None
    assert milestone.status == MilestoneStatus.PLANNED
    assert summary.roadmap.currency == "EUR"


# --- import: refusals -------------------------------------------------------


def test_a_file_that_is_not_utf8_is_refused_with_a_message(world):
    [problem] = problems_of('{"title": "caf\xe9"}'.encode("latin-1"), world.ours)
    assert "UTF-8" in problem.message


def test_invalid_json_says_where(world):
    [problem] = problems_of(b'{\n  "format": "purpose-roadmap",\n  oops\n}', world.ours)
    assert "line 3" in problem.message
    assert "not valid JSON" in problem.message


@pytest.mark.parametrize(
    "data",
    [b"[]", b'{"format": "something-else"}', b'"purpose-roadmap"', b"{}"],
    ids=["array", "other-format", "string", "empty-object"],
)
def test_a_file_that_is_not_an_export_is_refused(world, data):
    [problem] = problems_of(data, world.ours)
    assert "not a Purpose Roadmap export" in problem.message


def test_a_newer_format_version_asks_for_an_update(world):
    document = export(build_roadmap_for_export(world.ours))
    document["schema_version"] = SCHEMA_VERSION + 1
    [problem] = problems_of(as_bytes(document), world.ours)
    assert problem.path == "/schema_version"
    assert f"version {SCHEMA_VERSION + 1}" in problem.message


@pytest.mark.parametrize(
    "data",
    [
        b'{"format": "purpose-roadmap", "format": "purpose-roadmap"}',
        b'{"format": "purpose-roadmap", "schema_version": NaN}',
        b"[" * 100_000,
        b"   ",
    ],
    ids=["duplicate-key", "nan", "deep-nesting", "blank"],
)
def test_malformed_json_is_refused_without_a_crash(world, data):
    assert problems_of(data, world.ours)


def test_schema_problems_are_reported_together_with_their_paths(world):
    document = export(build_roadmap_for_export(world.ours, milestones=5))
    milestones = document["roadmap"]["milestones"]
    risk = next(i for i, m in enumerate(milestones) if m["kind"] == "risk")
    decision = next(i for i, m in enumerate(milestones) if m["kind"] == "decision")
    milestones[risk]["impact"] = 9
    del milestones[decision]["decision_text"]
    document["roadmap"]["start"] = "2026-02-30"
    document["communities"][0]["kind"] = "aliens"
    document["purposes"][0]["colour"] = "blue"
    problems = {p.path: p.message for p in problems_of(as_bytes(document), world.ours)}
    assert problems[f"/roadmap/milestones/{risk}/impact"] == "must be at most 5."
    assert "required" in problems[f"/roadmap/milestones/{decision}/decision_text"]
    assert "not a real date" in problems["/roadmap/start"]
    assert "“customers”" in problems["/communities/0/kind"]
    assert "“colour”" in problems["/purposes/0"]
    assert len(problems) == 5


def test_references_that_do_not_resolve_are_refused(world):
    document = export(build_roadmap_for_export(world.ours, milestones=5))
    document["purposes"][0]["community_ids"] = [99]
    document["roadmap"]["phases"][0]["purpose_ids"] = [42]
    document["roadmap"]["milestones"][0]["purpose_id"] = 77
    document["roadmap"]["dependencies"] = [{"predecessor_id": 1, "successor_id": 500}]
    document["scoring_rounds"][0]["need_scores"][0]["executive"] = "stranger@example.com"
    problems = {p.path: p.message for p in problems_of(as_bytes(document), world.ours)}
    assert problems["/purposes/0/community_ids/0"] == (
        "refers to community 99, which is not in the file."
    )
    assert "purpose 42" in problems["/roadmap/phases/0/purpose_ids/0"]
    assert "purpose 77" in problems["/roadmap/milestones/0/purpose_id"]
    assert "milestone 500" in problems["/roadmap/dependencies/0/successor_id"]
    assert "stranger@example.com" in problems["/scoring_rounds/0/need_scores/0/executive"]


def test_overlapping_phases_and_dates_outside_the_roadmap_are_refused(world):
    document = export(build_roadmap_for_export(world.ours, milestones=5))
    document["roadmap"]["phases"][1]["start"] = "2026-12-01"  # Launch overlaps Pilot
    document["roadmap"]["phases"].append(
        {"id": 9, "name": "Later", "start": "2029-01-01", "end": "2029-06-30"}
    )
    # The milestone window is the form's: the roadmap and a year either side.
    document["roadmap"]["milestones"][0]["start"] = "2024-12-31"
    document["roadmap"]["milestones"][1]["start"] = "2025-01-01"
    problems = {p.path: p.message for p in problems_of(as_bytes(document), world.ours)}
    assert "overlaps “Pilot”" in problems["/roadmap/phases/1"]
    assert "within the roadmap (1 Jan 2026 to 31 Dec 2028)" in problems["/roadmap/phases/2"]
    assert "between 1 Jan 2025 and 31 Dec 2029" in problems["/roadmap/milestones/0/start"]
    assert "/roadmap/milestones/1/start" not in problems


@pytest.mark.parametrize("start, end", [("0001-01-01", "0002-01-01"), ("9995-01-01", "9999-12-31")])
def test_a_roadmap_at_the_calendars_edges_is_refused_with_a_message(world, start, end):
    document = export(build_roadmap_for_export(world.ours, milestones=0))
    document["roadmap"].update(start=start, end=end, phases=[])
    problems = {p.path: p.message for p in problems_of(as_bytes(document), world.ours)}
    assert "between 1900 and 2199" in " ".join(problems.values())


def test_a_milestone_far_outside_its_roadmap_is_refused_on_import(world):
    document = export(build_roadmap_for_export(world.ours, milestones=2))
    document["roadmap"]["milestones"][0]["start"] = "0001-01-01"
    document["roadmap"]["milestones"][1]["end"] = "9999-12-31"
    problems = {p.path: p.message for p in problems_of(as_bytes(document), world.ours)}
    assert "Keep the milestone between" in problems["/roadmap/milestones/0/start"]
    assert "Keep the milestone between" in problems["/roadmap/milestones/1/end"]


def test_a_roadmap_longer_than_five_years_is_refused(world):
    document = export(build_roadmap_for_export(world.ours, milestones=0))
    document["roadmap"]["end"] = "2031-06-30"
    [problem] = problems_of(as_bytes(document), world.ours)
    assert problem.path == "/roadmap/end"
    assert "at most five years" in problem.message


def test_a_dependency_cycle_is_refused_naming_the_milestones(world):
    document = export(build_roadmap_for_export(world.ours, milestones=3))
    document["roadmap"]["dependencies"] = [
        {"predecessor_id": 1, "successor_id": 2},
        {"predecessor_id": 2, "successor_id": 3},
        {"predecessor_id": 3, "successor_id": 1},
    ]
    [problem] = problems_of(as_bytes(document), world.ours)
    assert problem.path == "/roadmap/dependencies"
    assert "“Milestone 000” → “Milestone 001” → “Milestone 002” → “Milestone 000”" in (
        problem.message
    )


def test_duplicate_ids_and_names_are_refused(world):
    document = export(build_roadmap_for_export(world.ours, milestones=3))
    document["roadmap"]["milestones"][2]["id"] = 1
    document["communities"][1]["name"] = "DESIGN ENGINEERS"
    problems = {p.path: p.message for p in problems_of(as_bytes(document), world.ours)}
    assert "used twice" in problems["/roadmap/milestones/2/id"]
    assert "appears twice" in problems["/communities/1/name"]


def test_fields_of_another_kind_are_refused_by_the_models_constraints(world):
    document = export(build_roadmap_for_export(world.ours, milestones=5))
    community = next(m for m in document["roadmap"]["milestones"] if m["kind"] == "community")
    community["likelihood"] = 3
    decision = next(m for m in document["roadmap"]["milestones"] if m["kind"] == "decision")
    decision["amount"] = "10.00"
    problems = [p.message for p in problems_of(as_bytes(document), world.ours)]
    assert (
        "Only risk milestones have risk_category, likelihood, impact, mitigation, review_date."
        in problems
    )
    assert "Only investment and value milestones have an amount or currency." in problems


def test_a_file_failing_at_the_last_milestone_leaves_no_rows(world):
    document = export(build_roadmap_for_export(world.ours, milestones=20))
    last = document["roadmap"]["milestones"][-1]
    for name in ALL_KIND_FIELDS:
        last.pop(name, None)
    # Valid for the schema and the cross-checks; only the model's constraint
    # for community milestones (a custom measure needs its name) refuses it.
    last.update(kind="community", metric="custom", metric_label="", target_value="5")
    before = row_counts(world.foreign.org)
    problems = problems_of(as_bytes(document), world.foreign)
    assert [p.path for p in problems] == ["/roadmap/milestones/19"]
    assert "metric_label" in problems[0].message
    assert row_counts(world.foreign.org) == before
    assert all(count == 0 for count in before.values())


def test_every_problem_is_collected_before_the_rollback(world):
    document = export(build_roadmap_for_export(world.ours, milestones=10))
    for milestone in document["roadmap"]["milestones"][-3:]:
        milestone["status"] = "done"
        if milestone["kind"] == "risk":
            milestone["risk_category"] = RiskCategory.OTHER
        milestone["title"] = " "
    problems = problems_of(as_bytes(document), world.foreign)
    assert [p.path for p in problems] == [
        "/roadmap/milestones/7/title",
        "/roadmap/milestones/8/title",
        "/roadmap/milestones/9/title",
    ]
    assert row_counts(world.foreign.org)["Roadmap"] == 0


def test_decision_areas_survive_the_round_trip(world):
    share_people(world)
    roadmap = build_roadmap_for_export(world.ours, milestones=0)
    for area in DecisionArea.values:
        MilestoneFactory(roadmap=roadmap, decision=True, decision_area=area, decided=True)
    summary = import_into(world.foreign, as_bytes(export(roadmap)))
    with scopes_disabled():
        areas = set(
            Milestone.objects.filter(roadmap=summary.roadmap).values_list(
                "decision_area", flat=True
            )
        )
    assert areas == set(DecisionArea.values)


# --- views ------------------------------------------------------------------


def _upload(data: bytes, name: str = "roadmap.json") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/json")


def test_a_viewer_downloads_the_json_export(world):
    roadmap = build_roadmap_for_export(world.ours)
    url = reverse(
        "roadmap_exchange:export_json", kwargs={"org_slug": "ours", "roadmap_id": roadmap.pk}
    )
    response = world.client(world.ours.user(Role.VIEWER)).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="ours-engineers-roadmap-roadmap.json"'
    )
    assert comparable(json.loads(response.content)) == comparable(export(roadmap))


def test_the_import_page_explains_the_matching_rules(world):
    response = world.client(world.ours.user(Role.FACILITATOR)).get(
        reverse("roadmap_exchange:import", kwargs={"org_slug": "ours"})
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "matched by email address" in page
    assert "(imported)" in page
    assert 'type="file"' in page


def test_importing_a_file_creates_the_roadmap_and_says_what_happened(world):
    data = as_bytes(export(build_roadmap_for_export(world.ours)))
    client = world.client(world.foreign.user(Role.FACILITATOR))
    response = client.post(
        reverse("roadmap_exchange:import", kwargs={"org_slug": "foreign"}),
        {"file": _upload(data)},
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "Imported “Engineers&#x27; roadmap”: 2 phases, 10 milestones, 2 purposes and "
        "1 scoring round." in page
    )
    assert "Not members of this organisation, so left out" in page
    assert world.ours.user(Role.FACILITATOR).email in page
    assert row_counts(world.foreign.org)["Roadmap"] == 1


def test_a_bad_file_is_listed_problem_by_problem_with_status_422(world):
    document = export(build_roadmap_for_export(world.ours, milestones=60))
    for milestone in document["roadmap"]["milestones"]:
        milestone["status"] = "finished"
    response = world.client(world.ours.user(Role.FACILITATOR)).post(
        reverse("roadmap_exchange:import", kwargs={"org_slug": "ours"}),
        {"file": _upload(as_bytes(document))},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Nothing was imported." in page
    assert page.count("<code>/roadmap/milestones/") == MAX_REPORTED_ERRORS
    assert "…and 10 more problems." in page
    assert row_counts(world.ours.org)["Roadmap"] == 1


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("roadmap.csv", b"a,b", "File extension"),
        ("roadmap.json", b"\xff\xfe\x00", "not UTF-8"),
        ("roadmap.json", b"x" * (MAX_FILE_BYTES + 1), "larger than 2 MB"),
    ],
    ids=["not-json", "bad-encoding", "too-large"],
)
def test_a_file_of_the_wrong_kind_gets_a_message_and_422(world, name, data, message):
    response = world.client(world.ours.user(Role.FACILITATOR)).post(
        reverse("roadmap_exchange:import", kwargs={"org_slug": "ours"}),
        {"file": _upload(data, name)},
    )
    assert response.status_code == 422
    assert message in response.content.decode()


def test_posting_without_a_file_is_422(world):
    response = world.client(world.ours.user(Role.ADMIN)).post(
        reverse("roadmap_exchange:import", kwargs={"org_slug": "ours"}), {}
    )
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()


def test_a_file_with_another_organisations_ids_cannot_reach_its_rows(world):
    """Ids in the file are local to it: importing never touches the source's rows."""
    roadmap = build_roadmap_for_export(world.foreign)
    document = export(roadmap)
    with scopes_disabled():
        foreign_milestone_ids = list(
            Milestone.objects.filter(roadmap=roadmap).values_list("pk", flat=True)
        )
    for milestone, pk in zip(document["roadmap"]["milestones"], foreign_milestone_ids, strict=True):
        milestone["id"] = pk
    document["roadmap"]["dependencies"] = []
    summary = import_into(world.ours, as_bytes(copy.deepcopy(document)))
    with scopes_disabled():
        assert Milestone.objects.filter(roadmap=summary.roadmap).count() == 10
        assert Milestone.objects.filter(roadmap=roadmap).count() == 10
        assert set(
            Milestone.objects.filter(roadmap=summary.roadmap).values_list("organisation", flat=True)
        ) == {world.ours.org.pk}


def test_an_import_that_would_pass_the_needs_limit_is_refused_whole(world):
    data = as_bytes(export(build_roadmap_for_export(world.ours, milestones=2)))
    org = world.foreign.org
    full = CommunityFactory(organisation=org, name="Already here")
    NeedFactory.create_batch(MAX_NEEDS, community=full, organisation=org)
    before = row_counts(org)
    messages = " ".join(p.message for p in problems_of(data, world.foreign))
    assert f"at most {MAX_NEEDS} needs" in messages
    assert row_counts(org) == before


@pytest.mark.parametrize(
    "stamp",
    ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "1850-06-01T12:00:00Z"],
)
def test_round_timestamps_at_the_calendars_edges_get_a_message(world, stamp):
    document = export(build_roadmap_for_export(world.ours, milestones=2))
    assert document["scoring_rounds"], "the builder exports a round"
    document["scoring_rounds"][0]["opened_at"] = stamp
    problems = {p.path: p.message for p in problems_of(as_bytes(document), world.foreign)}
    assert "between 1900 and 2199" in problems["/scoring_rounds/0/opened_at"]


def test_a_roadmap_over_the_milestone_limit_is_refused_before_anything_is_written(world):
    document = export(build_roadmap_for_export(world.ours, milestones=1))
    template = document["roadmap"]["milestones"][0]
    document["roadmap"]["milestones"] = [
        {**template, "id": 10_000 + i, "title": f"M{i}"} for i in range(MAX_MILESTONES + 1)
    ]
    document["roadmap"]["dependencies"] = []
    before = row_counts(world.foreign.org)
    problems = {p.path: p.message for p in problems_of(as_bytes(document), world.foreign)}
    assert f"at most {MAX_MILESTONES} milestones" in problems["/roadmap/milestones"]
    assert row_counts(world.foreign.org) == before
