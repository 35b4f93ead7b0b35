from datetime import date
from decimal import Decimal

from django.utils import translation

from common.formatting import long_date, money, whole_money


def test_money_groups_thousands_and_shows_cents_only_where_there_are_any():
    with translation.override("en"):
        assert money(Decimal("12500.00"), "EUR") == "12,500 EUR"
        assert money(Decimal("1234.5"), "EUR") == "1,234.50 EUR"
        assert money(Decimal("80"), None) == "80"
        assert money(None, "EUR") == ""


def test_whole_money_rounds_to_whole_units():
    with translation.override("en"):
        assert whole_money(Decimal("1234.5"), "EUR") == "1,234 EUR"
        assert whole_money(0) == "0"


def test_long_date_reads_as_a_board_member_would():
    with translation.override("en"):
        assert long_date(date(2026, 12, 4)) == "4 December 2026"
