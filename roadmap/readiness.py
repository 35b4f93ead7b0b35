"""Readiness indices, 0–100 each: few, simple, and explained in docs/readiness.md.

Pure functions over numbers the caller gathers (scores come from the latest
revealed scoring round, computed by ``purposes.scoring.formulas``). Every index is
``None`` when it cannot be computed — no data is not the same as a bad score —
and the page shows “—” with the reason.
"""

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from math import floor

from django.utils.translation import gettext_lazy

from roadmap.models import MilestoneKind

# A need counts as addressed when at least one chosen purpose fits it this
# well on average across the executives (0 = not at all … 5 = fully).
ADDRESSED_AT = 3.0
# A risk is high from this impact up, whatever its likelihood: a board wants
# every severe consequence to have a plan, likely or not.
HIGH_IMPACT = 4
# Fewer defined indices than this and an overall figure would just repeat one.
OVERALL_MIN_DEFINED = 2


@dataclass(frozen=True)
class IndexMeaning:
    """What one index is called, how much it counts in the overall figure, what it means.

    The roadmap page and the board brief both read these, so a board member
    reads the same words in both.
    """

    key: str
    label: str
    weight: int | None  # in the overall figure; None for the overall figure itself
    meaning: str  # may name %(at)s, %(high)s, %(currency)s and %(weights)s


INDICES = (
    IndexMeaning(
        "purpose_strength",
        gettext_lazy("Purpose strength"),
        30,
        gettext_lazy(
            "Mean overall score of the placed purposes in the round that feeds the roadmap."
        ),
    ),
    IndexMeaning(
        "stakeholder_coverage",
        gettext_lazy("Stakeholder coverage"),
        30,
        gettext_lazy(
            "Share of the needs’ weight that a placed purpose fits %(at)s of 5 or better."
        ),
    ),
    IndexMeaning(
        "risk_coverage",
        gettext_lazy("Risk coverage"),
        20,
        gettext_lazy("Share of high risks (impact %(high)s or more) with a mitigation."),
    ),
    IndexMeaning(
        "investment_balance",
        gettext_lazy("Investment balance"),
        20,
        gettext_lazy("Expected value against investment in %(currency)s, at most 100."),
    ),
    IndexMeaning(
        "overall",
        gettext_lazy("Overall readiness"),
        None,
        gettext_lazy("Weighted mean of the other four (%(weights)s)."),
    ),
)
OVERALL_WEIGHTS = {index.key: index.weight for index in INDICES if index.weight is not None}


def explained(index: IndexMeaning, *, currency: str) -> str:
    """The index's meaning in words, with this roadmap's figures filled in."""
    weights = ", ".join(
        f"{other.label} {other.weight} %" for other in INDICES if other.weight is not None
    )
    return str(index.meaning) % {
        "at": f"{ADDRESSED_AT:g}",
        "high": HIGH_IMPACT,
        "currency": currency,
        "weights": weights,
    }


def round_half_up(value: float) -> int:
    # round() would send 62.5 to 62 (banker's rounding); people expect 63.
    return floor(value + 0.5)


@dataclass(frozen=True)
class NeedWeight:
    id: Hashable
    weight: int  # 1–5


@dataclass(frozen=True)
class RiskFacts:
    impact: int  # 1–5
    mitigation: str = ""


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str | None  # None: a value that is not money (e.g. "qualified leads")


def purpose_strength(scores: Iterable[float]) -> int | None:
    """Mean overall score (0–100) of the chosen purposes scored in the round that feeds
    the roadmap (``roadmap.overview.feeding_round``)."""
    values = list(scores)
    if not values:
        return None
    return round_half_up(sum(values) / len(values))


def addressed_needs(
    needs: Sequence[NeedWeight], fit: Mapping[Hashable, Mapping[Hashable, float]]
) -> set[Hashable]:
    """Needs that some chosen purpose fits with a mean score of ``ADDRESSED_AT`` or more."""
    addressed = set()
    for need in needs:
        best = max((scores.get(need.id, 0.0) for scores in fit.values()), default=0.0)
        if best >= ADDRESSED_AT:
            addressed.add(need.id)
    return addressed


