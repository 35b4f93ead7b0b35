"""Draw a brief from its snapshot: context, HTML, then PDF with WeasyPrint.

Everything here is a function of the snapshot (no database): the charts are
laid out again from the snapshot's rows by the same pure modules and SVG
templates the roadmap page uses (``roadmap.timeline``, ``roadmap.charts``,
``roadmap.svg``), so the board sees on paper what the team saw on screen.

One ``FontConfiguration`` and one image cache live as long as the worker
process: the shipped fonts are read and registered once, not per brief.
"""

import gc
import logging
import re
import sys
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from importlib.resources import files
from itertools import groupby
from math import inf
from typing import Any
from xml.etree import ElementTree

import cssselect2
import pydyf
import weasyprint
import weasyprint.css
import weasyprint.svg as weasyprint_svg
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from weasyprint import CSS, HTML
from weasyprint.css.properties import INITIAL_VALUES
from weasyprint.document import Document
from weasyprint.draw.text import draw_emojis, draw_first_line
from weasyprint.html import UA_COUNTER_STYLE
from weasyprint.matrix import Matrix
from weasyprint.svg.bounding_box import extend_bounding_box
from weasyprint.svg.utils import normalize as normalize_svg
from weasyprint.svg.utils import size as svg_size
from weasyprint.text.fonts import FontConfiguration
from weasyprint.text.line_break import split_first_line

