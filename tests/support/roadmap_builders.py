"""Roadmaps for tests that need every kind of row behind them."""

from datetime import UTC, date, datetime

from django_scopes import scopes_disabled

from organisations.permissions import Role
from purposes.models import CharacteristicScore, NeedScore, RoundStatus
from roadmap.models import Milestone, MilestoneStatus, Roadmap, RoadmapStatus
from tests.support.factories import (
    CommunityFactory,
    NeedFactory,
    PurposeFactory,
    ScoringRoundFactory,
)
from tests.support.roadmap_factories import (
    MilestoneDependencyFactory,
    MilestoneFactory,
    PhaseFactory,
    PhasePurposeFactory,
    RoadmapFactory,
)

TRAITS = [{}, {"risk": True}, {"investment": True}, {"value": True}, {"decision": True}]


def build_roadmap_for_export(
    tenant, *, milestones: int = 10, title: str = "Engineers' roadmap"
) -> Roadmap:
    """A roadmap with everything the export carries, all in ``tenant``'s organisation."""
    with scopes_disabled():
        return _build_roadmap_for_export(tenant, milestones, title)


def _build_roadmap_for_export(tenant, milestones: int, title: str) -> Roadmap:
    org = tenant.org
    facilitator, executive = tenant.user(Role.FACILITATOR), tenant.user(Role.EXECUTIVE)
    engineers = CommunityFactory(
        organisation=org, name="Design engineers", description="Choose the parts."
    )
    buyers = CommunityFactory(
        organisation=org, name="Buyers", kind="prospects", estimated_size=None
    )
    needs = [
        NeedFactory(community=engineers, organisation=org, statement="Boards right first time"),
        NeedFactory(
            community=engineers, organisation=org, statement="Trusted footprints", weight=5
        ),
        NeedFactory(community=buyers, organisation=org, statement="Parts that stay available"),
    ]
    first = PurposeFactory(organisation=org, title="Right first time", status="chosen")
    second = PurposeFactory(
        organisation=org, title="Reference designs", status="shortlisted", issue=""
    )
    unplaced = PurposeFactory(organisation=org, title="Loyalty points", status="retired")
    first.communities.set([engineers])
    second.communities.set([engineers, buyers])
    scoring_round = ScoringRoundFactory(
        organisation=org,
        name="Workshop round 1",
        status=RoundStatus.REVEALED,
        fit_weight_percent=60,
        revealed_at=datetime(2025, 12, 1, 10, 30, tzinfo=UTC),
        purposes=[first, second],
        needs=needs,
        executives=[executive, facilitator],
    )
    ScoringRoundFactory(
        organisation=org, name="Still open", purposes=[unplaced], executives=[executive]
    )
    NeedScore.objects.bulk_create(
        NeedScore(
            organisation=org,
            round=scoring_round,
            purpose=p,
            need=n,
            scorer=u,
            score=(i + j + k) % 6,
        )
        for i, p in enumerate([first, second])
        for j, n in enumerate(needs)
        for k, u in enumerate([executive, facilitator])
    )
    CharacteristicScore.objects.bulk_create(
        CharacteristicScore(
            organisation=org,
            round=scoring_round,
            purpose=p,
            characteristic=c,
            scorer=u,
            score=1 + (i + j + k) % 5,
        )
        for i, p in enumerate([first, second])
        for j, c in enumerate(["magnetism", "draw", "org_value", "risk", "evolution"])
        for k, u in enumerate([executive, facilitator])
    )
    roadmap = RoadmapFactory(
        organisation=org,
        title=title,
        description="Three years to a community.",
        start=date(2026, 1, 1),
        end=date(2028, 12, 31),
        status=RoadmapStatus.PROPOSED,
        owner=facilitator,
    )
    pilot = PhaseFactory(
        roadmap=roadmap, name="Pilot", start=date(2026, 1, 1), end=date(2026, 12, 31)
    )
    launch = PhaseFactory(
        roadmap=roadmap, name="Launch", start=date(2027, 1, 1), end=date(2028, 12, 31)
    )
    PhasePurposeFactory(phase=pilot, purpose=first, position=0)
    PhasePurposeFactory(phase=launch, purpose=second, position=0)
    PhasePurposeFactory(phase=launch, purpose=first, position=1)
    rows = []
    for i in range(milestones):
        rows.append(
            MilestoneFactory(
                roadmap=roadmap,
                title=f"Milestone {i:03d}",
                start=date(2026 + i % 3, 1 + i % 12, 1 + i % 28),
                end=date(2026 + i % 3, 1 + i % 12, 28) if i % 4 == 0 else None,
                owner=[facilitator, executive, None][i % 3],
                purpose=[first, second, None][i % 3],
                community=[engineers, None][i % 2],
                status=MilestoneStatus.values[i % 5],
                **TRAITS[i % 5],
            )
        )
    if len(rows) > 1:
        Milestone.objects.filter(pk=rows[1].pk).update(review_date=date(2026, 6, 1))
    for before, after in zip(rows, rows[3:], strict=False):
        if before.finish <= after.start:
            MilestoneDependencyFactory(predecessor=before, successor=after)
    return roadmap
