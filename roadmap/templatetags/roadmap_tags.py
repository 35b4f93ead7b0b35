from django import template
from django.utils.dates import MONTHS_3

from roadmap.notice import Notice, notice_for

register = template.Library()


@register.simple_tag(takes_context=True)
def roadmap_notice(context, roadmap) -> Notice | None:
    """The note beside the timeline: ``{% roadmap_notice roadmap as notice %}``."""
    request = context.get("request")
    return notice_for(request, roadmap) if request is not None and roadmap else None


@register.simple_tag
def month_abbreviations() -> str:
    """“Jan Feb … Dec” in the current language: the page's dates, for roadmap.js to write."""
    return " ".join(str(MONTHS_3[month]).title() for month in range(1, 13))