from common.formatting import long_date, whole_money
from organisations.models import PaperSize
from purposes.models import PURPOSE_PARTS, Characteristic, PurposeStatus
from purposes.scoring import characteristic_share, heat_level
from reports.fetcher import ASSET_BASE, BriefURLFetcher
from reports.models import ReportKind
from roadmap import charts
from roadmap.models import (
    CommunityMetric,
    DecisionArea,
    MilestoneKind,
    MilestoneStatus,
    RiskCategory,
    RoadmapStatus,
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
DEFAULT_BRAND = "#1f4e79"
INK = "#1b2733"
# Landscape sheet sizes in millimetres, and the side margin the CSS uses.
PAPER_MM = {PaperSize.A4: (297.0, 210.0), PaperSize.LETTER: (279.4, 215.9)}
SIDE_MARGIN_MM = 15
MM_TO_PX = 96 / 25.4
# The timeline is laid out narrower than the page and scaled up, so its
# 11 px labels print at a legible ~9 pt.
TIMELINE_SCALE = 1.12
HEATMAP_COLUMNS = 7  # purposes per heatmap table, so a row fits the page width
SUMMARY_PURPOSES = 4  # at most this many purposes on the one-page summary
# The board brief lists the widest disagreements and the first warnings; the
# workshop brief (for the facilitators who settle them) lists every one.
BOARD_DISAGREEMENTS = 20
BOARD_WARNINGS = 4
PDF_VARIANT = "pdf/ua-1"
# The brief's stylesheet, relative to the asset base. WeasyPrint gets it
# parsed once per process; the HTML names it only for other renderers.
STYLESHEET = "css/brief.css"

PART_LABELS = {
    "participants": gettext_lazy("Who participates"),
    "issue": gettext_lazy("The issue or opportunity"),
    "value_to_participants": gettext_lazy("Value to participants"),
    "value_to_organisation": gettext_lazy("Value to the organisation"),
}
INDEX_LABELS = {
    "overall": gettext_lazy("Overall readiness"),
    "purpose_strength": gettext_lazy("Purpose strength"),
    "stakeholder_coverage": gettext_lazy("Stakeholder coverage"),
    "risk_coverage": gettext_lazy("Risk coverage"),
    "investment_balance": gettext_lazy("Investment balance"),
}
INDEX_HELP = {
    "overall": gettext_lazy("weighted mean of the four below"),
    "purpose_strength": gettext_lazy("mean overall score of the chosen purposes"),
    "stakeholder_coverage": gettext_lazy("share of need weight the purposes address"),
    "risk_coverage": gettext_lazy("share of high-impact risks with a mitigation"),
    "investment_balance": gettext_lazy("expected value against investment, capped at 100"),
}
PURPOSE_FIELD_LABELS = {
    "title": gettext_lazy("title"),
    "statement": gettext_lazy("statement"),
    "status": gettext_lazy("status"),
    "participants": gettext_lazy("who participates"),
    "issue": gettext_lazy("the issue or opportunity"),
    "value_to_participants": gettext_lazy("the value to participants"),
    "value_to_organisation": gettext_lazy("the value to the organisation"),
}


# ---------------------------------------------------------------- small helpers


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n") if text else text


def _label(choices, value: str | None) -> str:
    return str(dict(choices.choices).get(value, value or ""))


def _hex(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _luminance(colour: str) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _hex(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _mix(colour: str, other: str, share: float) -> str:
    """``colour`` moved ``share`` (0..1) of the way to ``other``."""
    mixed = (round(c + (o - c) * share) for c, o in zip(_hex(colour), _hex(other), strict=True))
    return "#" + "".join(f"{c:02x}" for c in mixed)


@dataclass(frozen=True)
class Palette:
    """The organisation's colour and the shades the brief derives from it.

    ``brand`` fills bands and rules; ``text`` is the brand darkened until it
    reads on white (WCAG 4.5:1), so a pale brand colour never makes pale
    headings; ``on_brand`` is white or ink, whichever reads on the brand.
    """

    brand: str
    text: str
    tint: str
    rule: str
    on_brand: str


def palette(colour: str) -> Palette:
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", colour or ""):
        colour = DEFAULT_BRAND
    colour = colour.lower()
    text = colour
    step = 0.0
    while contrast(text, "#ffffff") < 4.5 and step < 1:
        step += 0.05
        text = _mix(colour, INK, step)
    on_brand = "#ffffff" if contrast(colour, "#ffffff") >= contrast(colour, INK) else INK
    return Palette(
        brand=colour,
        text=text,
        tint=_mix(colour, "#ffffff", 0.92),
        rule=_mix(colour, "#ffffff", 0.55),
        on_brand=on_brand,
    )


def css_string(text: str) -> str:
    """``text`` as a CSS string literal; anything but letters, digits and spaces is escaped."""
    return '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in text) + '"'


def page_of_css() -> str:
    """The footer's ``content`` value: "Page 3 of 12", translated, with live counters."""
    words = _("Page %(page)s of %(pages)s")
    parts = re.split(r"(%\(page\)s|%\(pages\)s)", words)
    out = []
    for part in parts:
        if part == "%(page)s":
            out.append("counter(page)")
        elif part == "%(pages)s":
            out.append("counter(pages)")
        elif part:
            out.append(css_string(part))
    return " ".join(out)


def _retitle_svg_font(svg: str) -> str:
    """Draw the shared chart SVG in the brief's shipped font, whatever the machine has."""
    return re.sub(r'font-family="[^"]*"', f'font-family="{BRIEF_FONT}"', svg)


# ---------------------------------------------------------------- sections


@dataclass
class Section:
    id: str
    title: str
    children: list["Section"]


def _ranking_children(has_heatmap: bool, *, disagreements: bool) -> list[Section]:
    if not has_heatmap:
        return []
    children = [Section("heatmap", _("Heatmap: how well each purpose meets each need"), [])]
    if disagreements:
        children.append(Section("ranking-disagreements", _("Where the executives disagree"), []))
    return children


def _board_sections(*, has_heatmap: bool, has_milestones: bool) -> list[Section]:
    """The contents, and the PDF outline (the same headings carry bookmark levels)."""
    return [
        Section("summary", _("Executive summary"), []),
        Section(
            "ranking",
            _("Purpose ranking and scores"),
            _ranking_children(has_heatmap, disagreements=True),
        ),
        Section(
            "timeline",
            _("Timeline"),
            [Section("milestones", _("Milestones, numbered as on the timeline"), [])]
            if has_milestones
            else [],
        ),
        Section(
            "delivery",
            _("Community, risk, investment and decisions"),
            [
                Section("targets", _("Community targets"), []),
                Section("risks", _("Risk register"), []),
                Section("money", _("Investment and value by phase"), []),
                Section("decisions", _("Implementation decisions by phase"), []),
            ],
        ),
        Section("changes", _("What changed since the previous brief"), []),
        Section("appendix", _("Appendix: every purpose"), []),
    ]


def _workshop_sections(*, has_heatmap: bool) -> list[Section]:
    return [
        Section("shortlist", _("Shortlist"), []),
        Section(
            "ranking",
            _("Current results"),
            _ranking_children(has_heatmap, disagreements=False),
        ),
        Section("disagreements", _("Open disagreements"), []),
    ]


# ---------------------------------------------------------------- purposes and scores


def _purposes(data: dict) -> tuple[list[dict], dict]:
    results = {r["purpose"]: r for r in data.get("results", [])}
    purposes = []
    for p in data["purposes"]:
        result = results.get(p["id"])
        purposes.append(
            {
                **p,
                "status_label": _label(PurposeStatus, p["status"]),
                # Line breaks are kept by the stylesheet (white-space: pre-line).
                "parts": [
                    {"key": part, "label": str(PART_LABELS[part]), "text": _lines(p[part])}
                    for part in PURPOSE_PARTS
                ],
                "missing": [str(PART_LABELS[part]) for part in PURPOSE_PARTS if not p[part]],
                "result": result,
                "characteristics": [
                    {
                        "label": str(c.label),
                        "mean": (result or {}).get("char_means", {}).get(c.value),
                        "inverse": c == Characteristic.RISK,
                    }
                    for c in Characteristic
                ]
                if result
                else [],
            }
        )
    return purposes, {p["id"]: p for p in purposes}


def _ranking(data: dict, purposes_by_id: dict) -> list[dict]:
    rows = []
    for r in data.get("results", []):
        purpose = purposes_by_id.get(r["purpose"])
        if purpose is None:
            continue
        rows.append({**r, "purpose": purpose})
    return rows


def _heat_cell(cell: dict, *, characteristic: str | None = None) -> dict:
    mean = cell["mean"]
    heat = None
    if mean is not None:
        if characteristic is None:
            heat = heat_level(mean)
        else:
            heat = heat_level(characteristic_share(characteristic, mean) * 5)
    return {**cell, "heat": heat}


def _heatmap_tables(data: dict, purposes_by_id: dict) -> list[dict]:
    grid = data.get("heatmap")
    if not grid or not grid["columns"]:
        return []
    char_labels = {c.value: c.label for c in Characteristic}
    tables = []
    columns = grid["columns"]
    for first in range(0, len(columns), HEATMAP_COLUMNS):
        chunk = slice(first, first + HEATMAP_COLUMNS)
        tables.append(
            {
                "columns": [purposes_by_id.get(pk, {"title": "?"}) for pk in columns[chunk]],
                "first_rank": first + 1,
                "needs": [
                    {**line, "cells": [_heat_cell(c) for c in line["cells"][chunk]]}
                    for line in grid["needs"]
                ],
                "characteristics": [
                    {
                        "label": str(char_labels.get(line["key"], line["key"])),
                        "inverse": line["key"] == Characteristic.RISK,
                        "cells": [
                            _heat_cell(c, characteristic=line["key"]) for c in line["cells"][chunk]
                        ],
                    }
                    for line in grid["characteristics"]
                ],
            }
        )
    return tables


def _disagreements(data: dict, purposes_by_id: dict) -> list[dict]:
    grid = data.get("heatmap") or {}
    return [
        {**item, "purpose": purposes_by_id.get(item["purpose"], {"title": "?"})}
        for item in grid.get("disagreements", [])
    ]


# ---------------------------------------------------------------- timeline and charts


def _phases(data: dict) -> list[PhaseIn]:
    return [PhaseIn(p["id"], p["name"], _day(p["start"]), _day(p["end"])) for p in data["phases"]]


def timeline_input(data: dict) -> TimelineInput:
    roadmap = data["roadmap"]
    titles = {p["id"]: p["title"] for p in data["purposes"]}
    return TimelineInput(
        title=roadmap["title"],
        start=_day(roadmap["start"]),
        end=_day(roadmap["end"]),
        phases=_phases(data),
        placements=[
            PlacementIn(pp["purpose"], titles.get(pp["purpose"], "?"), pp["phase"], pp["position"])
            for pp in data["placements"]
        ],
        milestones=[
            MilestoneIn(
                m["id"], m["title"], m["kind"], _day(m["start"]), _day(m["end"]), m["status"]
            )
            for m in data["milestones"]
        ],
        dependencies=[DependencyIn(a, b) for a, b in data["dependencies"]],
    )


def _timeline(data: dict, *, today: date, width_px: float) -> tuple[str, list, Any]:
    source = timeline_input(data)
    layout = layout_timeline(source, today=today, width=int(width_px / TIMELINE_SCALE))
    # The SVG's <title> is the PDF figure's alternative text: give it the
    # description too, not just the roadmap's name.
    layout.title = _("Timeline of “%(title)s”. %(desc)s") % {
        "title": source.title,
        "desc": layout.desc,
    }
    svg = _retitle_svg_font(render_timeline_svg(layout, id_prefix="brief-timeline"))
    return svg, timeline_rows(source, layout), layout


def _risks(data: dict) -> list[dict]:
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
                "category_label": _label(RiskCategory, m["risk_category"]),
                "when": short_date(_day(m["start"])),
            }
        )
    rows.sort(key=lambda r: (-r["score"], -r["impact"], r["start"], r["title"].lower()))
    return rows


def _risk_matrix(risks: list[dict]) -> tuple[str, dict]:
    matrix = charts.risk_matrix(
        charts.RiskPoint(r["id"], r["title"], r["likelihood"], r["impact"]) for r in risks
    )
    bands = {"high": 0, "medium": 0, "low": 0}
    for risk in risks:
        bands[risk["band"]] += 1
    return _retitle_svg_font(render_risk_matrix_svg(matrix, id_prefix="brief-risks")), bands


def _phase_spans(data: dict) -> list[charts.PhaseSpan]:
    return [charts.PhaseSpan(p.id, p.name, p.start, p.end) for p in _phases(data)]


def _money_items(data: dict, kind: str) -> list[charts.DatedMoney]:
    return [
        charts.DatedMoney(_day(m["start"]), Money(Decimal(m["amount"]), m.get("currency")))
        for m in data["milestones"]
        if m["kind"] == kind
    ]


def _investment_value(data: dict) -> tuple[str, charts.InvestmentValueChart]:
    chart = charts.investment_value_by_phase(
        _phase_spans(data),
        _money_items(data, MilestoneKind.INVESTMENT),
        _money_items(data, MilestoneKind.VALUE),
        data["roadmap"]["currency"],
    )
    return _retitle_svg_font(render_investment_value_svg(chart, id_prefix="brief-money")), chart


def _totals(data: dict) -> dict:
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


def _community_targets(data: dict) -> list[dict]:
    targets = charts.community_targets(
        charts.CommunityTarget(
            m["id"],
            m["title"],
            m["metric"],
            m.get("metric_label") or "",
            _day(m["start"]),
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
                        "status": _label(MilestoneStatus, owners[p.id]["status"]),
                    }
                    for p in s.points
                ],
            }
        )
    return series


