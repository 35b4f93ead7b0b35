"""The milestones CSV: one row per milestone, for people reading it in a spreadsheet."""

import csv
import io
from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from common.spreadsheet import spreadsheet_safe
from roadmap.models import Milestone, MilestoneKind, Phase
from roadmap.overview import RoadmapOverview


def _number(value: Decimal | None) -> str:
    """500.00 as "500", 1234.50 as "1234.5": what a person would type."""
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _csv_headers() -> list[str]:
    return [
        _("id"),
        _("kind"),
        _("title"),
        _("status"),
        _("start"),
        _("end"),
        _("phase"),
        _("owner"),
        _("owner email"),
        _("purpose"),
        _("community"),
        _("notes"),
        _("measure"),
        _("name of the measure"),
        _("target"),
        _("risk category"),
        _("likelihood (1–5)"),
        _("impact (1–5)"),
        _("risk score (likelihood × impact)"),
        _("mitigation"),
        _("review date"),
        _("amount"),
        _("currency"),
        _("investment kind"),
        _("business value"),
        _("decision area"),
        _("decision"),
        _("decided"),
        _("depends on"),
        _("depends on (ids)"),
    ]


def _phase_of(day: date, phases: list[Phase]) -> Phase | None:
    return next((phase for phase in phases if phase.start <= day <= phase.end), None)


def _csv_row(m: Milestone, phase: Phase | None, predecessors: list[Milestone]) -> list:
    risk = m.kind == MilestoneKind.RISK
    decision = m.kind == MilestoneKind.DECISION
    return [
        m.pk,
        m.get_kind_display(),
        m.title,
        m.get_status_display(),
        m.start.isoformat(),
        m.end.isoformat() if m.end else "",
        phase.name if phase else "",
        m.owner.display_name if m.owner else "",
        m.owner.email if m.owner else "",
        m.purpose.title if m.purpose else "",
        m.community.name if m.community else "",
        m.description,
        m.get_metric_display() if m.metric else "",
        m.metric_label,
        _number(m.target_value),
        m.get_risk_category_display() if m.risk_category else "",
        m.likelihood if risk else "",
        m.impact if risk else "",
        m.likelihood * m.impact if risk and m.likelihood and m.impact else "",
        m.mitigation,
        m.review_date.isoformat() if m.review_date else "",
        _number(m.amount),
        m.currency or "",
        m.get_investment_kind_display() if m.investment_kind else "",
        m.value_metric,
        m.get_decision_area_display() if m.decision_area else "",
        m.decision_text,
        (_("yes") if m.decided else _("no")) if decision and m.decided is not None else "",
        "; ".join(p.title for p in predecessors),
        "; ".join(str(p.pk) for p in predecessors),
    ]


def milestones_csv(overview: RoadmapOverview) -> str:
    """One row per milestone, in date order, with the columns of every kind.

    A column that does not apply to a milestone's kind is empty. Uses only the
    rows the overview already read: no query.
    """
    by_id = overview.milestones_by_id
    predecessors: dict[int, list[Milestone]] = defaultdict(list)
    for edge in overview.dependencies:
        if edge.predecessor_id in by_id:
            predecessors[edge.successor_id].append(by_id[edge.predecessor_id])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(_csv_headers())
    for milestone in overview.milestones:
        before = sorted(predecessors[milestone.pk], key=lambda p: (p.start, p.pk))
        row = _csv_row(milestone, _phase_of(milestone.start, overview.phases), before)
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return buffer.getvalue()
