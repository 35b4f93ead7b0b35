"""Roadmaps to draw briefs from: the demo one, and one far larger than any real one.

``demo_roadmap()`` loads the demo organisation with ``load_demo`` (people,
stakeholders, purposes, a revealed round and the roadmap); the bench uses it too.
"""

import io
import itertools
from datetime import date, timedelta
from decimal import Decimal

from django.core.management import call_command
from django.db import transaction
from django_scopes import scope, scopes_disabled

from organisations import demo as organisations_demo
from organisations.models import Organisation, User
from purposes.models import Purpose, PurposeStatus
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
