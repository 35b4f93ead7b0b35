"""Communities URLs, and everything an organisation has there, to compare before and after."""

from django.urls import reverse
from django_scopes import scopes_disabled

from communities.models import Community, Need


def url(name: str, org, **kwargs) -> str:
    return reverse(f"communities:{name}", kwargs={"org_slug": org.slug, **kwargs})


def snapshot(org) -> list[tuple]:
    """Everything an organisation has here, in order: compare before and after."""
    with scopes_disabled():
        communities = [
            (c.name, c.kind, c.description, c.estimated_size)
            for c in Community.objects.filter(organisation=org).order_by("position", "pk")
        ]
        needs = [
            (n.community.name, n.statement, n.weight, n.evidence)
            for n in Need.objects.filter(organisation=org)
            .select_related("community")
            .order_by("community__position", "community_id", "position", "pk")
        ]
    return [*communities, *needs]
