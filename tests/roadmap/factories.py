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
from tests.factories import OrganisationFactory, PurposeFactory, UnscopedFactory


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
