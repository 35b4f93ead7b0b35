"""What a milestone of each kind must carry: its own columns, checked and cleaned.

Pure rules over plain values, shared by the milestone form, the services
and the JSON import, so every path refuses the same things with the same
sentence. A field the form already refused arrives as ``None``.
"""

from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from common.formatting import date_text
from roadmap.models import (
    KIND_COLUMNS,
    TEXT_COLUMNS,
    CommunityMetric,
    DecisionArea,
    InvestmentKind,
    MilestoneKind,
    RiskCategory,
    add_years,
)

CURRENCY_LENGTH = 3
# A milestone may sit a little outside its roadmap (a risk reviewed just
# after it ends, a decision taken just before it starts); further out is a
# slip of the hand. Form, move, import and API all use this one window.
MARGIN_YEARS = 1


def milestone_window(roadmap) -> tuple[date, date]:
    """The first and last day a milestone of ``roadmap`` may start or end on."""
    return add_years(roadmap.start, -MARGIN_YEARS), add_years(roadmap.end, MARGIN_YEARS)


def milestone_date_errors(start: date, end: date | None, *, roadmap) -> dict[str, str]:
    """A sentence for a start or end outside the roadmap's window."""
    earliest, latest = milestone_window(roadmap)
    message = _("Keep the milestone between %(earliest)s and %(latest)s.") % {
        "earliest": date_text(earliest),
        "latest": date_text(latest),
    }
    if not earliest <= start <= latest:
        return {"start": message}
    if end is not None and end > latest:
        return {"end": message}
    return {}


@dataclass
class MilestoneDetails:
    """The columns of one kind; the others are cleared when the milestone is saved."""

    metric: str | None = None
    metric_label: str = ""
    target_value: Decimal | None = None
    risk_category: str | None = None
    likelihood: int | None = None
    impact: int | None = None
    mitigation: str = ""
    review_date: date | None = None
    amount: Decimal | None = None
    currency: str | None = None
    investment_kind: str | None = None
    value_metric: str = ""
    decision_area: str | None = None
    decision_text: str = ""
    decided: bool | None = None


def _one_to_five(value) -> bool:
    return value is not None and 1 <= value <= 5


def _non_negative(value) -> bool:
    return value is not None and value >= 0


def milestone_errors(kind: str, d: MilestoneDetails) -> dict[str, str]:
    """A sentence for each field of ``kind`` that is missing or wrong."""
    errors: dict[str, str] = {}
    currency = (d.currency or "").strip().upper()
    if kind == MilestoneKind.COMMUNITY:
        if d.metric not in CommunityMetric.values:
            errors["metric"] = _("Choose what the target measures.")
        elif d.metric == CommunityMetric.CUSTOM and not (d.metric_label or "").strip():
            errors["metric_label"] = _("Name the measure, e.g. “questions answered by members”.")
        if not _non_negative(d.target_value):
            errors["target_value"] = _("Give a target of zero or more.")
    elif kind == MilestoneKind.RISK:
        if d.risk_category not in RiskCategory.values:
            errors["risk_category"] = _("Choose the kind of risk.")
        if not _one_to_five(d.likelihood):
            errors["likelihood"] = _("Rate the likelihood from 1 (rare) to 5 (almost certain).")
        if not _one_to_five(d.impact):
            errors["impact"] = _("Rate the impact from 1 (minor) to 5 (severe).")
    elif kind == MilestoneKind.INVESTMENT:
        if not _non_negative(d.amount):
            errors["amount"] = _("Give the amount invested (zero or more).")
        if not currency:
            errors["currency"] = _("Give the currency as a three-letter code such as EUR.")
        if d.investment_kind not in InvestmentKind.values:
            errors["investment_kind"] = _("Choose what the money is spent on.")
    elif kind == MilestoneKind.VALUE:
        if not (d.value_metric or "").strip():
            errors["value_metric"] = _("Say what the value is, e.g. “support cost saved”.")
        if not _non_negative(d.amount):
            errors["amount"] = _("Give the expected amount (zero or more).")
    elif kind == MilestoneKind.DECISION:
        if d.decision_area not in DecisionArea.values:
            errors["decision_area"] = _("Choose one of the five implementation areas.")
        if not (d.decision_text or "").strip():
            errors["decision_text"] = _("Say what is (or is to be) decided.")
    else:
        errors["kind"] = _("Choose the kind of milestone.")
    if currency and (
        len(currency) != CURRENCY_LENGTH or not currency.isalpha() or not currency.isascii()
    ):
        errors["currency"] = _("Use a three-letter ISO 4217 code such as EUR or USD.")
    return errors


def kind_values(kind: str, details: MilestoneDetails) -> dict:
    """Column values for ``kind``: its own from ``details``, every other column empty."""
    values = {}
    own = set(KIND_COLUMNS.get(kind, ()))
    if kind in (MilestoneKind.INVESTMENT, MilestoneKind.VALUE):
        own |= {"amount", "currency"}
    for item in fields(MilestoneDetails):
        name = item.name
        if name in own:
            value = getattr(details, name)
            if name == "currency":
                value = (value or "").strip().upper() or None
            if name in TEXT_COLUMNS:
                value = (value or "").strip()
            if name == "decided":
                value = bool(value)
            values[name] = value
        else:
            values[name] = "" if name in TEXT_COLUMNS else None
    return values
