from django_scopes import scopes_disabled

from communities import demo
from communities.models import Community, Need
from organisations import demo as organisations_demo


def _counts(org) -> tuple[int, int]:
    with scopes_disabled():
        return (
            Community.objects.filter(organisation=org).count(),
            Need.objects.filter(organisation=org).count(),
        )


def test_demo_creates_four_communities_with_twelve_needs(db):
    org = organisations_demo.load_people()
    demo.load(org)
    assert _counts(org) == (4, 12)
    with scopes_disabled():
        kinds = set(Community.objects.filter(organisation=org).values_list("kind", flat=True))
        weights = set(Need.objects.filter(organisation=org).values_list("weight", flat=True))
    assert {"customers", "suppliers", "employees"} <= kinds
    assert len(weights) > 1


def test_demo_twice_changes_nothing(db):
    org = organisations_demo.load_people()
    demo.load(org)
    with scopes_disabled():
        first = list(
            Need.objects.filter(organisation=org).values_list("pk", "statement", "position")
        )
    demo.load(org)
    with scopes_disabled():
        second = list(
            Need.objects.filter(organisation=org).values_list("pk", "statement", "position")
        )
    assert second == first
    assert _counts(org) == (4, 12)