def _decisions_by_phase(data: dict) -> list[dict]:
    phases = _phases(data)
    order = {p.id: index for index, p in enumerate(phases)}
    rows = []
    for m in data["milestones"]:
        if m["kind"] != MilestoneKind.DECISION:
            continue
        phase = phase_of(_day(m["start"]), phases)
        rows.append(
            {
                **m,
                "phase": phase.name if phase else _("Outside every phase"),
                "phase_order": order[phase.id] if phase else len(phases),
                "area_label": _label(DecisionArea, m["decision_area"]),
                "when": short_date(_day(m["start"])),
            }
        )
    area_order = {value: index for index, value in enumerate(DecisionArea.values)}
    rows.sort(key=lambda r: (r["phase_order"], area_order.get(r["decision_area"], 9), r["start"]))
    return [
        {"phase": phase, "rows": list(items)}
        for (_order, phase), items in groupby(rows, key=lambda r: (r["phase_order"], r["phase"]))
    ]


def _board_asks(data: dict, totals: dict, placed: list[dict]) -> list[str]:
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
            "start": short_date(_day(roadmap["start"])),
            "end": short_date(_day(roadmap["end"])),
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
                "area": _label(DecisionArea, m["decision_area"]).lower(),
                "date": short_date(_day(m["start"])),
                "title": m["title"].rstrip("."),
            }
        )
    return asks


