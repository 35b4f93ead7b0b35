"""Data (and geometry) for the charts beside the timeline.

- the 5×5 risk matrix: likelihood across, impact up, with counts and names;
- cumulative investment against expected value, phase by phase, and year by
  year with the year value catches up;
- community targets over time, one series per measure.

Pure functions over plain data; the SVG templates in ``templates/roadmap/``
only print what these return.
"""

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext

from roadmap.models import CommunityMetric, MilestoneKind
from roadmap.readiness import Money
from roadmap.timeline import FONT_SIZE, short_date, truncate_to_width

# ---------------------------------------------------------------- risk matrix

# Bands of likelihood × impact, the usual reading of a 5×5 matrix.
RISK_BANDS = ((1, 4, "low"), (5, 9, "medium"), (10, 25, "high"))
RISK_BAND_FILL = {"low": "#e3efe6", "medium": "#fbeccb", "high": "#f4d3d4"}
MATRIX_CELL = 64
MATRIX_LEFT = 56
MATRIX_TOP = 12


def risk_band(likelihood: int, impact: int) -> str:
    score = likelihood * impact
    return next(name for low, high, name in RISK_BANDS if low <= score <= high)


@dataclass(frozen=True)
class RiskPoint:
    id: Hashable
    title: str
    likelihood: int
    impact: int


@dataclass
class MatrixCell:
    likelihood: int
    impact: int
    band: str
    risks: list[RiskPoint] = field(default_factory=list)
    # Geometry for templates/roadmap/risk_matrix.svg
    x: float = 0
    y: float = 0

    @property
    def count(self) -> int:
        return len(self.risks)

    @property
    def names(self) -> list[str]:
        return [risk.title for risk in self.risks]

    @property
    def fill(self) -> str:
        return RISK_BAND_FILL[self.band]


@dataclass
class RiskMatrix:
    rows: list[list[MatrixCell]]  # impact 5 (top row) down to 1; likelihood 1…5 across
    total: int
    size: float
    cell: float = MATRIX_CELL
    left: float = MATRIX_LEFT
    top: float = MATRIX_TOP
    desc: str = ""


def risk_matrix(risks: Iterable[RiskPoint]) -> RiskMatrix:
    cells = {
        (likelihood, impact): MatrixCell(
            likelihood,
            impact,
            risk_band(likelihood, impact),
            x=MATRIX_LEFT + (likelihood - 1) * MATRIX_CELL,
            y=MATRIX_TOP + (5 - impact) * MATRIX_CELL,
        )
        for likelihood in range(1, 6)
        for impact in range(1, 6)
    }
    total = 0
    for risk in risks:
        cells[(risk.likelihood, risk.impact)].risks.append(risk)
        total += 1
    rows = [
        [cells[(likelihood, impact)] for likelihood in range(1, 6)] for impact in range(5, 0, -1)
    ]
    high = sum(cell.count for row in rows for cell in row if cell.band == "high")
    desc = gettext(
        "%(total)d risks by likelihood (across, 1–5) and impact (up, 1–5); %(high)d in the "
        "high band. The table that follows lists them."
    ) % {"total": total, "high": high}
    return RiskMatrix(rows, total, MATRIX_LEFT + 5 * MATRIX_CELL + 8, desc=desc)


def risk_points_from_models(milestones: Iterable) -> list[RiskPoint]:
    return [
        RiskPoint(m.pk, m.title, m.likelihood, m.impact)
        for m in milestones
        if m.kind == MilestoneKind.RISK
    ]


# ---------------------------------------------------------------- investment and value

CHART_WIDTH = 560
CHART_HEIGHT = 260
CHART_LEFT = 72
CHART_BOTTOM = 56  # phase names and the legend
CHART_TOP = 16


@dataclass(frozen=True)
class PhaseSpan:
    id: Hashable
    name: str
    start: date
    end: date


@dataclass(frozen=True)
class DatedMoney:
    day: date
    money: Money


@dataclass
class PhaseTotals:
    phase: PhaseSpan
    invested: Decimal
    expected: Decimal
    cumulative_invested: Decimal
    cumulative_expected: Decimal
    # Geometry for templates/roadmap/investment_value.svg
    x: float = 0
    label: str = ""
    invested_y: float = 0
    expected_y: float = 0


