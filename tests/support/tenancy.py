"""The table every URL of the project must be in, and how to walk the URLconf.

Each app's tests add their URLs in ``tests/<app>/tenancy_cases.py`` as a
``CASES`` dict; ``tests/test_tenancy.py`` checks every entry with every role,
an outsider and an anonymous visitor, and fails on a URL nobody listed.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver

from organisations.permissions import Perm

# URL namespaces that are not ours to test here: Django admin is staff-only and
# has its own permission checks.
EXCLUDED_NAMESPACES = {"admin"}


@dataclass(frozen=True)
class OrgCase:
    """A URL under /o/<org_slug>/ that needs ``perm``.

    ``kwargs(tenant)`` returns the URL's other arguments, made from objects of
    that tenant; the test calls it with a foreign tenant to check that another
    organisation's objects are out of reach.
    """

    perm: Perm
    kwargs: Callable | None = None
    methods: tuple[str, ...] = ("GET", "POST")
    data: Callable | None = None


@dataclass(frozen=True)
class PublicCase:
    """A URL outside any organisation (sign-in, invitation links, health)."""

    kwargs: dict = field(default_factory=dict)
    login_required: bool = False


def iter_url_names(resolver: URLResolver | None = None, namespace: str = "") -> Iterator[str]:
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            if ns in EXCLUDED_NAMESPACES:
                continue
            prefix = f"{namespace}{ns}:" if ns else namespace
            yield from iter_url_names(pattern, prefix)
        elif isinstance(pattern, URLPattern):
            if not pattern.name:
                raise AssertionError(f"URL pattern {pattern.pattern} has no name")
            yield f"{namespace}{pattern.name}"
