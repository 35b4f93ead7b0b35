import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

from roadmap.charts import (
    CommunityTarget,
    DatedMoney,
    PhaseSpan,
    RiskPoint,
    community_targets,
    investment_value_by_phase,
    risk_band,
    risk_matrix,
)
from roadmap.readiness import Money
from roadmap.svg import render_investment_value_svg, render_risk_matrix_svg

PHASES = [
    PhaseSpan(2, "Launch", date(2026, 4, 1), date(2026, 9, 30)),
    PhaseSpan(1, "Pilot", date(2026, 1, 1), date(2026, 3, 31)),
]


def eur(amount: int, day: date, currency: str | None = "EUR") -> DatedMoney:
    return DatedMoney(day, Money(Decimal(amount), currency))


def test_risk_matrix_counts_and_names_risks_per_cell_with_impact_5_on_top():
    matrix = risk_matrix(
        [RiskPoint(1, "Leak", 4, 5), RiskPoint(2, "Spam", 5, 2), RiskPoint(3, "Spam again", 5, 2)]
    )
    assert matrix.total == 3
    top_row = matrix.rows[0]
    assert [cell.impact for cell in top_row] == [5] * 5
    assert top_row[3].count == 1 and top_row[3].names == ["Leak"]
    assert matrix.rows[3][4].names == ["Spam", "Spam again"]
    assert sum(cell.count for row in matrix.rows for cell in row) == 3


def test_risk_bands_follow_likelihood_times_impact():
    assert [
        risk_band(1, 4),
        risk_band(1, 5),
        risk_band(3, 3),
        risk_band(2, 5),
        risk_band(5, 5),
    ] == [
        "low",
        "medium",
        "medium",
        "high",
        "high",
    ]


def test_investment_and_value_cumulate_phase_by_phase_in_the_roadmap_currency():
    chart = investment_value_by_phase(
        PHASES,
        [
            eur(40_000, date(2026, 2, 1)),
            eur(60_000, date(2026, 5, 1)),
            eur(7, date(2026, 5, 1), "USD"),
        ],
        [eur(30_000, date(2026, 6, 1)), eur(100, date(2026, 6, 1), None), eur(5, date(2027, 1, 1))],
        "EUR",
    )
    assert [row.phase.name for row in chart.phases] == ["Pilot", "Launch"]
    assert [(r.invested, r.expected) for r in chart.phases] == [(40_000, 0), (60_000, 30_000)]
    assert [(r.cumulative_invested, r.cumulative_expected) for r in chart.phases] == [
        (40_000, 0),
        (100_000, 30_000),
    ]
    assert chart.excluded_currencies == ("USD",)
    assert chart.outside_phases == 1
    assert chart.phases[1].invested_y < chart.phases[0].invested_y, "more money is drawn higher"


def test_community_targets_form_one_series_per_measure_in_date_order():
    series = community_targets(
        [
            CommunityTarget(1, "1,000 members", "members", "", date(2026, 9, 1), Decimal(1000)),
            CommunityTarget(2, "200 members", "members", "", date(2026, 3, 1), Decimal(200)),
            CommunityTarget(
                3, "Answers", "custom", "Questions answered", date(2026, 5, 1), Decimal(50)
            ),
            CommunityTarget(4, "Ratio", "ratio", "", date(2026, 5, 1), Decimal(3)),
        ]
    )
    assert [s.metric for s in series] == ["members", "ratio", "custom"]
    assert [p.target for p in series[0].points] == [200, 1000]
    assert series[2].label == "Questions answered"


def test_chart_svgs_parse_and_escape_names():
    matrix = risk_matrix([RiskPoint(1, "<script>x</script>", 3, 3)])
    svg = render_risk_matrix_svg(matrix)
    assert "<script>" not in svg
    ET.fromstring(svg)
    chart = investment_value_by_phase(PHASES, [eur(10, date(2026, 2, 1))], [], "EUR")
    root = ET.fromstring(render_investment_value_svg(chart))
    assert root.get("role") == "img"
    ET.fromstring(render_investment_value_svg(investment_value_by_phase([], [], [], "EUR")))
