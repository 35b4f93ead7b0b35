"""The scoring pages cost the same number of queries for a small and a large round."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from organisations.permissions import Role
from purposes.models import CharacteristicScore, NeedScore, RoundStatus
from tests.purposes.test_scoring_tenancy import build_round

SMALL = {"purposes": 1, "needs": 2, "extra_scorers": 0}
LARGE = {"purposes": 6, "needs": 12, "extra_scorers": 5}


def _fill(scoring_round, seed: int = 0) -> None:
    """Every scorer scores every cell."""
    with scopes_disabled():
        purposes = list(scoring_round.purposes.all())
        needs = list(scoring_round.needs.all())
        scorers = list(scoring_round.executives.all())
        org = scoring_round.organisation
        NeedScore.objects.bulk_create(
            NeedScore(
                organisation=org,
                round=scoring_round,
                purpose=p,
                need=n,
                scorer=u,
                score=(seed + i + j + k) % 6,
            )
            for i, p in enumerate(purposes)
            for j, n in enumerate(needs)
            for k, u in enumerate(scorers)
        )
        CharacteristicScore.objects.bulk_create(
            CharacteristicScore(
                organisation=org,
                round=scoring_round,
                purpose=p,
                characteristic=c,
                scorer=u,
                score=1 + (i + j + k) % 5,
            )
            for i, p in enumerate(purposes)
            for j, c in enumerate(["magnetism", "draw", "org_value", "risk", "evolution"])
            for k, u in enumerate(scorers)
        )


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
        _fill(scoring_round)
        counts.append(_count(client, _url(name, scoring_round), **headers))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 16, counts


def test_what_if_queries_do_not_grow(world):
    client = world.client(world.ours.user(Role.FACILITATOR))
    client.get("/")
    counts = []
    for size in (SMALL, LARGE):
        scoring_round = build_round(world.ours, status=RoundStatus.REVEALED, **size)
        _fill(scoring_round)
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
            _fill(build_round(world.ours, status=RoundStatus.REVEALED, **LARGE))
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
        _fill(first)
        _fill(second, seed=1)
        counts.append(_count(client, f"{url}?first={first.pk}&second={second.pk}"))
    assert counts[0] == counts[1], counts