# ---------------------------------------------------------------- what changed


def _changes(snapshot: dict) -> dict | None:
    changes = snapshot.get("changes")
    if changes is None:
        return None

    def when(start: str, end: str | None) -> str:
        text = short_date(_day(start))
        return f"{text} – {short_date(_day(end))}" if end and end != start else text

    kind_labels = dict(MilestoneKind.choices)
    milestones = {}
    for key, items in changes["milestones"].items():
        milestones[key] = [
            {
                **item,
                "kind_label": str(kind_labels.get(item["kind"], item["kind"])),
                "when": when(item["start"], item.get("end")),
                "was_when": when(item["was_start"], item.get("was_end"))
                if "was_start" in item
                else "",
                "fields_label": ", ".join(
                    str(_("title") if f == "title" else _("status")) for f in item.get("fields", [])
                ),
                "status_labels": [_label(MilestoneStatus, s) for s in item.get("status", [])],
                "abs_days": abs(item.get("days", 0)),
            }
            for item in items
        ]
    purposes = {
        key: [
            {
                **item,
                "fields_label": ", ".join(
                    str(PURPOSE_FIELD_LABELS.get(f, f)) for f in item.get("fields", [])
                ),
                "status_labels": [_label(PurposeStatus, s) for s in item.get("status", [])],
            }
            for item in items
        ]
        for key, items in changes["purposes"].items()
    }
    indices = [
        {**item, "label": str(INDEX_LABELS.get(item["key"], item["key"]))}
        for item in changes["indices"]
    ]
    return {
        **changes,
        "purposes": purposes,
        "milestones": milestones,
        "indices": indices,
        "previous": snapshot.get("previous") or {},
        "previous_date": _format_datetime((snapshot.get("previous") or {}).get("generated_at")),
    }