@dataclass
class InvestmentValueChart:
    currency: str
    phases: list[PhaseTotals]
    excluded_currencies: tuple[str, ...]
    outside_phases: int  # amounts dated outside every phase, left out
    width: float = CHART_WIDTH
    height: float = CHART_HEIGHT
    left: float = CHART_LEFT
    top: float = CHART_TOP
    bottom: float = CHART_HEIGHT - CHART_BOTTOM
    right: float = CHART_WIDTH - 16
    ticks: list[tuple[float, str]] = field(default_factory=list)
    invested_points: str = ""
    expected_points: str = ""
    desc: str = ""


def _phase_index(day: date, phases: Sequence[PhaseSpan]) -> int | None:
    for index, phase in enumerate(phases):
        if phase.start <= day <= phase.end:
            return index
    return None


def _nice_step(maximum: float) -> float:
    """A round step (1, 2 or 5 × 10ⁿ) giving about four gridlines up to ``maximum``."""
    raw = maximum / 4 if maximum > 0 else 1
    magnitude = 10 ** (len(str(int(raw))) - 1) if raw >= 1 else 1
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _short_amount(value: float) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:g}M"
    if value >= 1_000:
        return f"{value / 1_000:g}k"
    return f"{value:g}"


def investment_value_by_phase(
    phases: Sequence[PhaseSpan],
    investments: Iterable[DatedMoney],
    values: Iterable[DatedMoney],
    currency: str,
) -> InvestmentValueChart:
    """Per phase, in order: investment and expected value, each also cumulated.

    Only amounts in ``currency`` count (as for the investment balance index);
    the others are named in ``excluded_currencies``.
    """
    ordered = sorted(phases, key=lambda p: p.start)
    invested = [Decimal(0)] * len(ordered)
    expected = [Decimal(0)] * len(ordered)
    excluded: set[str] = set()
    outside = 0
    for amounts, totals in ((investments, invested), (values, expected)):
        for item in amounts:
            if item.money.currency != currency:
                # Another currency, or a value that is not money at all.
                if item.money.currency is not None:
                    excluded.add(item.money.currency)
                continue
            index = _phase_index(item.day, ordered)
            if index is None:
                outside += 1
                continue
            totals[index] += item.money.amount
    rows = []
    running_invested = running_expected = Decimal(0)
    for index, phase in enumerate(ordered):
        running_invested += invested[index]
        running_expected += expected[index]
        rows.append(
            PhaseTotals(phase, invested[index], expected[index], running_invested, running_expected)
        )
    chart = InvestmentValueChart(currency, rows, tuple(sorted(excluded)), outside)
    _place_investment_value(chart)
    return chart


