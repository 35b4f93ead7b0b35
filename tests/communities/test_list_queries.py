"""The list page costs the same number of queries however much there is on it."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.support.communities import url
from tests.support.factories import CommunityFactory, NeedFactory


def _fill(org, communities: int, needs_each: int) -> None:
    for _ in range(communities):
        community = CommunityFactory(organisation=org)
        for _ in range(needs_each):
            NeedFactory(community=community)


def _queries(client, org) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url("list", org))
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_list_page_queries_do_not_grow_with_communities_and_needs(world, facilitator):
    org = world.ours.org
    _fill(org, 1, 1)
    small = _queries(facilitator, org)
    _fill(org, 9, 6)
    large = _queries(facilitator, org)
    assert large == small
    assert small <= 10


def test_export_queries_do_not_grow_either(world, viewer):
    org = world.ours.org
    _fill(org, 1, 1)
    with CaptureQueriesContext(connection) as small:
        viewer.get(url("export", org))
    _fill(org, 8, 5)
    with CaptureQueriesContext(connection) as large:
        viewer.get(url("export", org))
    assert len(large.captured_queries) == len(small.captured_queries)