def _format_datetime(value: str | None) -> str:
    if not value:
        return ""
    return long_date(datetime.fromisoformat(value))


# ---------------------------------------------------------------- the whole context


def _summary_limits(count: int) -> tuple[int, int]:
    """Characters per statement and per part on the summary page, so it stays one page."""
    return {1: (320, 300), 2: (240, 190), 3: (170, 115)}.get(count, (120, 80))


def brief_context(snapshot: dict) -> dict:
    """Everything the brief's template shows, computed from the snapshot alone."""
    data = snapshot["data"]
    organisation = snapshot["organisation"]
    paper = organisation.get("paper_size")
    if paper not in PAPER_MM:
        paper = PaperSize.A4
    width_mm, height_mm = PAPER_MM[paper]
    content_px = (width_mm - 2 * SIDE_MARGIN_MM) * MM_TO_PX
    today = _day(snapshot["today"])
    kind = snapshot["kind"]
    purposes, purposes_by_id = _purposes(data)
    placed = [p for p in purposes if p["placed"]]
    generated = datetime.fromisoformat(snapshot["generated_at"])
    context: dict[str, Any] = {
        "snapshot": snapshot,
        "kind": kind,
        "kind_label": _label(ReportKind, kind),
        "version": snapshot["version"],
        "org": organisation,
        "palette": palette(organisation.get("brand_colour", "")),
        "paper": "letter" if paper == PaperSize.LETTER else "A4",
        "page_height_mm": f"{height_mm:.1f}",
        "roadmap": {
            **data["roadmap"],
            "status_label": _label(RoadmapStatus, data["roadmap"]["status"]),
            "period": f"{short_date(_day(data['roadmap']['start']))} – "
            f"{short_date(_day(data['roadmap']['end']))}",
        },
        "generated": generated,
        "w3c_date": generated.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "page_of_css": page_of_css(),
        "generated_date": long_date(generated),
        "requested_by": snapshot.get("requested_by", ""),
        "purposes": purposes,
        "placed": placed,
        "round": data.get("round"),
        "ranking": _ranking(data, purposes_by_id),
        "heatmap_tables": _heatmap_tables(data, purposes_by_id),
        "disagreements": _disagreements(data, purposes_by_id),
    }
    if kind == ReportKind.WORKSHOP:
        context["sections"] = _workshop_sections(has_heatmap=bool(context["heatmap_tables"]))
        context["shortlist"] = [
            p
            for p in purposes
            if p["status"] in (PurposeStatus.SHORTLISTED, PurposeStatus.CHOSEN) or p["placed"]
        ]
        return context

    timeline_svg, milestone_rows, layout = _timeline(data, today=today, width_px=content_px)
    risks = _risks(data)
    matrix_svg, risk_bands = _risk_matrix(risks)
    money_svg, money_chart = _investment_value(data)
    totals = _totals(data)
    readiness = data["readiness"]
    owners = {m["id"]: m["owner"] for m in data["milestones"]}
    summary_count = min(len(placed), SUMMARY_PURPOSES)
    indices = [
        {
            "key": key,
            "label": str(INDEX_LABELS[key]),
            "help": str(INDEX_HELP[key]),
            "value": readiness.get(key),
        }
        for key in INDEX_LABELS
    ]
    context.update(
        {
            "sections": _board_sections(
                has_heatmap=bool(context["heatmap_tables"]), has_milestones=bool(milestone_rows)
            ),
            "summary_purposes": placed[:SUMMARY_PURPOSES],
            "summary_more": len(placed) - summary_count,
            "summary_statement_limit": _summary_limits(summary_count)[0],
            "summary_limit": _summary_limits(summary_count)[1],
            "indices": indices,
            "excluded_currencies": readiness.get("excluded_currencies", []),
            # The overall index on its own line, the four parts two by two.
            "index_rows": [indices[1:3], indices[3:5]],
            "totals": totals,
            "top_risks": risks[:3],
            "asks": _board_asks(data, totals, placed),
            "warnings": data.get("warnings", [])[:BOARD_WARNINGS],
            "warnings_more": max(0, len(data.get("warnings", [])) - BOARD_WARNINGS),
            "disagreements": context["disagreements"][:BOARD_DISAGREEMENTS],
            "disagreements_more": max(0, len(context["disagreements"]) - BOARD_DISAGREEMENTS),
            "timeline_svg": timeline_svg,
            "timeline_numbered": len(layout.dropped),
            "milestone_rows": [
                {"row": row, "owner": owners.get(m.id, "")}
                for row, m in zip(milestone_rows, layout.milestones, strict=True)
            ],
            "targets": _community_targets(data),
            "risks": risks,
            "risk_bands": risk_bands,
            "matrix_svg": matrix_svg,
            "money_svg": money_svg,
            "money_phases": [
                {
                    "name": row.phase.name,
                    "invested": whole_money(row.invested),
                    "expected": whole_money(row.expected),
                    "cumulative_invested": whole_money(row.cumulative_invested),
                    "cumulative_expected": whole_money(row.cumulative_expected),
                }
                for row in money_chart.phases
            ],
            "money_excluded": money_chart.excluded_currencies,
            "money_outside": money_chart.outside_phases,
            "decision_phases": _decisions_by_phase(data),
            "changes": _changes(snapshot),
        }
    )
    return context


