"""The roadmap page's cache: rendered fragments, and the keys they are found by.

Two kinds of key. The page's sections are keyed by versions (``sections_key``):
the roadmap's own ``version`` and its organisation's ``data_version``, moved
on by every write that changes what the page shows, plus who is looking and
how. Both rows are already loaded when the view runs, so a hit costs no query
and reads none of the rows the page is drawn from. The pictures inside the
sections (timeline, charts) are keyed by a digest of the data they are drawn
from (``digest``), computed only when the sections are drawn afresh.

Every key starts with ``settings.RELEASE``: after a deploy, fragments drawn by
the old code and templates are never served from a shared cache.
"""

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import get_language

from organisations.permissions import Perm
from roadmap.models import Roadmap

# Short: every change makes new entries, and the old ones should not linger.
CACHE_SECONDS = 10 * 60


class FragmentCache:
    """Rendered fragments by key: this process's memory first, then the cache.

    A key names exactly what a fragment was drawn from, so an entry is never
    stale and any process may keep a copy: the few most recent stay here (no
    round trip, nothing to unpickle), all of them in the shared cache for a
    while.
    """

    def __init__(self, size: int = 24) -> None:
        self.size = size
        self.local: OrderedDict[str, object] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str):
        with self.lock:
            if key in self.local:
                self.local.move_to_end(key)
                return self.local[key]
        value = cache.get(key)
        if value is not None:
            self._keep(key, value)
        return value

    def set(self, key: str, value) -> None:
        cache.set(key, value, CACHE_SECONDS)
        self._keep(key, value)

    def clear(self) -> None:
        """Forget this process's copies (the shared cache is cleared on its own)."""
        with self.lock:
            self.local.clear()

    def _keep(self, key: str, value) -> None:
        with self.lock:
            self.local[key] = value
            self.local.move_to_end(key)
            while len(self.local) > self.size:
                self.local.popitem(last=False)


fragments = FragmentCache()


def digest(*values) -> str:
    """A key for a cached fragment: changes whenever anything it is made from does.

    Built from the ``repr`` of plain data (dataclasses, strings, numbers,
    dates) and the release, so two different inputs never share a fragment.
    """
    return hashlib.sha256(repr((settings.RELEASE, values)).encode()).hexdigest()


def cached_svg(name: str, render: Callable[[], str], *inputs) -> str:
    """A chart's SVG, cached by a digest of the data it is drawn from."""
    key = f"roadmap:{name}:{digest(*inputs, get_language())}"
    svg = fragments.get(key)
    if svg is None:
        svg = render()
        fragments.set(key, svg)
    return svg


def sections_key(
    request: HttpRequest, roadmap: Roadmap, *, width: int, today: date, focus: str
) -> str:
    """The key of the page's sections: what they are drawn from, by version, and who looks.

    The roadmap's ``version`` moves with every write in ``roadmap.services``;
    the organisation's ``data_version`` with every write elsewhere that the
    page shows (purposes, communities and needs, scoring rounds, names). The
    primary keys come with the rows' creation times: SQLite may give a deleted
    row's key to a new one, which starts again at version 0. Then who is
    looking (what they may do) and how (width, day, language, focus). The
    CSRF token is put in after the cache.
    """
    org = request.org
    membership = request.membership
    return "roadmap:sections:" + digest(
        org.pk,
        org.slug,
        org.created_at,
        org.data_version,
        roadmap.pk,
        roadmap.created_at,
        roadmap.version,
        membership.has_perm(Perm.EDIT_ROADMAP),
        membership.has_perm(Perm.EDIT_PURPOSES),
        width,
        today,
        focus,
        get_language(),
    )
