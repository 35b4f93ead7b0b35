"""Roadmaps to draw briefs from (the demo one, a scored one of any size, one far larger
than any real one) and a brief drawn in this process.

``demo_roadmap()`` loads the demo organisation with ``load_demo`` (people,
stakeholders, purposes, a revealed round and the roadmap); the bench uses it too.
"""

import io
import itertools
from datetime import date, timedelta
from decimal import Decimal
from unittest import mock

from django.core.management import call_command
from django.db import transaction
from django_scopes import scope, scopes_disabled

from organisations import demo as organisations_demo
from organisations.models import Organisation, User
from purposes.models import Purpose, PurposeStatus, RoundStatus
from reports import services
from reports.models import Report
from roadmap import demo as roadmap_demo
from roadmap.models import (
    CommunityMetric,
    DecisionArea,
    InvestmentKind,
    Milestone,
    MilestoneDependency,
    MilestoneKind,
    MilestoneStatus,
    Phase,
    PhasePurpose,
    RiskCategory,
    Roadmap,
)
from tests.support.roadmap_factories import (
    MilestoneDependencyFactory,
    MilestoneFactory,
    PhaseFactory,
    PhasePurposeFactory,
    RoadmapFactory,
)
from tests.support.scoring import build_round, score_every_cell


def demo_roadmap() -> Roadmap:
    """The demo organisation's roadmap, loaded by the project's own ``load_demo``."""
    call_command("load_demo", stdout=io.StringIO())
    with scopes_disabled():
        return Roadmap.objects.get(
            organisation__slug=organisations_demo.DEMO_SLUG, title=roadmap_demo.TITLE
        )


def big_roadmap(org: Organisation, *, milestones: int = 500, purposes: int = 50) -> Roadmap:
    """A roadmap far larger than any real one: every kind, long titles, dependencies."""
    from communities.models import Community, CommunityKind, Need
    from purposes.models import NeedScore, RoundStatus, ScoringRound

    with scopes_disabled(), transaction.atomic():
        roadmap = Roadmap.objects.create(
            organisation=org,
            title="Every purpose at once",
            start=date(2026, 1, 1),
            end=date(2030, 12, 31),
        )
        phases = [
            Phase.objects.create(
                organisation=org,
                roadmap=roadmap,
                name=f"Phase {i + 1}",
                start=date(2026 + i, 1, 1),
                end=date(2026 + i, 12, 31),
            )
            for i in range(5)
        ]
        community = Community.objects.create(
            organisation=org, name="Everyone", kind=CommunityKind.CUSTOMERS, estimated_size=10
        )
        needs = [
            Need.objects.create(
                organisation=org,
                community=community,
                statement=f"Need {i} " + "word " * 8,
                weight=1 + i % 5,
                position=i,
            )
            for i in range(12)
        ]
        rows = [
            Purpose(
                organisation=org,
                title=f"Purpose number {i} with a long descriptive title",
                statement="A statement long enough to wrap over a couple of lines. " * 3,
                participants="Engineers " * 20,
                issue="An issue " * 30,
                value_to_participants="Value " * 40,
                value_to_organisation="Margin " * 40,
                status=PurposeStatus.CHOSEN if i % 3 == 0 else PurposeStatus.SHORTLISTED,
            )
            for i in range(purposes)
        ]
        Purpose.objects.bulk_create(rows)
        created = list(Purpose.objects.filter(organisation=org, title__startswith="Purpose number"))
        for index, purpose in enumerate(created):
            PhasePurpose.objects.create(
                organisation=org, phase=phases[index % 5], purpose=purpose, position=index
            )
        executives = list(User.objects.filter(memberships__organisation=org)[:4])
        scoring_round = ScoringRound.objects.create(
            organisation=org,
            name="Big round",
            status=RoundStatus.REVEALED,
            revealed_at=roadmap.created_at,
        )
        scoring_round.purposes.set(created)
        scoring_round.needs.set(needs)
        scoring_round.executives.set(executives)
        NeedScore.objects.bulk_create(
            NeedScore(
                organisation=org,
                round=scoring_round,
                purpose=p,
                need=n,
                scorer=u,
                score=(i + j * 2 + k * 3) % 6,
            )
            for i, p in enumerate(created)
            for j, n in enumerate(needs)
            for k, u in enumerate(executives)
        )
        kinds = [
            {
                "kind": MilestoneKind.COMMUNITY,
                "metric": CommunityMetric.MEMBERS,
                "target_value": Decimal(1000),
            },
            {
                "kind": MilestoneKind.RISK,
                "risk_category": RiskCategory.REPUTATION,
                "likelihood": 3,
                "impact": 4,
                "mitigation": "Mitigation " * 10,
            },
            {
                "kind": MilestoneKind.INVESTMENT,
                "amount": Decimal(10000),
                "currency": "EUR",
                "investment_kind": InvestmentKind.PLATFORM,
            },
            {
                "kind": MilestoneKind.VALUE,
                "amount": Decimal(25000),
                "currency": "EUR",
                "value_metric": "Margin",
            },
            {
                "kind": MilestoneKind.DECISION,
                "decision_area": DecisionArea.POLICY,
                "decision_text": "Decide " * 10,
                "decided": False,
            },
        ]
        Milestone.objects.bulk_create(
            Milestone(
                organisation=org,
                roadmap=roadmap,
                title=f"Milestone {i} " + "with a title that goes on " * (i % 3),
                start=date(2026, 1, 1) + timedelta(days=(i * 7) % 1800),
                status=MilestoneStatus.PLANNED,
                **kinds[i % 5],
            )
            for i in range(milestones)
        )
        made = list(Milestone.objects.filter(roadmap=roadmap).order_by("start", "pk"))
        MilestoneDependency.objects.bulk_create(
            MilestoneDependency(organisation=org, predecessor=a, successor=b)
            for a, b in itertools.islice(itertools.pairwise(made), 0, None, 5)
        )
    return roadmap