def stakeholder_coverage(
    needs: Sequence[NeedWeight], fit: Mapping[Hashable, Mapping[Hashable, float]]
) -> int | None:
    """Share of the needs' total weight that the chosen purposes address.

    ``fit`` maps each chosen purpose to {need id: mean need-fit score 0–5}.
    """
    total = sum(need.weight for need in needs)
    if total <= 0:
        return None
    covered = addressed_needs(needs, fit)
    weight = sum(need.weight for need in needs if need.id in covered)
    return round_half_up(100 * weight / total)


def risk_coverage(risks: Iterable[RiskFacts]) -> int | None:
    """Share of high risks (impact ≥ 4) that have a mitigation.

    None when no risk is recorded at all; 100 when risks are recorded and none
    is high (nothing severe is left without a plan).
    """
    risks = list(risks)
    if not risks:
        return None
    high = [risk for risk in risks if risk.impact >= HIGH_IMPACT]
    if not high:
        return 100
    mitigated = sum(1 for risk in high if risk.mitigation.strip())
    return round_half_up(100 * mitigated / len(high))


def in_currency(amounts: Iterable[Money], currency: str) -> tuple[Decimal, set[str]]:
    """The sum of amounts in ``currency``, and the other currencies left out."""
    total = Decimal(0)
    others: set[str] = set()
    for money in amounts:
        if money.currency == currency:
            total += money.amount
        elif money.currency is not None:
            others.add(money.currency)
    return total, others


def investment_balance(
    investments: Iterable[Money], values: Iterable[Money], currency: str
) -> int | None:
    """Expected value as a share of investment, capped at 100, in the roadmap's currency.

    Amounts in other currencies are left out (no exchange rates are guessed);
    ``in_currency`` names them so the page can say so. None when nothing is
    invested in the roadmap's currency.
    """
    invested, _ = in_currency(investments, currency)
    if invested <= 0:
        return None
    expected, _ = in_currency(values, currency)
    return round_half_up(100 * min(float(expected / invested), 1.0))


def overall(indices: Mapping[str, int | None]) -> int | None:
    """Weighted mean of the defined indices, weights re-scaled over those defined."""
    defined = {
        name: value
        for name, value in indices.items()
        if value is not None and name in OVERALL_WEIGHTS
    }
    if len(defined) < OVERALL_MIN_DEFINED:
        return None
    weight = sum(OVERALL_WEIGHTS[name] for name in defined)
    return round_half_up(
        sum(OVERALL_WEIGHTS[name] * value for name, value in defined.items()) / weight
    )


@dataclass(frozen=True)
class ReadinessInput:
    purpose_scores: Sequence[float] = ()
    needs: Sequence[NeedWeight] = ()
    fit: Mapping[Hashable, Mapping[Hashable, float]] | None = None
    risks: Sequence[RiskFacts] = ()
    investments: Sequence[Money] = ()
    values: Sequence[Money] = ()
    currency: str = "EUR"


@dataclass(frozen=True)
class Readiness:
    purpose_strength: int | None
    stakeholder_coverage: int | None
    risk_coverage: int | None
    investment_balance: int | None
    overall: int | None
    # Currencies other than the roadmap's, left out of the investment balance.
    excluded_currencies: tuple[str, ...] = ()


def readiness(data: ReadinessInput) -> Readiness:
    indices = {
        "purpose_strength": purpose_strength(data.purpose_scores),
        "stakeholder_coverage": stakeholder_coverage(data.needs, data.fit or {}),
        "risk_coverage": risk_coverage(data.risks),
        "investment_balance": investment_balance(data.investments, data.values, data.currency),
    }
    _, other_investments = in_currency(data.investments, data.currency)
    _, other_values = in_currency(data.values, data.currency)
    return Readiness(
        **indices,
        overall=overall(indices),
        excluded_currencies=tuple(sorted(other_investments | other_values)),
    )


def money_from_models(milestones: Iterable) -> tuple[list[Money], list[Money]]:
    """(investments, values) from ``Milestone`` rows already fetched; no query here."""
    investments, values = [], []
    for m in milestones:
        if m.kind == MilestoneKind.INVESTMENT:
            investments.append(Money(m.amount, m.currency))
        elif m.kind == MilestoneKind.VALUE:
            values.append(Money(m.amount, m.currency))
    return investments, values


def risks_from_models(milestones: Iterable) -> list[RiskFacts]:
    return [RiskFacts(m.impact, m.mitigation) for m in milestones if m.kind == MilestoneKind.RISK]
