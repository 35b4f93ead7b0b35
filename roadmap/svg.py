"""Render laid-out charts to SVG with the project's templates.

The page and the PDF brief both call these, so the board sees on paper what
the team saw on screen. Paint (colours, shapes) lives here, positions in the
layout modules; the templates only print. No ``style`` attributes or
``<style>`` blocks: the page runs under a strict Content-Security-Policy, so
everything is an SVG presentation attribute.
"""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.translation import gettext

from roadmap.charts import InvestmentValueChart, RiskMatrix
from roadmap.models import MilestoneKind, MilestoneStatus
from roadmap.timeline import FONT_SIZE, MARKER_RADIUS, SMALL_FONT_SIZE, TimelineLayout, text_width

FONT_FAMILY = "Inter, system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif"

INK = "#1b2733"
NAVY = "#1f4e79"
MUTED = "#55606b"
LINE = "#d9dee4"
SURFACE = "#f6f8fa"
DANGER = "#a4262c"
OK = "#1e6b3a"


@dataclass(frozen=True)
class Paint:
    fill: str
    stroke: str


STATUS_PAINT = {
    MilestoneStatus.PLANNED: Paint("#ffffff", MUTED),
    MilestoneStatus.ON_TRACK: Paint(NAVY, "#173b5c"),
    MilestoneStatus.AT_RISK: Paint("#f2b84b", "#8a5a0a"),
    MilestoneStatus.DONE: Paint("#1e6b3a", "#14502a"),
    MilestoneStatus.MISSED: Paint(DANGER, "#7a1c21"),
}

# Shape tells the kind apart without colour (colour tells the status); each
# path is centred on 0,0 and about 2 × MARKER_RADIUS across.
_R = MARKER_RADIUS
KIND_SHAPES = {
    MilestoneKind.COMMUNITY: f"M{-_R} 0a{_R} {_R} 0 1 0 {2 * _R} 0a{_R} {_R} 0 1 0 {-2 * _R} 0z",
    MilestoneKind.RISK: f"M0 {-_R - 1}L{_R + 1} {_R}H{-_R - 1}z",
    MilestoneKind.INVESTMENT: f"M{-_R + 1} {-_R + 1}H{_R - 1}V{_R - 1}H{-_R + 1}z",
    MilestoneKind.VALUE: f"M0 {-_R - 1}L{_R + 1} 0L0 {_R + 1}L{-_R - 1} 0z",
    MilestoneKind.DECISION: f"M{-_R / 2} {-_R}H{_R / 2}L{_R} 0L{_R / 2} {_R}H{-_R / 2}L{-_R} 0z",
}


LEGEND_ROW_HEIGHT = 18


def _legend(layout: TimelineLayout) -> tuple[list[dict], float]:
    """Legend items left to right, wrapping onto more rows on a narrow timeline.

    Returns the items and the y of the last row: status swatches, then the
    arrows and numbers.
    """
    entries: list[tuple[dict, float]] = []  # (item without position, its width)
    for status, label in MilestoneStatus.choices:
        paint = STATUS_PAINT[status]
        entries.append(
            (
                {"kind": "swatch", "fill": paint.fill, "stroke": paint.stroke, "label": str(label)},
                9,
            )
        )
    if layout.arrows:
        entries.append(({"kind": "arrow", "label": gettext("depends on")}, 30))
        if any(arrow.late for arrow in layout.arrows):
            entries.append(
                ({"kind": "late", "label": gettext("dated before what it depends on")}, 30)
            )
    if layout.dropped:
        label = gettext("milestone shown by its number, named in the table")
        entries.append(({"kind": "number", "label": label}, 20))

    items = []
    x, y = layout.plot_left, layout.legend_y
    right = layout.width - 4
    for item, offset in entries:
        width = offset + text_width(item["label"], SMALL_FONT_SIZE)
        if x > layout.plot_left and x + width > right:
            x, y = layout.plot_left, y + LEGEND_ROW_HEIGHT
        items.append({**item, "x": x, "y": y, "text_x": x + offset})
        x += width + 18
    return items, y


def timeline_context(layout: TimelineLayout, *, id_prefix: str = "timeline") -> dict:
    milestones = []
    for m in layout.milestones:
        paint = STATUS_PAINT.get(m.status, STATUS_PAINT[MilestoneStatus.PLANNED])
        milestones.append(
            {
                "m": m,
                "shape": KIND_SHAPES[m.kind],
                "fill": paint.fill,
                "stroke": paint.stroke,
                "bar_width": None if m.x_end is None else round(m.x_end - m.x, 1),
                "bar_y": round(m.y - 3, 1),
                "status_label": str(MilestoneStatus(m.status).label),
            }
        )
    legend, legend_bottom = _legend(layout)
    return {
        "layout": layout,
        "id": id_prefix,
        # The legend may wrap onto more rows than the layout planned for.
        "height": max(layout.height, round(legend_bottom + 16, 1)),
        "milestones": milestones,
        "legend": legend,
        "font_family": FONT_FAMILY,
        "font_size": FONT_SIZE,
        "small_font_size": SMALL_FONT_SIZE,
        "lane_label_x": 8,
        "plot_height": round(layout.plot_bottom - layout.plot_top, 1),
        "grid_top": 24,
        "grid_height": round(layout.plot_bottom - 24, 1),
        "ink": INK,
        "navy": NAVY,
        "muted": MUTED,
        "line": LINE,
        "surface": SURFACE,
        "danger": DANGER,
    }


def render_timeline_svg(layout: TimelineLayout, *, id_prefix: str = "timeline") -> str:
    """The timeline as an ``<svg>`` element; ``id_prefix`` keeps ids unique on a page."""
    return render_to_string("roadmap/timeline.svg", timeline_context(layout, id_prefix=id_prefix))


def render_risk_matrix_svg(matrix: RiskMatrix, *, id_prefix: str = "risk-matrix") -> str:
    half = matrix.cell / 2
    grid_bottom = matrix.top + 5 * matrix.cell
    context = {
        "matrix": matrix,
        "id": id_prefix,
        "height": grid_bottom + 40,
        "half": half,
        "count_dy": half + 6,
        "axis_y": grid_bottom + 14,
        "axis_mid_x": matrix.left + 2.5 * matrix.cell,
        "axis_mid_y": matrix.top + 2.5 * matrix.cell,
        "impact_x": matrix.left - 6,
        "likelihood_labels": [
            {"x": matrix.left + (n - 0.5) * matrix.cell, "text": n} for n in range(1, 6)
        ],
        "impact_labels": [
            {"y": matrix.top + (5 - n + 0.5) * matrix.cell + 3.5, "text": n} for n in range(1, 6)
        ],
        "font_family": FONT_FAMILY,
        "ink": INK,
        "muted": MUTED,
    }
    return render_to_string("roadmap/risk_matrix.svg", context)


def render_investment_value_svg(
    chart: InvestmentValueChart, *, id_prefix: str = "investment-value"
) -> str:
    legend_y = int(chart.bottom) + 24
    context = {
        "chart": chart,
        "id": id_prefix,
        "legend_y": legend_y,
        "legend_value_x": chart.left
        + 14
        + text_width(gettext("Invested, cumulative"), SMALL_FONT_SIZE)
        + 24,
        "font_family": FONT_FAMILY,
        "ink": INK,
        "navy": NAVY,
        "muted": MUTED,
        "ok": OK,
    }
    return render_to_string("roadmap/investment_value.svg", context)