def _place_investment_value(chart: InvestmentValueChart) -> None:
    if not chart.phases:
        chart.desc = gettext("No phases yet.")
        return
    top_value = float(max(max(r.cumulative_invested, r.cumulative_expected) for r in chart.phases))
    step = _nice_step(top_value)
    ceiling = step * max(1, -(-top_value // step))  # round up to a whole step
    plot_height = chart.bottom - chart.top

    def y(value: Decimal) -> float:
        return round(chart.bottom - float(value) / ceiling * plot_height, 1)

    value = 0.0
    while value <= ceiling + 1e-9:
        chart.ticks.append((y(Decimal(value)), _short_amount(value)))
        value += step
    slot = (chart.right - chart.left) / len(chart.phases)
    for index, row in enumerate(chart.phases):
        row.x = round(chart.left + slot * (index + 0.5), 1)
        row.label = truncate_to_width(row.phase.name, slot - 6, FONT_SIZE)
        row.invested_y = y(row.cumulative_invested)
        row.expected_y = y(row.cumulative_expected)
    chart.invested_points = " ".join(f"{r.x},{r.invested_y}" for r in chart.phases)
    chart.expected_points = " ".join(f"{r.x},{r.expected_y}" for r in chart.phases)
    last = chart.phases[-1]
    chart.desc = gettext(
        "Cumulative investment and expected value by phase, in %(currency)s. By the end of "
        "%(phase)s: %(invested)s invested, %(expected)s of value expected."
    ) % {
        "currency": chart.currency,
        "phase": last.phase.name,
        "invested": f"{last.cumulative_invested:,.0f}",
        "expected": f"{last.cumulative_expected:,.0f}",
    }


@dataclass(frozen=True)
class YearTotals:
    year: int
    invested: Decimal
    expected: Decimal
    cumulative_invested: Decimal
    cumulative_expected: Decimal

    @property
    def ratio(self) -> Decimal | None:
        """Cumulative expected value per unit of cumulative investment; None before any."""
        if self.cumulative_invested <= 0:
            return None
        return self.cumulative_expected / self.cumulative_invested


@dataclass(frozen=True)
class InvestmentValueByYear:
    currency: str
    years: list[YearTotals]
    excluded_currencies: tuple[str, ...]
    outside_span: int  # amounts dated before the roadmap starts or after it ends, left out
    # The first year from which cumulative value stays at or above cumulative
    # investment to the roadmap's end; None when it never does (or nothing is spent).
    payback_year: int | None


def investment_value_by_year(
    start: date,
    end: date,
    investments: Iterable[DatedMoney],
    values: Iterable[DatedMoney],
    currency: str,
) -> InvestmentValueByYear:
    """Per calendar year from ``start`` to ``end`` (partial years included):
    spending and expected value, each also cumulated, and the payback year.

    Only amounts in ``currency`` count, as in ``investment_value_by_phase``.
    The payback year is the one from which value *stays* level with spending:
    value that catches up and is then overtaken by a later spend has not paid
    the roadmap back.
    """
    first, last = start.year, end.year
    invested = {year: Decimal(0) for year in range(first, last + 1)}
    expected = dict(invested)
    excluded: set[str] = set()
    outside = 0
    for amounts, totals in ((investments, invested), (values, expected)):
        for item in amounts:
            if item.money.currency != currency:
                if item.money.currency is not None:
                    excluded.add(item.money.currency)
                continue
            if not start <= item.day <= end:
                outside += 1
                continue
            totals[item.day.year] += item.money.amount
    years = []
    running_invested = running_expected = Decimal(0)
    for year in range(first, last + 1):
        running_invested += invested[year]
        running_expected += expected[year]
        years.append(
            YearTotals(year, invested[year], expected[year], running_invested, running_expected)
        )
    payback_year = None
    if running_invested > 0:
        for row in reversed(years):
            if row.cumulative_invested > 0 and row.cumulative_expected >= row.cumulative_invested:
                payback_year = row.year
            else:
                break
    return InvestmentValueByYear(currency, years, tuple(sorted(excluded)), outside, payback_year)


def dated_money_from_models(milestones: Iterable) -> tuple[list[DatedMoney], list[DatedMoney]]:
    """(investments, values) from ``Milestone`` rows already fetched; no query here."""
    investments, values = [], []
    for m in milestones:
        if m.kind == MilestoneKind.INVESTMENT:
            investments.append(DatedMoney(m.start, Money(m.amount, m.currency)))
        elif m.kind == MilestoneKind.VALUE:
            values.append(DatedMoney(m.start, Money(m.amount, m.currency)))
    return investments, values


# ---------------------------------------------------------------- community targets


@dataclass(frozen=True)
class CommunityTarget:
    id: Hashable
    title: str
    metric: str
    metric_label: str  # the name of a custom measure
    day: date
    target: Decimal


@dataclass(frozen=True)
class TargetPoint:
    id: Hashable
    title: str
    day: date
    when: str
    target: Decimal


@dataclass(frozen=True)
class TargetSeries:
    metric: str
    label: str
    points: tuple[TargetPoint, ...]


def community_targets(targets: Iterable[CommunityTarget]) -> list[TargetSeries]:
    """One series per measure (custom measures by their own name), points in date order."""
    labels = dict(CommunityMetric.choices)
    grouped: dict[tuple[str, str], list[CommunityTarget]] = {}
    for target in targets:
        key_label = target.metric_label.strip() if target.metric == CommunityMetric.CUSTOM else ""
        grouped.setdefault((target.metric, key_label), []).append(target)
    order = {metric: index for index, metric in enumerate(CommunityMetric.values)}
    series = []
    for (metric, custom_label), items in sorted(
        grouped.items(), key=lambda item: (order.get(item[0][0], 99), item[0][1].lower())
    ):
        items.sort(key=lambda t: (t.day, str(t.id)))
        series.append(
            TargetSeries(
                metric,
                custom_label or str(labels.get(metric, metric)),
                tuple(
                    TargetPoint(t.id, t.title, t.day, short_date(t.day), t.target) for t in items
                ),
            )
        )
    return series


def community_targets_from_models(milestones: Iterable) -> list[CommunityTarget]:
    return [
        CommunityTarget(m.pk, m.title, m.metric, m.metric_label, m.start, m.target_value)
        for m in milestones
        if m.kind == MilestoneKind.COMMUNITY
    ]
