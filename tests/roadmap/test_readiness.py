from decimal import Decimal

from roadmap.readiness import (
    Money,
    NeedWeight,
    ReadinessInput,
    RiskFacts,
    investment_balance,
    overall,
    purpose_strength,
    readiness,
    risk_coverage,
    round_half_up,
    stakeholder_coverage,
)


def test_purpose_strength_is_the_mean_overall_score():
    assert purpose_strength([72.0, 61.0]) == 67  # (72 + 61) / 2 = 66.5 → 67, half up
    assert purpose_strength([]) is None


def test_rounding_is_half_up_not_bankers():
    assert round_half_up(62.5) == 63 and round_half_up(62.49) == 62


def test_stakeholder_coverage_weights_the_addressed_needs():
    needs = [NeedWeight("a", 5), NeedWeight("b", 3), NeedWeight("c", 2)]
    fit = {
        "p1": {"a": 3.5, "b": 2.0, "c": 1.0},
        "p2": {"a": 1.0, "b": 2.9, "c": 3.0},
    }
    # a (4.5 … best 3.5 ≥ 3) and c (best 3.0 ≥ 3) addressed; b best 2.9 is not.
    # (5 + 2) / 10 = 70 %
    assert stakeholder_coverage(needs, fit) == 70


def test_stakeholder_coverage_with_no_chosen_purpose_is_zero_and_without_needs_undefined():
    assert stakeholder_coverage([NeedWeight("a", 4)], {}) == 0
    assert stakeholder_coverage([], {"p": {}}) is None


def test_risk_coverage_counts_mitigated_high_impact_risks():
    risks = [
        RiskFacts(5, "NDA for all members"),
        RiskFacts(4, ""),
        RiskFacts(4, "   "),
        RiskFacts(3, ""),  # not high: ignored
    ]
    assert risk_coverage(risks) == 33  # 1 of 3 high risks → 33.3 → 33


def test_risk_coverage_without_risks_is_undefined_and_without_high_risks_full():
    assert risk_coverage([]) is None
    assert risk_coverage([RiskFacts(2, "")]) == 100


def test_investment_balance_in_the_roadmap_currency_only():
    investments = [
        Money(Decimal(100_000), "EUR"),
        Money(Decimal(60_000), "EUR"),
        Money(Decimal(9), "USD"),
    ]
    values = [
        Money(Decimal(120_000), "EUR"),
        Money(Decimal(500), None),
        Money(Decimal(10**6), "GBP"),
    ]
    assert investment_balance(investments, values, "EUR") == 75  # 120k / 160k
    assert investment_balance(investments, [Money(Decimal(400_000), "EUR")], "EUR") == 100
    assert investment_balance([Money(Decimal(5), "USD")], values, "EUR") is None


def test_overall_rescales_the_weights_over_the_defined_indices():
    # (30·80 + 30·60 + 20·50) / 80 = 5200 / 80 = 65
    indices = {
        "purpose_strength": 80,
        "stakeholder_coverage": 60,
        "risk_coverage": 50,
        "investment_balance": None,
    }
    assert overall(indices) == 65
    assert overall({"purpose_strength": 80, "stakeholder_coverage": None}) is None


def test_readiness_worked_example_from_the_docs():
    result = readiness(
        ReadinessInput(
            purpose_scores=[78.0, 64.0],
            needs=[NeedWeight(1, 5), NeedWeight(2, 4), NeedWeight(3, 2), NeedWeight(4, 1)],
            fit={
                "forum": {1: 4.2, 2: 2.5, 3: 3.0, 4: 0.5},
                "reference designs": {1: 2.0, 2: 2.8, 3: 1.0, 4: 3.5},
            },
            risks=[
                RiskFacts(5, "Export review of every upload"),
                RiskFacts(4, ""),
                RiskFacts(2, ""),
            ],
            investments=[
                Money(Decimal(150_000), "EUR"),
                Money(Decimal(50_000), "EUR"),
                Money(Decimal(20_000), "USD"),
            ],
            values=[Money(Decimal(90_000), "EUR"), Money(Decimal(60_000), "EUR")],
            currency="EUR",
        )
    )
    assert result.purpose_strength == 71
    assert result.stakeholder_coverage == 67
    assert result.risk_coverage == 50
    assert result.investment_balance == 75
    assert result.overall == 66
    assert result.excluded_currencies == ("USD",)
