from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django_scopes import scope, scopes_disabled

from roadmap.models import Milestone, MilestoneKind, Phase, Roadmap
from tests.support.roadmap_factories import (
    MilestoneDependencyFactory,
    MilestoneFactory,
    PhaseFactory,
    RoadmapFactory,
)

pytestmark = pytest.mark.django_db


def refused(**fields) -> None:
    with transaction.atomic(), pytest.raises(IntegrityError):
        MilestoneFactory(**fields)


def test_every_kind_with_its_fields_is_accepted():
    roadmap = RoadmapFactory()
    for trait in ({}, {"risk": True}, {"investment": True}, {"value": True}, {"decision": True}):
        MilestoneFactory(roadmap=roadmap, **trait)
    with scopes_disabled():
        kinds = set(Milestone.objects.values_list("kind", flat=True))
    assert kinds == set(MilestoneKind.values)


def test_value_that_is_not_money_needs_no_currency():
    MilestoneFactory(value=True, currency=None, value_metric="Qualified leads", amount=500)


@pytest.mark.parametrize(
    "fields",
    [
        {"metric": None},
        {"target_value": None},
        {"target_value": Decimal(-1)},
        {"metric": "custom", "metric_label": ""},
        {"metric": "followers"},
    ],
    ids=["no-metric", "no-target", "negative-target", "custom-without-name", "unknown-metric"],
)
def test_community_milestone_without_valid_target_is_refused(fields):
    refused(**fields)


@pytest.mark.parametrize(
    "fields",
    [
        {"likelihood": None},
        {"impact": None},
        {"likelihood": 0},
        {"impact": 6},
        {"risk_category": None},
        {"risk_category": "weather"},
    ],
    ids=["no-likelihood", "no-impact", "likelihood-0", "impact-6", "no-category", "bad-category"],
)
def test_risk_without_valid_likelihood_impact_and_category_is_refused(fields):
    refused(risk=True, **fields)


@pytest.mark.parametrize(
    "fields",
    [
        {"amount": None},
        {"amount": Decimal(-5)},
        {"currency": None},
        {"currency": "eur"},
        {"currency": "EU"},
        {"investment_kind": None},
    ],
    ids=["no-amount", "negative", "no-currency", "lowercase-currency", "short-currency", "no-kind"],
)
def test_investment_without_amount_currency_and_kind_is_refused(fields):
    refused(investment=True, **fields)


@pytest.mark.parametrize(
    "fields",
    [{"value_metric": ""}, {"amount": None}, {"currency": "Eu1"}],
    ids=["no-metric", "no-amount", "bad-currency"],
)
def test_value_without_metric_and_amount_is_refused(fields):
    refused(value=True, **fields)


@pytest.mark.parametrize(
    "fields",
    [
        {"decision_area": None},
        {"decision_area": "catering"},
        {"decision_text": ""},
        {"decided": None},
    ],
    ids=["no-area", "bad-area", "no-text", "no-decided"],
)
def test_decision_without_area_and_text_is_refused(fields):
    refused(decision=True, **fields)


@pytest.mark.parametrize(
    "fields",
    [
        {"likelihood": 3},
        {"mitigation": "Watch it"},
        {"amount": Decimal(1), "currency": "EUR"},
        {"investment_kind": "people"},
        {"value_metric": "Leads"},
        {"decision_area": "policy"},
        {"decided": True},
    ],
    ids=["likelihood", "mitigation", "money", "investment-kind", "value", "area", "decided"],
)
def test_community_milestone_with_another_kinds_column_is_refused(fields):
    refused(**fields)


def test_risk_with_a_community_target_is_refused():
    refused(risk=True, metric="members", target_value=Decimal(10))


def test_milestone_ending_before_it_starts_is_refused():
    refused(start=date(2026, 5, 1), end=date(2026, 4, 30))


def test_unknown_kind_and_status_are_refused():
    refused(kind="party")
    refused(status="sleeping")


def test_dependency_on_itself_is_refused():
    milestone = MilestoneFactory()
    with transaction.atomic(), pytest.raises(IntegrityError):
        MilestoneDependencyFactory(predecessor=milestone, successor=milestone)


def test_the_same_dependency_twice_is_refused():
    dependency = MilestoneDependencyFactory()
    with transaction.atomic(), pytest.raises(IntegrityError):
        MilestoneDependencyFactory(
            predecessor=dependency.predecessor, successor=dependency.successor
        )


def test_roadmap_ending_before_it_starts_is_refused():
    with transaction.atomic(), pytest.raises(IntegrityError):
        RoadmapFactory(start=date(2026, 1, 1), end=date(2025, 12, 31))


def test_roadmap_currency_must_be_an_iso_code():
    with transaction.atomic(), pytest.raises(IntegrityError):
        RoadmapFactory(currency="eu1")


def test_roadmap_longer_than_five_years_fails_validation_on_end():
    roadmap = Roadmap(title="Long", start=date(2026, 3, 1), end=date(2031, 3, 2))
    with pytest.raises(ValidationError) as caught:
        roadmap.clean()
    assert "end" in caught.value.message_dict
    Roadmap(title="Five", start=date(2026, 3, 1), end=date(2031, 3, 1)).clean()


def test_five_years_from_leap_day_ends_on_28_february():
    Roadmap(title="Leap", start=date(2028, 2, 29), end=date(2033, 2, 28)).clean()
    with pytest.raises(ValidationError):
        Roadmap(title="Leap", start=date(2028, 2, 29), end=date(2033, 3, 1)).clean()


def test_overlapping_phase_fails_validation_naming_the_other_phase():
    pilot = PhaseFactory(name="Pilot", start=date(2026, 1, 1), end=date(2026, 6, 30))
    launch = Phase(
        organisation=pilot.organisation,
        roadmap=pilot.roadmap,
        name="Launch",
        start=date(2026, 6, 30),
        end=date(2026, 12, 31),
    )
    with scope(organisation=pilot.organisation), pytest.raises(ValidationError) as caught:
        launch.clean()
    assert "Pilot" in str(caught.value)
    launch.start = date(2026, 7, 1)
    with scope(organisation=pilot.organisation):
        launch.clean()


def test_phase_outside_the_roadmap_fails_validation():
    roadmap = RoadmapFactory(start=date(2026, 1, 1), end=date(2026, 12, 31))
    phase = Phase(
        organisation=roadmap.organisation,
        roadmap=roadmap,
        name="Late",
        start=date(2026, 10, 1),
        end=date(2027, 1, 31),
    )
    with scope(organisation=roadmap.organisation), pytest.raises(ValidationError):
        phase.clean()


def test_milestones_are_scoped_to_their_organisation():
    milestone = MilestoneFactory()
    other = RoadmapFactory()
    with scope(organisation=other.organisation):
        assert not Milestone.objects.filter(pk=milestone.pk).exists()
    with scope(organisation=milestone.organisation):
        assert Milestone.objects.get(pk=milestone.pk) == milestone
