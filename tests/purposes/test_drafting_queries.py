"""No drafting page's query count grows with the number of purposes or revisions."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organisations.permissions import Role
from purposes import services
from tests.support.drafting import create_purpose, edit_data
from tests.support.factories import CommunityFactory


def count_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


def populate(world, purposes: int, edits: int, comments: int, communities: int):
    """``purposes`` purposes, each with ``edits`` saved edits, comments and communities."""
    executive = world.ours.user(Role.EXECUTIVE)
    client = world.client(executive)
    targets = [CommunityFactory(organisation=world.ours.org) for _ in range(communities)]
    made = []
    for index in range(purposes):
        purpose = create_purpose(world.ours, executive, communities=targets, title=f"P{index}")
        edit = reverse(
            "purposes:edit", kwargs={"org_slug": world.ours.org.slug, "purpose_id": purpose.pk}
        )
        for version in range(1, edits + 1):
            data = edit_data(
                purpose, version=version, communities=targets, statement=f"Wording {version}."
            )
            assert client.post(edit, data).status_code == 302
        for number in range(comments):
            services.comment_create(purpose=purpose, actor=executive, body=f"Comment {number}")
        made.append(purpose)
    return made[-1]


def pages(world, purpose) -> dict[str, str]:
    kwargs = {"org_slug": world.ours.org.slug}
    one = {**kwargs, "purpose_id": purpose.pk}
    return {
        "list": reverse("purposes:list", kwargs=kwargs),
        "detail": reverse("purposes:detail", kwargs=one),
        "editor": reverse("purposes:edit", kwargs=one),
        "revisions": reverse("purposes:revisions", kwargs=one),
        "compare": reverse("purposes:compare", kwargs=one),
    }


def measure(world, size: int) -> dict[str, int]:
    purpose = populate(world, purposes=size, edits=size, comments=size, communities=size)
    client = world.client(world.ours.user(Role.FACILITATOR))
    return {name: count_queries(client, path) for name, path in pages(world, purpose).items()}


def test_query_counts_do_not_grow_with_purposes_revisions_and_comments(world):
    small = measure(world, 2)
    # A second, larger population in the same organisation: every page now has
    # four times the purposes, revisions, comments and communities.
    large = measure(world, 8)
    assert large == small, (small, large)
    # Session, user, membership, purposes, their communities, the header, the session save.
    assert small["list"] <= 9, small
