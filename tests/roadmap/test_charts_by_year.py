"""Spending and expected value by calendar year, and the payback year (no database)."""

from datetime import date
from decimal import Decimal

from roadmap.charts import DatedMoney, investment_value_by_year
from roadmap.readiness import Money


def money(day: date, amount: int, currency: str | None = "EUR") -> DatedMoney:
    return DatedMoney(day, Money(Decimal(amount), currency))


def test_it_finds_the_year_value_reaches_investment():
    result = investment_value_by_year(
        date(2027, 1, 1),
        date(2029, 12, 31),
        [money(date(2027, 3, 1), 100)],
        [money(date(2028, 6, 1), 60), money(date(2029, 6, 1), 50)],
        "EUR",
    )
    assert [r.year for r in result.years] == [2027, 2028, 2029]
    assert [r.cumulative_expected for r in result.years] == [0, 60, 110]
    assert result.payback_year == 2029
    assert result.years[1].ratio == Decimal("0.6")


def test_value_that_is_overtaken_by_later_spending_has_not_paid_back():
    result = investment_value_by_year(
        date(2027, 1, 1),
        date(2029, 12, 31),
        [money(date(2027, 3, 1), 100), money(date(2029, 3, 1), 500)],
        [money(date(2028, 6, 1), 150)],
        "EUR",
    )
    assert result.years[1].ratio == Decimal("1.5")
    assert result.payback_year is None


def test_nothing_spent_has_no_payback_year_and_no_ratio():
    result = investment_value_by_year(
        date(2027, 1, 1), date(2027, 12, 31), [], [money(date(2027, 3, 1), 10)], "EUR"
    )
    assert result.payback_year is None
    assert result.years[0].ratio is None


def test_other_currencies_and_non_money_values_are_left_out_and_named():
    result = investment_value_by_year(
        date(2027, 1, 1),
        date(2028, 12, 31),
        [money(date(2027, 3, 1), 100), money(date(2027, 4, 1), 999, "USD")],
        [money(date(2028, 3, 1), 100), money(date(2028, 4, 1), 5000, None)],
        "EUR",
    )
    assert result.excluded_currencies == ("USD",)
    assert result.years[0].invested == 100
    assert result.years[1].expected == 100
    assert result.payback_year == 2028


def test_a_roadmap_spanning_partial_years_counts_each_calendar_year_it_touches():
    result = investment_value_by_year(
        date(2026, 10, 1),
        date(2029, 9, 30),
        [money(date(2026, 11, 1), 100), money(date(2026, 9, 1), 7)],
        [money(date(2029, 9, 1), 40), money(date(2029, 10, 1), 500)],
        "EUR",
    )
    assert [r.year for r in result.years] == [2026, 2027, 2028, 2029]
    assert result.years[0].invested == 100
    assert result.years[-1].cumulative_expected == 40
    assert result.outside_span == 2
    assert result.payback_year is None
