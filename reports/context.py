"""A brief's template context, and its HTML, from the snapshot alone (no database).

``brief_context(snapshot)`` is everything the brief's template shows:
sections, purposes and scores, the heatmap, what changed and, for a board
brief, the roadmap's parts (``reports.context_plan``: timeline, risks,
money, targets, decisions). ``brief_html`` renders it; ``reports.pdf_engine``
lays the HTML out as a PDF.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.formatting import long_date, whole_money
from organisations.models import PaperSize
from purposes.models import PURPOSE_PARTS, Characteristic, PurposeStatus
from purposes.scoring.formulas import characteristic_share, heat_level
from reports import context_plan as plan
from reports.changes import in_words
from reports.context_plan import choice_label, iso_day
from reports.models import ReportKind
from reports.palette import palette
from roadmap.models import MilestoneKind, MilestoneStatus, RoadmapStatus
from roadmap.readiness import INDICES, explained
from roadmap.timeline import short_date

# Landscape sheet sizes in millimetres, and the side margin the CSS uses.
PAPER_MM = {PaperSize.A4: (297.0, 210.0), PaperSize.LETTER: (279.4, 215.9)}
SIDE_MARGIN_MM = 15
MM_TO_PX = 96 / 25.4
HEATMAP_COLUMNS = 7  # purposes per heatmap table, so a row fits the page width
SUMMARY_PURPOSES = 4  # at most this many purposes on the one-page summary
# The board brief lists the widest disagreements and the first warnings; the
# workshop brief (for the facilitators who settle them) lists every one.
BOARD_DISAGREEMENTS = 20
BOARD_WARNINGS = 4
# Characters of the recommendation the summary page has room for; the form
# allows more, and says so.
RECOMMENDATION_LIMIT = 900
SIGNOFF_ROWS = 3  # blank lines for signatories on the printed board brief

PART_LABELS = {
    "participants": gettext_lazy("Who participates"),
    "issue": gettext_lazy("The issue or opportunity"),
    "value_to_participants": gettext_lazy("Value to participants"),
    "value_to_organisation": gettext_lazy("Value to the organisation"),
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


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n") if text else text


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


def _board_sections(
    *, has_heatmap: bool, has_milestones: bool, appendix_title: str
) -> list[Section]:
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
        Section("appendix", appendix_title, []),
        Section("signoff", _("Board decision and sign-off"), []),
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
                "status_label": choice_label(PurposeStatus, p["status"]),
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
    if "heat" in cell:
        return cell
    # Snapshots taken before the heat level was stored with each cell.
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


def _criterion(item: dict, statements: dict) -> str:
    """A disagreement's need or characteristic, in the brief's language."""
    if item.get("need") is not None:
        return statements.get(item["need"], "?")
    if item.get("characteristic"):
        return choice_label(Characteristic, item["characteristic"])
    return item.get("criterion", "")  # snapshots that stored the words


def _disagreements(data: dict, purposes_by_id: dict) -> list[dict]:
    grid = data.get("heatmap") or {}
    statements = {line["id"]: line["statement"] for line in grid.get("needs", [])}
    return [
        {
            **item,
            "purpose": purposes_by_id.get(item["purpose"], {"title": "?"}),
            "criterion": _criterion(item, statements),
        }
        for item in grid.get("disagreements", [])
    ]


def _round(data: dict) -> dict | None:
    """The round the scores come from, with who finished (``purposes.scoring.results``)."""
    scoring_round = data.get("round")
    if scoring_round is None:
        return None
    total = scoring_round["executives"]
    # Snapshots taken before the counts were stored read as they did then.
    finished = scoring_round.get("finished", total)
    partly = scoring_round.get("partly", 0)
    return {
        **scoring_round,
        "finished": finished,
        "partly": partly,
        "not_started": total - finished - partly,
        "complete": total > 0 and finished == total,
    }


# ---------------------------------------------------------------- what changed


def _changes(snapshot: dict) -> dict | None:
    changes = snapshot.get("changes")
    if changes is None:
        return None
    changes = in_words(changes)

    def when(start: str, end: str | None) -> str:
        text = short_date(iso_day(start))
        return f"{text} – {short_date(iso_day(end))}" if end and end != start else text

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
                "status_labels": [choice_label(MilestoneStatus, s) for s in item.get("status", [])],
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
                "status_labels": [choice_label(PurposeStatus, s) for s in item.get("status", [])],
            }
            for item in items
        ]
        for key, items in changes["purposes"].items()
    }
    index_labels = {index.key: index.label for index in INDICES}
    indices = [
        {**item, "label": str(index_labels.get(item["key"], item["key"]))}
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
    today = iso_day(snapshot["today"])
    kind = snapshot["kind"]
    purposes, purposes_by_id = _purposes(data)
    placed = [p for p in purposes if p["placed"]]
    generated = datetime.fromisoformat(snapshot["generated_at"])
    context: dict[str, Any] = {
        "snapshot": snapshot,
        "kind": kind,
        "kind_label": choice_label(ReportKind, kind),
        "version": snapshot["version"],
        "org": organisation,
        "palette": palette(organisation.get("brand_colour", "")),
        "paper": "letter" if paper == PaperSize.LETTER else "A4",
        "page_height_mm": f"{height_mm:.1f}",
        "roadmap": {
            **data["roadmap"],
            "status_label": choice_label(RoadmapStatus, data["roadmap"]["status"]),
            "period": f"{short_date(iso_day(data['roadmap']['start']))} – "
            f"{short_date(iso_day(data['roadmap']['end']))}",
        },
        "generated": generated,
        "w3c_date": generated.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "page_of_css": page_of_css(),
        "generated_date": long_date(generated),
        "requested_by": snapshot.get("requested_by", ""),
        "purposes": purposes,
        "placed": placed,
        "round": _round(data),
        "ranking": _ranking(data, purposes_by_id),
        "heatmap_tables": _heatmap_tables(data, purposes_by_id),
        "disagreements": _disagreements(data, purposes_by_id),
        # Snapshots taken before the rule moved to 3 points flagged at 2.
        "flag_spread": (data.get("heatmap") or {}).get("flag_spread", 2),
    }
    if kind == ReportKind.WORKSHOP:
        context["sections"] = _workshop_sections(has_heatmap=bool(context["heatmap_tables"]))
        context["shortlist"] = [
            p
            for p in purposes
            if p["status"] in (PurposeStatus.SHORTLISTED, PurposeStatus.CHOSEN) or p["placed"]
        ]
        return context

    timeline_svg, milestone_rows, layout = plan.timeline(data, today=today, width_px=content_px)
    risks = plan.risks(data)
    matrix_svg, risk_bands = plan.risk_matrix(risks)
    money_svg, money_chart = plan.investment_value(data)
    totals = plan.totals(data)
    readiness = data["readiness"]
    owners = {m["id"]: m["owner"] for m in data["milestones"]}
    # The recommendation takes the room of one purpose card on the summary page.
    recommended = bool(data["roadmap"].get("recommendation"))
    # Too long for the summary: shortened there, whole at the start of the appendix.
    recommendation_shortened = len(data["roadmap"].get("recommendation") or "") > (
        RECOMMENDATION_LIMIT
    )
    appendix_title = (
        _("Appendix: our recommendation and every purpose")
        if recommendation_shortened
        else _("Appendix: every purpose")
    )
    summary_max = SUMMARY_PURPOSES - 1 if recommended else SUMMARY_PURPOSES
    summary_count = min(len(placed), summary_max)
    currency = data["roadmap"].get("currency") or ""
    # The overall figure first (the summary shows it large), then the four it is made of.
    indices = [
        {
            "key": index.key,
            "label": str(index.label),
            "help": explained(index, currency=currency),
            "value": readiness.get(index.key),
        }
        for index in sorted(INDICES, key=lambda index: index.weight is not None)
    ]
    context.update(
        {
            "sections": _board_sections(
                has_heatmap=bool(context["heatmap_tables"]),
                has_milestones=bool(milestone_rows),
                appendix_title=appendix_title,
            ),
            "appendix_title": appendix_title,
            "recommendation_shortened": recommendation_shortened,
            "summary_purposes": placed[:summary_max],
            "recommendation_limit": RECOMMENDATION_LIMIT,
            "summary_more": len(placed) - summary_count,
            "summary_statement_limit": _summary_limits(summary_count)[0],
            "summary_limit": _summary_limits(summary_count)[1],
            "indices": indices,
            "excluded_currencies": readiness.get("excluded_currencies", []),
            # The overall index on its own line, the four parts two by two.
            "index_rows": [indices[1:3], indices[3:5]],
            "totals": totals,
            "top_risks": risks[:3],
            "asks": plan.board_asks(data, totals, placed),
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
            "targets": plan.community_targets(data),
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
            "money_years": plan.money_by_year(data),
            "signoff_rows": range(SIGNOFF_ROWS),
            "decision_phases": plan.decisions_by_phase(data),
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
