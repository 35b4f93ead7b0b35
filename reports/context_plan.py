"""The roadmap's part of a board brief, from the snapshot: timeline, risks, money, targets.

The charts are laid out again from the snapshot's rows by the same pure
modules and SVG templates the roadmap page uses (``roadmap.timeline``,
``roadmap.charts``, ``roadmap.svg``), so the board sees on paper what the
team saw on screen. ``reports.context`` puts these parts into the brief's
context; the summary's totals and the decisions asked of the board are here
too, because they read the same milestones.
"""

import re
from datetime import date
from decimal import Decimal
from itertools import groupby
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from common.formatting import whole_money
from roadmap import charts
from roadmap.models import (
    CommunityMetric,
    DecisionArea,
    MilestoneKind,
    MilestoneStatus,
    RiskCategory,
)
from roadmap.readiness import Money
from roadmap.svg import render_investment_value_svg, render_risk_matrix_svg, render_timeline_svg
from roadmap.timeline import (
    DependencyIn,
    MilestoneIn,
    PhaseIn,
    PlacementIn,
    TimelineInput,
    layout_timeline,
    phase_of,
    short_date,
    timeline_rows,
)

BRIEF_FONT = "Brief Sans"
# The timeline is laid out narrower than the page and scaled up, so its
# 11 px labels print at a legible ~9 pt.
TIMELINE_SCALE = 1.12


def iso_day(value: str | None) -> date | None:
    """A snapshot's ISO date as a date (the snapshot keeps dates as strings)."""
    return date.fromisoformat(value) if value else None


def choice_label(choices, value: str | None) -> str:
    """The human label of a stored choice, or the value itself if it is no longer a choice."""
    return str(dict(choices.choices).get(value, value or ""))


def _in_brief_font(svg: str) -> str:
    """Draw the shared chart SVG in the brief's shipped font, whatever the machine has."""
    return re.sub(r'font-family="[^"]*"', f'font-family="{BRIEF_FONT}"', svg)


def _phases(data: dict) -> list[PhaseIn]:
    return [
        PhaseIn(p["id"], p["name"], iso_day(p["start"]), iso_day(p["end"])) for p in data["phases"]
    ]


def timeline_input(data: dict) -> TimelineInput:
    roadmap = data["roadmap"]
    titles = {p["id"]: p["title"] for p in data["purposes"]}
    return TimelineInput(
        title=roadmap["title"],
        start=iso_day(roadmap["start"]),
        end=iso_day(roadmap["end"]),
        phases=_phases(data),
        placements=[
            PlacementIn(pp["purpose"], titles.get(pp["purpose"], "?"), pp["phase"], pp["position"])
            for pp in data["placements"]
        ],
        milestones=[
            MilestoneIn(
                m["id"], m["title"], m["kind"], iso_day(m["start"]), iso_day(m["end"]), m["status"]
            )
            for m in data["milestones"]
        ],
        dependencies=[DependencyIn(a, b) for a, b in data["dependencies"]],
    )


def timeline(data: dict, *, today: date, width_px: float) -> tuple[str, list, Any]:
    source = timeline_input(data)
    layout = layout_timeline(source, today=today, width=int(width_px / TIMELINE_SCALE))
    # The SVG's <title> is the PDF figure's alternative text: give it the
    # description too, not just the roadmap's name.
    layout.title = _("Timeline of “%(title)s”. %(desc)s") % {
        "title": source.title,
        "desc": layout.desc,
    }
    svg = _in_brief_font(render_timeline_svg(layout, id_prefix="brief-timeline"))
    return svg, timeline_rows(source, layout), layout


def risks(data: dict) -> list[dict]:
    rows = []
    for m in data["milestones"]:
        if m["kind"] != MilestoneKind.RISK:
            continue
        score = m["likelihood"] * m["impact"]
        rows.append(
            {
                **m,
                "score": score,
                "band": charts.risk_band(m["likelihood"], m["impact"]),
                "category_label": choice_label(RiskCategory, m["risk_category"]),
                "when": short_date(iso_day(m["start"])),
            }
        )
    rows.sort(key=lambda r: (-r["score"], -r["impact"], r["start"], r["title"].lower()))
    return rows


def risk_matrix(risks: list[dict]) -> tuple[str, dict]:
    matrix = charts.risk_matrix(
        charts.RiskPoint(r["id"], r["title"], r["likelihood"], r["impact"]) for r in risks
    )
    bands = {"high": 0, "medium": 0, "low": 0}
    for risk in risks:
        bands[risk["band"]] += 1
    return _in_brief_font(render_risk_matrix_svg(matrix, id_prefix="brief-risks")), bands


def _phase_spans(data: dict) -> list[charts.PhaseSpan]:
    return [charts.PhaseSpan(p.id, p.name, p.start, p.end) for p in _phases(data)]


def _money_items(data: dict, kind: str) -> list[charts.DatedMoney]:
    return [
        charts.DatedMoney(iso_day(m["start"]), Money(Decimal(m["amount"]), m.get("currency")))
        for m in data["milestones"]
        if m["kind"] == kind
    ]


def investment_value(data: dict) -> tuple[str, charts.InvestmentValueChart]:
    chart = charts.investment_value_by_phase(
        _phase_spans(data),
        _money_items(data, MilestoneKind.INVESTMENT),
        _money_items(data, MilestoneKind.VALUE),
        data["roadmap"]["currency"],
    )
    return _in_brief_font(render_investment_value_svg(chart, id_prefix="brief-money")), chart


