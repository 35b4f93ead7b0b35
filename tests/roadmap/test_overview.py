"""The roadmap overview: one read for the page, the exports and the brief."""

import itertools
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from purposes.models import RoundStatus
from roadmap.overview import roadmap_overview
from tests.support.roadmap_factories import (
    MilestoneDependencyFactory,
    MilestoneFactory,
    PhaseFactory,
    PhasePurposeFactory,
    RoadmapFactory,
)
from tests.support.scoring import build_round, score_every_cell

pytestmark = pytest.mark.django_db


def _build(tenant, *, milestones: int, purposes: int):
    scoring_round = build_round(
        tenant, purposes=purposes, needs=purposes + 2, status=RoundStatus.REVEALED
    )
    score_every_cell(scoring_round)
    roadmap = RoadmapFactory(organisation=tenant.org, start=date(2026, 1, 1))
    pilot = PhaseFactory(roadmap=roadmap, start=date(2026, 1, 1), end=date(2026, 12, 31))
    launch = PhaseFactory(roadmap=roadmap, start=date(2027, 1, 1), end=date(2027, 12, 31))
    with scopes_disabled():
        round_purposes = list(scoring_round.purposes.all())
    for index, purpose in enumerate(round_purposes):
        PhasePurposeFactory(phase=pilot if index % 2 == 0 else launch, purpose=purpose)
    traits = [{}, {"risk": True}, {"investment": True}, {"value": True}, {"decision": True}]
    rows = [
        MilestoneFactory(roadmap=roadmap, start=date(2026, 1 + i % 12, 1), **traits[i % 5])
        for i in range(milestones)
    ]
    for before, after in itertools.pairwise(rows):
        MilestoneDependencyFactory(predecessor=before, successor=after)
    return roadmap, round_purposes


def _queries(tenant, roadmap) -> int:
    with scope(organisation=tenant.org), CaptureQueriesContext(connection) as queries:
        overview = roadmap_overview(roadmap)
        overview.layout(today=date(2026, 6, 1))
    return len(queries)


def test_query_count_does_not_grow_with_the_roadmap(world):
    small, _ = _build(world.ours, milestones=5, purposes=2)
    large, _ = _build(world.foreign, milestones=60, purposes=8)
    assert _queries(world.ours, small) == _queries(world.foreign, large)


def test_it_gathers_rows_warnings_indices_and_charts(world):
    roadmap, purposes = _build(world.ours, milestones=10, purposes=3)
    with scope(organisation=world.ours.org):
        overview = roadmap_overview(roadmap)
    assert [p.pk for p in overview.purposes] == [purposes[0].pk, purposes[2].pk, purposes[1].pk]
    assert len(overview.milestones) == 10
    assert len(overview.dependencies) == 9
    assert overview.scoring_round is not None
    assert {r.purpose for r in overview.results} == {p.pk for p in purposes}
    # Every placed purpose was scored, so purpose strength is their mean overall.
    overalls = [overview.result_for(p.pk).overall for p in purposes]
    assert overview.readiness.purpose_strength == round(sum(overalls) / len(overalls))
    assert overview.readiness.risk_coverage == 100  # the factory's risks are mitigated
    assert overview.risk_matrix.total == 2
    assert len(overview.investment_value.phases) == 2
    assert overview.community_targets
    # Each milestone depends on the previous one, dated in the same month or later.
    assert overview.date_conflicts == []


def test_without_a_revealed_round_scores_are_unknown(world):
    roadmap = RoadmapFactory(organisation=world.ours.org)
    build_round(world.ours, status=RoundStatus.OPEN)
    with scope(organisation=world.ours.org):
        overview = roadmap_overview(roadmap)
    assert overview.scoring_round is None
    assert overview.results == []
    assert overview.readiness.purpose_strength is None
    assert overview.readiness.stakeholder_coverage is None


def test_it_never_reads_another_organisations_round(world):
    build_round(world.foreign, status=RoundStatus.REVEALED)
    roadmap = RoadmapFactory(organisation=world.ours.org)
    with scope(organisation=world.ours.org):
        assert roadmap_overview(roadmap).scoring_round is None
