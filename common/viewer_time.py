"""Times shown in the viewer's own time zone.

The browser says which zone it is in (``static/js/app.js`` writes the IANA
name, e.g. ``Europe/Berlin``, into the ``tz`` cookie); this middleware makes
it Django's current time zone for the request, so ``{{ when|date }}`` and
``timezone.localtime`` give the viewer's wall-clock time. A name that is not a
known zone (a forged cookie, a path, NUL, 10 kB of junk) is ignored and the
site's ``TIME_ZONE`` is used; pages that show times also name the zone.
"""

import zoneinfo
from functools import cache

from django.utils import timezone

COOKIE = "tz"
MAX_NAME = 64  # the longest IANA name is 32 characters


@cache
def known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def zone_from(name: str | None) -> zoneinfo.ZoneInfo | None:
    """The zone called ``name``, or None for anything that is not a known zone."""
    if not name or len(name) > MAX_NAME or name not in known_zones():
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


class ViewerTimeZoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = zone_from(request.COOKIES.get(COOKIE))
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
