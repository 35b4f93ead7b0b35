"""Factories for roadmaps. Related rows stay in one organisation.

``MilestoneFactory`` makes a valid community milestone; the ``risk``,
``investment``, ``value`` and ``decision`` traits make the other kinds valid.
"""

from datetime import date
from decimal import Decimal

import factory

from roadmap.models import (
    CommunityMetric,
    DecisionArea,
    InvestmentKind,
    Milestone,
    MilestoneDependency,
    MilestoneKind,
    Phase,
    PhasePurpose,
    RiskCategory,
    Roadmap,
)
from tests.support.factories import OrganisationFactory, PurposeFactory, UnscopedFactory


class RoadmapFactory(UnscopedFactory):
    class Meta:
        model = Roadmap

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Roadmap {n}")
    start = date(2026, 1, 1)
    end = date(2028, 12, 31)


class PhaseFactory(UnscopedFactory):
    class Meta:
        model = Phase

    roadmap = factory.SubFactory(RoadmapFactory)
    organisation = factory.SelfAttribute("roadmap.organisation")
    name = factory.Sequence(lambda n: f"Phase {n}")
    start = date(2026, 1, 1)
    end = date(2026, 6, 30)


class PhasePurposeFactory(UnscopedFactory):
    class Meta:
        model = PhasePurpose

    phase = factory.SubFactory(PhaseFactory)
    organisation = factory.SelfAttribute("phase.organisation")
    purpose = factory.SubFactory(
        PurposeFactory, organisation=factory.SelfAttribute("..organisation")
    )


class MilestoneFactory(UnscopedFactory):
    class Meta:
        model = Milestone

    roadmap = factory.SubFactory(RoadmapFactory)
    organisation = factory.SelfAttribute("roadmap.organisation")
    title = factory.Sequence(lambda n: f"Milestone {n}")
    start = date(2026, 3, 1)
    kind = MilestoneKind.COMMUNITY
    metric = CommunityMetric.MEMBERS
    target_value = Decimal(500)

    class Params:
        risk = factory.Trait(
            kind=MilestoneKind.RISK,
            metric=None,
            target_value=None,
            risk_category=RiskCategory.REPUTATION,
            likelihood=3,
            impact=4,
            mitigation="Moderators on call",
        )
        investment = factory.Trait(
            kind=MilestoneKind.INVESTMENT,
            metric=None,
            target_value=None,
            amount=Decimal(10000),
            currency="EUR",
            investment_kind=InvestmentKind.PLATFORM,
        )
        value = factory.Trait(
            kind=MilestoneKind.VALUE,
            metric=None,
            target_value=None,
            amount=Decimal(25000),
            currency="EUR",
            value_metric="Support cost saved",
        )
        decision = factory.Trait(
            kind=MilestoneKind.DECISION,
            metric=None,
            target_value=None,
            decision_area=DecisionArea.TECHNOLOGY,
            decision_text="Host the forum on our own platform",
            decided=False,
        )


class MilestoneDependencyFactory(UnscopedFactory):
    class Meta:
        model = MilestoneDependency

    predecessor = factory.SubFactory(MilestoneFactory)
    organisation = factory.SelfAttribute("predecessor.organisation")
    successor = factory.SubFactory(
        MilestoneFactory,
        roadmap=factory.SelfAttribute("..predecessor.roadmap"),
    )


def sample_roadmap(organisation, *, milestones: int = 40, seed: int = 7, title: str = ""):
    """A realistic 3-year roadmap (4 phases, chosen purposes, every kind, dependencies).

    For the screenshots, the query-count tests and ``bench/roadmap.py``; the
    rows are bulk-created, so 200 milestones take a moment, not seconds.
    """
    import random

    from django_scopes import scopes_disabled

    from bench.timeline import sample_roadmap as sample_timeline
    from organisations.models import User
    from purposes.models import Purpose, PurposeStatus
    from roadmap.models import (
        CommunityMetric,
        DecisionArea,
        InvestmentKind,
        MilestoneStatus,
        RiskCategory,
    )

    rng = random.Random(seed)
    data = sample_timeline(milestones, seed)
    with scopes_disabled():
        roadmap = RoadmapFactory(
            organisation=organisation,
            title=title or data.title,
            start=data.start,
            end=data.end,
            description="Communities first: a pilot with design engineers, then students, "
            "suppliers and distributors once the forum has critical mass.",
        )
        phases = {
            p.id: Phase.objects.create(
                organisation=organisation, roadmap=roadmap, name=p.name, start=p.start, end=p.end
            )
            for p in data.phases
        }
        chosen = list(
            Purpose.objects.filter(organisation=organisation, status=PurposeStatus.CHOSEN)
        )
        titles = list(dict.fromkeys(p.title for p in data.placements))
        while len(chosen) < len(titles):
            chosen.append(
                PurposeFactory(
                    organisation=organisation,
                    title=titles[len(chosen)],
                    status=PurposeStatus.CHOSEN,
                )
            )
        purpose_for = {}
        for placement in data.placements:
            purpose = purpose_for.setdefault(placement.purpose_id, chosen[len(purpose_for)])
            PhasePurpose.objects.create(
                organisation=organisation,
                phase=phases[placement.phase_id],
                purpose=purpose,
                position=placement.position,
            )
        people = list(User.objects.filter(memberships__organisation=organisation).order_by("pk"))
        rows = []
        metrics = list(CommunityMetric.values)
        for item in data.milestones:
            fields = {}
            if item.kind == MilestoneKind.COMMUNITY:
                metric = metrics[item.id % 3]
                fields = {"metric": metric, "target_value": Decimal(rng.randrange(50, 5000, 50))}
            elif item.kind == MilestoneKind.RISK:
                fields = {
                    "risk_category": rng.choice(RiskCategory.values),
                    "likelihood": rng.randint(1, 5),
                    "impact": rng.randint(1, 5),
                    "mitigation": "" if rng.random() < 0.2 else "Moderators and a clear policy",
                }
            elif item.kind == MilestoneKind.INVESTMENT:
                fields = {
                    "amount": Decimal(rng.randrange(5_000, 120_000, 1_000)),
                    "currency": "EUR",
                    "investment_kind": rng.choice(InvestmentKind.values),
                }
            elif item.kind == MilestoneKind.VALUE:
                fields = {
                    "amount": Decimal(rng.randrange(10_000, 200_000, 1_000)),
                    "currency": "EUR",
                    "value_metric": rng.choice(["Support cost saved", "Design-in revenue"]),
                }
            else:
                fields = {
                    "decision_area": rng.choice(DecisionArea.values),
                    "decision_text": "Decide with the community's first members",
                    "decided": rng.random() < 0.5,
                }
            rows.append(
                Milestone(
                    organisation=organisation,
                    roadmap=roadmap,
                    kind=item.kind,
                    title=item.title,
                    start=item.start,
                    end=item.end,
                    status=item.status or MilestoneStatus.PLANNED,
                    owner=rng.choice(people) if people and rng.random() < 0.8 else None,
                    **fields,
                )
            )
        Milestone.objects.bulk_create(rows)
        by_number = {item.id: row for item, row in zip(data.milestones, rows, strict=True)}
        MilestoneDependency.objects.bulk_create(
            [
                MilestoneDependency(
                    organisation=organisation,
                    predecessor=by_number[d.predecessor],
                    successor=by_number[d.successor],
                )
                for d in data.dependencies
            ],
            ignore_conflicts=True,
        )
    return roadmap
