"""How amounts and dates are written for people, on the page and in the brief."""

from datetime import date, datetime
from decimal import Decimal

from django.utils import formats
from django.utils.dates import MONTHS_3


def money(amount: Decimal | float | int | None, currency: str | None = "") -> str:
    """An amount with thousands grouped: "12,500 EUR"; cents only where there are any."""
    if amount is None:
        return ""
    amount = Decimal(amount)
    decimals = 0 if amount == amount.to_integral_value() else 2
    figure = formats.number_format(amount, decimals, use_l10n=True, force_grouping=True)
    return f"{figure} {currency}".strip() if currency else figure


def whole_money(amount: Decimal | float | int, currency: str | None = "") -> str:
    """An amount rounded to whole units, as the brief's tables show it: "12,500 EUR"."""
    figure = formats.number_format(Decimal(amount), 0, use_l10n=True, force_grouping=True)
    return f"{figure} {currency}".strip()


def date_text(value: date) -> str:
    """A date in a sentence on a page or a form: "1 Jan 2027" (the format the pages use).

    Built from the translated month names, not ``formats.date_format`` (about
    70 µs a call, a third of the timeline's budget for 200 milestones).
    """
    return f"{value.day} {MONTHS_3[value.month].title()} {value.year}"


def long_date(value: date | datetime) -> str:
    """A date as a board member reads it: "4 December 2026"."""
    return formats.date_format(value, "j F Y")