def snapshot_for(roadmap: Roadmap, *, kind: str = "board", version: int = 1, previous=None):
    from reports.snapshot import snapshot_build

    with scope(organisation=roadmap.organisation):
        return snapshot_build(
            roadmap=roadmap,
            kind=kind,
            version=version,
            requested_by="Farid Khan",
            previous=previous,
        )


def build_roadmap_for_brief(
    tenant, *, purposes: int = 3, milestones: int = 10, title: str = "Growth plan"
):
    """A roadmap of ``tenant`` with a revealed, scored round and milestones of every kind."""
    scoring_round = build_round(
        tenant, purposes=purposes, needs=purposes + 1, status=RoundStatus.REVEALED
    )
    score_every_cell(scoring_round)
    with scopes_disabled():
        round_purposes = list(scoring_round.purposes.order_by("pk"))
        for purpose in round_purposes:
            purpose.status = PurposeStatus.CHOSEN
            purpose.save(update_fields=["status"])
    roadmap = RoadmapFactory(organisation=tenant.org, title=title, start=date(2026, 1, 1))
    pilot = PhaseFactory(
        roadmap=roadmap, name="Pilot", start=date(2026, 1, 1), end=date(2026, 12, 31)
    )
    launch = PhaseFactory(
        roadmap=roadmap, name="Launch", start=date(2027, 1, 1), end=date(2027, 12, 31)
    )
    for index, purpose in enumerate(round_purposes):
        PhasePurposeFactory(phase=pilot if index % 2 == 0 else launch, purpose=purpose)
    traits = [{}, {"risk": True}, {"investment": True}, {"value": True}, {"decision": True}]
    rows = [
        MilestoneFactory(
            roadmap=roadmap,
            title=f"Milestone {i} of {title}",
            start=date(2026 + i % 2, 1 + i % 12, 1),
            **traits[i % 5],
        )
        for i in range(milestones)
    ]
    if len(rows) > 1:
        MilestoneDependencyFactory(predecessor=rows[0], successor=rows[1])
    return roadmap


def request_and_render(roadmap, actor, kind: str = "board") -> Report:
    """Ask for a brief and draw it in this process, as a worker would."""
    with mock.patch("reports.tasks.render_report.delay"):
        report = services.report_request(roadmap=roadmap, kind=kind, actor=actor)
    services.report_render(report_id=report.pk)
    with scopes_disabled():
        return Report.objects.get(pk=report.pk)
