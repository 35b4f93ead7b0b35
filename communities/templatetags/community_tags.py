from django import template
from django.utils.formats import number_format

from communities.forms import WEIGHT_CHOICES

register = template.Library()

_WEIGHT_LABELS = dict(WEIGHT_CHOICES)


@register.filter
def weight_label(weight: int) -> str:
    """“4 · very important” for 4: the number and what it means."""
    return _WEIGHT_LABELS.get(weight, weight)


@register.filter
def grouped(number: int) -> str:
    """75000 → “75,000” in the current locale: sizes read at a glance."""
    return number_format(number, force_grouping=True)