TEMPLATES = {
    ReportKind.BOARD: "reports/brief_board.html",
    ReportKind.WORKSHOP: "reports/brief_workshop.html",
}


def brief_html(context: dict) -> str:
    with translation.override(context["snapshot"].get("language") or "en"):
        return render_to_string(TEMPLATES[context["kind"]], context)


# ---------------------------------------------------------------- PDF
#
# Where a warm render's time goes, and what is done about it, is in
# docs/briefs.md ("Speed"). In short: fonts, stylesheets and a lean user-agent
# stylesheet are made once per process; the generated HTML is parsed as XML;
# the cyclic garbage collector is paused while WeasyPrint works; chart labels
# are drawn as runs of text; streams are compressed once, at zlib level 6.

logger = logging.getLogger(__name__)

_font_config: FontConfiguration | None = None
_image_cache: dict = {}
IMAGE_CACHE_LIMIT = 32
# zlib level for the PDF's streams. pydyf compresses at 9 and, because the
# brief has a fixed identifier, twice (once more to hash the file for its
# /ID); 6 gives a file a few per cent larger in a fraction of the time, once.
STREAM_COMPRESSION = 6


def font_config() -> FontConfiguration:
    """One per process: fonts are fetched and registered with fontconfig once."""
    global _font_config
    if _font_config is None:
        _font_config = FontConfiguration()
    return _font_config


_stylesheet: CSS | None = None


def brief_stylesheet() -> CSS:
    """static/css/brief.css, parsed once per process (about 25 ms saved per brief)."""
    global _stylesheet
    if _stylesheet is None:
        _stylesheet = CSS(
            url=ASSET_BASE + STYLESHEET,
            url_fetcher=BriefURLFetcher(),
            font_config=font_config(),
        )
    return _stylesheet


# WeasyPrint's HTML user-agent stylesheet styles six pseudo-elements of *every*
# element (``::marker`` and the footnote and note calls and markers), so the
# cascade made and computed seven styles per element: about 0.3 s of the
# brief. Lists are the only elements with markers here, and the brief has no
# footnotes or notes, so those rules are scoped to ``li`` or left out. (Its
# ``@counter-style`` rules are left out too: WeasyPrint hands every document
# the counter styles they defined when it loaded.)
UNIVERSAL_PSEUDO_RULE = re.compile(r"^::([a-z-]+)(\s*\{.*\}\s*)$", re.MULTILINE)
KEPT_PSEUDO_RULES = {"marker": "li::marker"}
COUNTER_STYLE_RULE = re.compile(r"^@counter-style .*\}\s*$", re.MULTILINE)


def lean_user_agent_css() -> str:
    """WeasyPrint's own HTML user-agent stylesheet without universal pseudo-element rules."""
    source = (files(weasyprint.css) / "html5_ua.css").read_text("utf-8")

    def scoped(match: re.Match) -> str:
        selector = KEPT_PSEUDO_RULES.get(match[1])
        return selector + match[2] if selector else ""

    return COUNTER_STYLE_RULE.sub("", UNIVERSAL_PSEUDO_RULE.sub(scoped, source))


_user_agent_stylesheet: CSS | None = None


def user_agent_stylesheet() -> CSS:
    global _user_agent_stylesheet
    if _user_agent_stylesheet is None:
        _user_agent_stylesheet = CSS(
            string=lean_user_agent_css(), counter_style=UA_COUNTER_STYLE.copy()
        )
    return _user_agent_stylesheet


# Only "<!doctype html>" and comments: no DOCTYPE internal subset, so no entity
# declarations (expat never fetches external ones).
MARKUP_DECLARATION = re.compile(r"<!(?!doctype html>|--)", re.IGNORECASE)


def _parse_xhtml(markup: str) -> ElementTree.Element:
    """Parse our own generated XHTML, refusing any entity declaration as defusedxml does."""
    if MARKUP_DECLARATION.search(markup):
        raise ValueError("markup declarations are not allowed in the brief")
    return ElementTree.fromstring(markup)  # noqa: S314 - our template's output, checked above


