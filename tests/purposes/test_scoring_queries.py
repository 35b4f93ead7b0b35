"""The scoring pages cost the same number of queries for a small and a large round."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from organisations.permissions import Role
from purposes.models import RoundStatus
from tests.support.scoring import build_round, score_every_cell

SMALL = {"purposes": 1, "needs": 2, "extra_scorers": 0}
LARGE = {"purposes": 6, "needs": 12, "extra_scorers": 5}


def _count(client, url, **headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200, response.status_code
    return len(queries)


def _url(name, scoring_round, query=""):
    url = reverse(f"scoring:{name}", kwargs={"org_slug": "ours", "round_id": scoring_round.pk})
    return url + query


@pytest.mark.parametrize(
    ("name", "status", "role", "headers"),
    [
        ("results", RoundStatus.REVEALED, Role.FACILITATOR, {}),
        ("export", RoundStatus.REVEALED, Role.VIEWER, {}),
        ("score", RoundStatus.OPEN, Role.EXECUTIVE, {}),
        ("detail", RoundStatus.OPEN, Role.FACILITATOR, {}),
        ("progress", RoundStatus.OPEN, Role.FACILITATOR, {"HTTP_HX_REQUEST": "true"}),
    ],
)
def test_queries_do_not_grow_with_the_round(world, name, status, role, headers):
    client = world.client(world.ours.user(role))
    client.get("/")
    counts = []
    for size in (SMALL, LARGE):
        scoring_round = build_round(world.ours, status=status, **size)
        score_every_cell(scoring_round)
        counts.append(_count(client, _url(name, scoring_round), **headers))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 16, counts


def test_what_if_queries_do_not_grow(world):
    client = world.client(world.ours.user(Role.FACILITATOR))
    client.get("/")
    counts = []
    for size in (SMALL, LARGE):
        scoring_round = build_round(world.ours, status=RoundStatus.REVEALED, **size)
        score_every_cell(scoring_round)
        with scopes_disabled():
            weights = "&".join(f"w{n.pk}=5" for n in scoring_round.needs.all())
        url = _url("results", scoring_round, f"?what_if=1&{weights}")
        counts.append(_count(client, url, HTTP_HX_REQUEST="true"))
    assert counts[0] == counts[1], counts


def test_round_list_queries_do_not_grow_with_the_rounds(world):
    client = world.client(world.ours.user(Role.EXECUTIVE))
    client.get("/")
    url = reverse("scoring:list", kwargs={"org_slug": "ours"})
    counts = []
    for rounds in (1, 4):
        for _ in range(rounds):
            score_every_cell(build_round(world.ours, status=RoundStatus.REVEALED, **LARGE))
        counts.append(_count(client, url))
    assert counts[0] == counts[1], counts


def test_compare_queries_do_not_grow_with_the_rounds(world):
    client = world.client(world.ours.user(Role.VIEWER))
    client.get("/")
    url = reverse("scoring:compare", kwargs={"org_slug": "ours"})
    counts = []
    for size in (SMALL, LARGE):
        first = build_round(world.ours, status=RoundStatus.REVEALED, **size)
        second = build_round(world.ours, status=RoundStatus.CLOSED, **size)
        score_every_cell(first)
        score_every_cell(second, seed=1)
        counts.append(_count(client, f"{url}?first={first.pk}&second={second.pk}"))
    assert counts[0] == counts[1], counts