def money_by_year(data: dict) -> dict:
    """Spending and expected value per calendar year, cumulated, with the
    payback year in words."""
    roadmap = data["roadmap"]
    currency = roadmap["currency"]
    result = charts.investment_value_by_year(
        iso_day(roadmap["start"]),
        iso_day(roadmap["end"]),
        _money_items(data, MilestoneKind.INVESTMENT),
        _money_items(data, MilestoneKind.VALUE),
        currency,
    )
    if result.payback_year is not None:
        verdict = _("Value reaches investment in %(year)d.") % {"year": result.payback_year}
    elif result.years and result.years[-1].cumulative_invested > 0:
        verdict = _("Value stays below investment within this roadmap.")
    else:
        verdict = _("No spending in %(currency)s is planned.") % {"currency": currency}
    return {
        "years": [
            {
                "year": row.year,
                "invested": whole_money(row.invested),
                "expected": whole_money(row.expected),
                "ratio": row.ratio,
                "paid_back": result.payback_year is not None and row.year >= result.payback_year,
            }
            for row in result.years
        ],
        "payback_year": result.payback_year,
        "verdict": verdict,
        "excluded": result.excluded_currencies,
        "outside": result.outside_span,
    }


def totals(data: dict) -> dict:
    currency = data["roadmap"]["currency"]
    invested = expected = Decimal(0)
    others: set[str] = set()
    non_money_values = []
    for m in data["milestones"]:
        if m["kind"] not in (MilestoneKind.INVESTMENT, MilestoneKind.VALUE):
            continue
        amount = Decimal(m["amount"])
        if m.get("currency") == currency:
            if m["kind"] == MilestoneKind.INVESTMENT:
                invested += amount
            else:
                expected += amount
        elif m.get("currency"):
            others.add(m["currency"])
        else:
            non_money_values.append(m)
    return {
        "currency": currency,
        "invested": whole_money(invested, currency),
        "expected": whole_money(expected, currency),
        "invested_raw": invested,
        "expected_raw": expected,
        "ratio": None if invested <= 0 else float(expected / invested),
        "excluded": sorted(others),
        "non_money": [
            {
                "title": m["title"],
                "amount": whole_money(Decimal(m["amount"])),
                "metric": m["value_metric"],
            }
            for m in non_money_values
        ],
    }


def community_targets(data: dict) -> list[dict]:
    targets = charts.community_targets(
        charts.CommunityTarget(
            m["id"],
            m["title"],
            m["metric"],
            m.get("metric_label") or "",
            iso_day(m["start"]),
            Decimal(m["target_value"]),
        )
        for m in data["milestones"]
        if m["kind"] == MilestoneKind.COMMUNITY
    )
    owners = {m["id"]: m for m in data["milestones"]}
    series = []
    for s in targets:
        ratio = s.metric == CommunityMetric.CONTRIBUTION_RATIO
        series.append(
            {
                "label": s.label,
                "points": [
                    {
                        "title": p.title,
                        "when": p.when,
                        "target": f"{p.target.normalize():f}"
                        if ratio
                        else formats.number_format(p.target, 0, use_l10n=True, force_grouping=True),
                        "owner": owners[p.id]["owner"],
                        "community": owners[p.id]["community"],
                        "status": choice_label(MilestoneStatus, owners[p.id]["status"]),
                    }
                    for p in s.points
                ],
            }
        )
    return series


def decisions_by_phase(data: dict) -> list[dict]:
    phases = _phases(data)
    order = {p.id: index for index, p in enumerate(phases)}
    rows = []
    for m in data["milestones"]:
        if m["kind"] != MilestoneKind.DECISION:
            continue
        phase = phase_of(iso_day(m["start"]), phases)
        rows.append(
            {
                **m,
                "phase": phase.name if phase else _("Outside every phase"),
                "phase_order": order[phase.id] if phase else len(phases),
                "area_label": choice_label(DecisionArea, m["decision_area"]),
                "when": short_date(iso_day(m["start"])),
            }
        )
    area_order = {value: index for index, value in enumerate(DecisionArea.values)}
    rows.sort(key=lambda r: (r["phase_order"], area_order.get(r["decision_area"], 9), r["start"]))
    return [
        {"phase": phase, "rows": list(items)}
        for (_order, phase), items in groupby(rows, key=lambda r: (r["phase_order"], r["phase"]))
    ]


def board_asks(data: dict, totals: dict, placed: list[dict]) -> list[str]:
    """The decisions the brief asks of the board, most general first."""
    roadmap = data["roadmap"]
    asks = [
        _(
            "Approve the roadmap “%(title)s”: %(purposes)d chosen purposes in %(phases)d "
            "phases, %(start)s to %(end)s."
        )
        % {
            "title": roadmap["title"],
            "purposes": len(placed),
            "phases": len(data["phases"]),
            "start": short_date(iso_day(roadmap["start"])),
            "end": short_date(iso_day(roadmap["end"])),
        }
    ]
    if totals["invested_raw"] > 0:
        asks.append(
            _("Fund %(invested)s of investment against %(expected)s of expected value.")
            % {"invested": totals["invested"], "expected": totals["expected"]}
        )
    open_decisions = sorted(
        (
            m
            for m in data["milestones"]
            if m["kind"] == MilestoneKind.DECISION and m.get("decided") is False
        ),
        key=lambda m: (m["start"], m["title"].lower()),
    )
    for m in open_decisions[:3]:
        asks.append(
            _("Decide %(area)s by %(date)s: %(title)s.")
            % {
                "area": choice_label(DecisionArea, m["decision_area"]).lower(),
                "date": short_date(iso_day(m["start"])),
                "title": m["title"].rstrip("."),
            }
        )
    return asks


# ---------------------------------------------------------------- what changed
