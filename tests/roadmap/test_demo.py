"""The demo roadmap: four phases, about forty milestones of every kind, warnings to fix."""

import json
from collections import Counter
from datetime import date

import jsonschema
import pytest
from django.core.management import call_command
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from organisations.models import Membership, Organisation
from roadmap import demo
from roadmap.exchange.json_export import export_json_bytes, roadmap_export
from roadmap.exchange.schema import export_schema
from roadmap.exchange.writing import roadmap_import
from roadmap.models import (
    DecisionArea,
    Milestone,
    MilestoneDependency,
    MilestoneKind,
    Phase,
    PhasePurpose,
    RiskCategory,
    Roadmap,
)
from roadmap.overview import roadmap_overview

pytestmark = pytest.mark.django_db


@pytest.fixture
def voltaic():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return Organisation.objects.get(slug="voltaic")


@pytest.fixture
def overview(voltaic):
    with scope(organisation=voltaic):
        return roadmap_overview(Roadmap.objects.get(title=demo.TITLE))


def _ids(org) -> dict:
    with scopes_disabled():
        return {
            model.__name__: sorted(
                model.objects.filter(organisation=org).values_list("pk", flat=True)
            )
            for model in (Roadmap, Phase, PhasePurpose, Milestone, MilestoneDependency)
        }


def test_a_three_year_roadmap_in_four_phases(overview):
    roadmap = overview.roadmap
    assert roadmap.start == demo.quarter_start(timezone.localdate())
    assert (roadmap.end - roadmap.start).days in range(3 * 365 - 1, 3 * 366)
    assert [p.name for p in overview.phases] == ["Pilot", "Launch", "Grow", "Scale"]
    assert overview.phases[0].start == roadmap.start
    assert overview.phases[-1].end == roadmap.end
    assert roadmap.owner.email == "facilitator@demo.example"


def test_the_magnetic_low_risk_purpose_comes_first(overview):
    pilot = [p.purpose.title for p in overview.placements if p.phase.name == "Pilot"]
    assert pilot == ["Right first time"]
    scale = [p.purpose.title for p in overview.placements if p.phase.name == "Scale"]
    assert "No surprise end-of-life" in scale
    assert "Right first time" not in scale


def test_about_forty_milestones_across_every_kind_and_area(overview):
    milestones = overview.milestones
    assert 36 <= len(milestones) <= 45
    kinds = Counter(m.kind for m in milestones)
    assert set(kinds) == set(MilestoneKind.values)
    assert min(kinds.values()) >= 5
    assert {m.decision_area for m in milestones if m.kind == "decision"} == set(DecisionArea.values)
    categories = {m.risk_category for m in milestones if m.kind == "risk"}
    assert len(categories) >= 5
    assert categories <= set(RiskCategory.values)
    assert {m.currency for m in milestones if m.kind == "investment"} == {"EUR"}
    assert {m.metric for m in milestones if m.kind == "community"} == {
        "members",
        "contributors",
        "ratio",
        "custom",
    }
    assert any(m.kind == "risk" and m.impact >= 4 and not m.mitigation for m in milestones)


def test_every_milestone_lies_in_a_phase_and_dependencies_run_forwards(overview):
    for milestone in overview.milestones:
        assert any(p.start <= milestone.start <= p.end for p in overview.phases), milestone
        assert milestone.finish <= overview.roadmap.end
    assert len(overview.dependencies) >= 3
    assert overview.date_conflicts == []


def test_owners_are_members_of_the_demo_organisation(voltaic, overview):
    with scopes_disabled():
        members = set(
            Membership.objects.filter(organisation=voltaic).values_list("user__email", flat=True)
        )
    owners = {m.owner.email for m in overview.milestones if m.owner}
    assert owners <= members
    assert len(owners) >= 5


def test_the_diagnostics_catch_the_warnings_left_in(overview):
    codes = Counter(w.code for w in overview.warnings)
    assert codes["risk_unmitigated"] == 1
    assert codes["target_without_owner"] == 1
    assert sum(codes.values()) >= 1


def test_every_readiness_index_is_defined(overview):
    readiness = overview.readiness
    for index in (
        "purpose_strength",
        "stakeholder_coverage",
        "risk_coverage",
        "investment_balance",
        "overall",
    ):
        value = getattr(readiness, index)
        assert value is not None, index
        assert 0 <= value <= 100
    # One of five high risks has no mitigation.
    assert readiness.risk_coverage == 80
    assert readiness.excluded_currencies == ()


def test_running_load_demo_twice_changes_nothing(voltaic):
    first = _ids(voltaic)
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _ids(voltaic) == first
    assert len(first["Milestone"]) == len(demo.MILESTONES)
    assert len(first["Phase"]) == 4


def test_the_demo_starts_on_the_first_day_of_the_quarter_it_is_loaded_in(voltaic):
    with scopes_disabled():
        Roadmap.objects.filter(organisation=voltaic).delete()
    roadmap = demo.load(voltaic, today=date(2027, 2, 10))
    assert (roadmap.start, roadmap.end) == (date(2027, 1, 1), date(2029, 12, 31))
    with scopes_disabled():
        statuses = Counter(
            Milestone.objects.filter(roadmap=roadmap).values_list("status", flat=True)
        )
    # The milestones before 10 February 2027 are done; the rest lie ahead.
    assert statuses["done"] == 4
    assert statuses["planned"] > statuses["done"]


def test_the_demo_roadmap_exports_and_imports_into_the_foundation(voltaic):
    with scope(organisation=voltaic):
        document = roadmap_export(Roadmap.objects.get(title=demo.TITLE))
    data = export_json_bytes(document)
    jsonschema.validate(json.loads(data), export_schema())
    foundation = Organisation.objects.get(slug="voltaic-foundation")
    with scopes_disabled():
        admin = Membership.objects.get(organisation=foundation).user
    summary = roadmap_import(organisation=foundation, actor=admin, data=data)
    assert summary.milestones_created == len(demo.MILESTONES)
    assert summary.phases_created == 4


def test_only_chosen_purposes_are_placed_in_the_demo_roadmap(overview):
    assert len(overview.purposes) == 4
    assert {purpose.status for purpose in overview.purposes} == {"chosen"}