class BriefHTML(HTML):
    """The brief's HTML for WeasyPrint: parsed as XML, with the lean user-agent stylesheet.

    The templates write well-formed XHTML (void elements closed, explicit
    ``<tbody>``, no named entities; user text is escaped), so Python's
    C-accelerated XML parser reads it in a few milliseconds instead of the
    70 ms of WeasyPrint's pure-Python HTML5 parser, and builds the same tree
    (HTML elements without a namespace, the charts in the SVG namespace). If
    the markup is ever not well-formed, it is parsed as HTML, only slower.
    """

    def __init__(self, *, string: str, base_url: str, url_fetcher: BriefURLFetcher) -> None:
        try:
            root = _parse_xhtml(string)
        except (ElementTree.ParseError, ValueError) as error:
            logger.warning("The brief's HTML is not well-formed XML (%s): parsed as HTML", error)
            super().__init__(string=string, base_url=base_url, url_fetcher=url_fetcher)
            return
        # What HTML.__init__ sets, minus the parsing (the brief has no <base>).
        self.base_url = base_url
        self.url_fetcher = url_fetcher
        self.media_type = "print"
        self.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
        self.etree_element = self.wrapper_element.etree_element

    def _ua_stylesheets(self, forms: bool = False) -> list[CSS]:
        return [user_agent_stylesheet()]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while WeasyPrint works.

    A brief allocates about a million objects that mostly live until the PDF is
    written; with the collector on, Python scanned them (and the rest of the
    process) some 200 times per brief, a quarter of the render. Reference
    counting still frees what it can; the cycles left are collected as usual
    once the collector is back on.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def release_memory() -> None:
    """Collect the cycles a render left behind; a worker calls it after each brief.

    With the collector paused during a render, the render's reference cycles
    (WeasyPrint's boxes point at their parents) outlive it until a full
    collection, which Python runs rarely: a worker's memory grew by 60 % over
    100 briefs. Collecting once after each brief keeps it flat, for about
    0.08 s spent after the brief is saved and marked done.
    """
    gc.collect()


def compress_streams(_document: Document, pdf: pydyf.PDF) -> None:
    """WeasyPrint finisher: compress every stream once, at ``STREAM_COMPRESSION``."""
    for item in pdf.objects:
        if isinstance(item, pydyf.Stream) and item.compress:
            raw = b"\n".join(pydyf._to_bytes(part) for part in item.stream)
            item.stream = [zlib.compress(raw, STREAM_COMPRESSION)]
            item.extra["Filter"] = "/FlateDecode"
            item.compress = False


# WeasyPrint 70 draws SVG text letter by letter: a Pango layout and a text
# object per character, so the three charts' labels (some 1,500 letters) cost
# about 0.1 s to draw and a third of the PDF's content. A label our charts
# draw has one position and at most one dx/dy shift: that is one run of
# glyphs, laid out and drawn once, in the same place (tests/reports/
# test_pdf_speedups.py compares both ways). Anything else — per-letter
# positions, rotation, textLength, letter-spacing, baseline alignment — is
# left to WeasyPrint. Only installed on the WeasyPrint version it was
# written against.
SVG_TEXT_WEASYPRINT = "70.0"
_svg_text_module = sys.modules["weasyprint.svg.text"]
svg_text_per_letter = _svg_text_module.text
SVG_TEXT_PER_LETTER = ("rotate", "textLength", "letter-spacing")
SVG_TEXT_BASELINE = ("display-anchor", "dominant-baseline", "alignment-baseline")


def _svg_length(node: Any, name: str) -> str | None:
    values = normalize_svg(node.attrib.get(name) or "").split()
    if len(values) > 1:
        raise ValueError(name)
    return values[0] if values else None


def svg_text_as_run(svg: Any, node: Any, font_size: float) -> None:
    """Draw an SVG ``<text>`` (or ``<tspan>``) as one run of glyphs when it can be."""
    try:
        x, y, dx, dy = (_svg_length(node, name) for name in ("x", "y", "dx", "dy"))
    except ValueError:
        return svg_text_per_letter(svg, node, font_size)
    if (
        not node.text
        or any(name in node.attrib for name in SVG_TEXT_PER_LETTER)
        or any(node.get(name) for name in SVG_TEXT_BASELINE)
        or node.get("letter-spacing")
    ):
        return svg_text_per_letter(svg, node, font_size)

    # The style WeasyPrint's own function gives the letters.
    style = _svg_text_module.Style()
    style.update(INITIAL_VALUES)
    style.font_config = svg.font_config
    style["font_family"] = [
        font.strip("\"'") for font in node.get("font-family", "sans-serif").split(",")
    ]
    style["font_style"] = node.get("font-style", "normal")
    weight = node.get("font-weight", 400)
    if weight == "normal":
        style["font_weight"] = 400
    elif weight == "bold":
        style["font_weight"] = 700
    else:
        try:
            style["font_weight"] = int(weight)
        except ValueError:
            style["font_weight"] = 400
    style["font_size"] = font_size
    if node.get("direction") in ("ltr", "rtl"):
        style["direction"] = node.get("direction")

    layout, _, _, width, height, baseline = split_first_line(node.text, style, svg.context, inf, 0)
    # Position as the per-letter drawing places its first letter.
    if x is not None:
        svg.cursor_d_position[0] = 0
        x = svg_size(x, font_size, svg.inner_width)
    else:
        x = svg.cursor_position[0]
    if y is not None:
        svg.cursor_d_position[1] = 0
        y = svg_size(y, font_size, svg.inner_height)
    else:
        y = svg.cursor_position[1]
    svg.cursor_d_position[0] += svg_size(dx, font_size, svg.inner_width) if dx else 0
    svg.cursor_d_position[1] += svg_size(dy, font_size, svg.inner_height) if dy else 0
    svg.cursor_position = x + width, y
    x_position = x + svg.cursor_d_position[0]
    y_position = y + svg.cursor_d_position[1]
    node.text_bounding_box = extend_bounding_box(
        node.text_bounding_box,
        (
            (x_position, y_position - baseline),
            (x_position + width, y_position - baseline + height),
        ),
    )

    svg.stream.push_state()
    fill, stroke = svg.set_graphical_state(node, font_size)
    svg.stream.begin_text()
    layout.reactivate(style)
    svg.fill_stroke(fill, stroke, text=True)
    text_box = _svg_text_module.TextBox(layout, style)
    text_box.baseline = baseline
    emojis = draw_first_line(
        svg.stream, text_box, "none", "none", Matrix(a=1, d=-1, e=x_position, f=y_position)
    )
    svg.stream.end_text()
    svg.stream.pop_state()
    draw_emojis(svg.stream, style, x, y, emojis)


def use_svg_text_runs(enabled: bool = True) -> None:
    """Install (or remove) ``svg_text_as_run`` as WeasyPrint's SVG text drawer."""
    drawer, other = (
        (svg_text_as_run, svg_text_per_letter)
        if enabled
        else (svg_text_per_letter, svg_text_as_run)
    )
    for tag, function in list(weasyprint_svg.TAGS.items()):
        if function is other:
            weasyprint_svg.TAGS[tag] = drawer
    # draw_node() recognises text elements by comparing with this name.
    weasyprint_svg.text = drawer


if weasyprint.__version__ == SVG_TEXT_WEASYPRINT:
    use_svg_text_runs()


def _options() -> dict:
    if len(_image_cache) > IMAGE_CACHE_LIMIT:
        _image_cache.clear()
    return {"pdf_variant": PDF_VARIANT, "cache": _image_cache, "optimize_images": False}


# C0 control characters other than tab and line ends: text pasted from a word
# processor brings some (a vertical tab for a soft line break). They draw as
# empty boxes and are not allowed in XML, so they would send the whole brief
# down the slower HTML path.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def layout_pdf(html: str, fetcher: BriefURLFetcher | None = None) -> Document:
    """Paginate the HTML (the slow part); nothing outside the allowlist is loaded."""
    fetcher = fetcher or BriefURLFetcher()
    html = CONTROL_CHARACTERS.sub("", html)
    with collector_paused():
        return BriefHTML(string=html, base_url=ASSET_BASE, url_fetcher=fetcher).render(
            font_config=font_config(), stylesheets=[brief_stylesheet()], **_options()
        )


def write_pdf(document: Document, snapshot: dict) -> bytes:
    # A fixed identifier makes the same snapshot give the same bytes.
    identifier = f"{snapshot['kind']}-{snapshot['data']['roadmap']['id']}-v{snapshot['version']}"
    with collector_paused():
        return document.write_pdf(
            pdf_identifier=identifier.encode(), finisher=compress_streams, **_options()
        )


@dataclass(frozen=True)
class RenderedBrief:
    pdf: bytes
    pages: int
    blocked: tuple[str, ...]


def render_brief(snapshot: dict) -> RenderedBrief:
    """Snapshot to PDF in one call (the service runs the same steps stage by stage)."""
    fetcher = BriefURLFetcher()
    document = layout_pdf(brief_html(brief_context(snapshot)), fetcher)
    return RenderedBrief(write_pdf(document, snapshot), len(document.pages), tuple(fetcher.blocked))
