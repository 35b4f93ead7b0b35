"""Saving one score: stored once (upsert), refused with a message otherwise."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from organisations.permissions import Role
from purposes.models import CharacteristicScore, NeedScore, RoundStatus
from tests.support.scoring import build_round

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def setup(world):
    scoring_round = build_round(world.ours)
    with scopes_disabled():
        purpose = scoring_round.purposes.order_by("pk").first()
        need = scoring_round.needs.order_by("pk").first()
    url = reverse("scoring:save", kwargs={"org_slug": "ours", "round_id": scoring_round.pk})
    return scoring_round, purpose, need, url


def _need_scores():
    with scopes_disabled():
        return list(NeedScore.objects.values_list("scorer__email", "score"))


def test_htmx_save_stores_the_score_and_answers_with_a_small_fragment(world, setup):
    _round, purpose, need, url = setup
    client = world.client(world.ours.user(Role.EXECUTIVE))
    response = client.post(url, {"purpose": purpose.pk, "need": need.pk, "score": 4}, **HTMX)
    assert response.status_code == 200
    assert b"Saved" in response.content
    assert b"<html" not in response.content
    assert len(response.content) < 300
    assert _need_scores() == [("executive@ours.example", 4)]


def test_saving_again_replaces_the_score(world, setup):
    _round, purpose, need, url = setup
    client = world.client(world.ours.user(Role.EXECUTIVE))
    client.post(url, {"purpose": purpose.pk, "need": need.pk, "score": 4}, **HTMX)
    client.post(url, {"purpose": purpose.pk, "need": need.pk, "score": 1}, **HTMX)
    assert _need_scores() == [("executive@ours.example", 1)]


def test_characteristic_score_is_stored(world, setup):
    _round, purpose, _need, url = setup
    client = world.client(world.ours.user(Role.FACILITATOR))
    data = {"purpose": purpose.pk, "characteristic": "risk", "score": 5}
    assert client.post(url, data, **HTMX).status_code == 200
    with scopes_disabled():
        assert list(CharacteristicScore.objects.values_list("characteristic", "score")) == [
            ("risk", 5)
        ]


def test_plain_post_redirects_back_to_the_purpose(world, setup):
    scoring_round, purpose, need, url = setup
    client = world.client(world.ours.user(Role.EXECUTIVE))
    response = client.post(url, {"purpose": purpose.pk, "need": need.pk, "score": 2})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/rounds/{scoring_round.pk}/score/#purpose-{purpose.pk}")
    page = client.get(response["Location"])
    # The saved choice is checked when the page is opened again.
    assert f'name="need" value="{need.pk}"'.encode() in page.content
    assert b'value="2" checked' in page.content


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"need": True, "score": 6}, "from 0 to 5"),
        ({"need": True, "score": -1}, "from 0 to 5"),
        ({"need": True, "score": "three"}, "whole number"),
        ({"need": True, "score": ""}, "Choose a score"),
        ({"characteristic": "risk", "score": 0}, "from 1 to 5"),
        ({"characteristic": "beauty", "score": 3}, "valid choice"),
        ({"score": 3}, "either a need or a characteristic"),
    ],
)
def test_bad_scores_are_refused_and_nothing_is_stored(world, setup, data, message):
    _round, purpose, need, url = setup
    data = {"purpose": purpose.pk, **data}
    if data.get("need") is True:
        data["need"] = need.pk
    client = world.client(world.ours.user(Role.EXECUTIVE))
    response = client.post(url, data, **HTMX)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert _need_scores() == []
    with scopes_disabled():
        assert not CharacteristicScore.objects.exists()


def test_plain_post_refusal_rerenders_the_page_with_the_message(world, setup):
    _round, purpose, need, url = setup
    client = world.client(world.ours.user(Role.EXECUTIVE))
    response = client.post(url, {"purpose": purpose.pk, "need": need.pk, "score": 9})
    assert response.status_code == 422
    assert b"from 0 to 5" in response.content
    assert b"Your scores" in response.content
    assert _need_scores() == []


def test_need_or_purpose_outside_the_round_is_refused(world, setup):
    _round, purpose, need, url = setup
    other = build_round(world.ours)
    with scopes_disabled():
        other_purpose = other.purposes.first()
        other_need = other.needs.first()
    client = world.client(world.ours.user(Role.EXECUTIVE))
    response = client.post(url, {"purpose": other_purpose.pk, "need": need.pk, "score": 3}, **HTMX)
    assert response.status_code == 422
    assert b"purpose is not part of this round" in response.content
    response = client.post(url, {"purpose": purpose.pk, "need": other_need.pk, "score": 3}, **HTMX)
    assert response.status_code == 422
    assert b"need is not part of this round" in response.content
    assert _need_scores() == []


def test_someone_who_may_score_but_is_not_in_the_round_is_refused(world, setup):
    _round, purpose, need, url = setup
    client = world.client(world.ours.user(Role.ADMIN))
    response = client.post(url, {"purpose": purpose.pk, "need": need.pk, "score": 3}, **HTMX)
    assert response.status_code == 422
    assert b"not one of the scorers" in response.content
    response = client.post(url, {"purpose": purpose.pk, "need": need.pk, "score": 3})
    assert response.status_code == 403
    assert _need_scores() == []


def test_viewer_cannot_score(world, setup):
    _round, purpose, need, url = setup
    client = world.client(world.ours.user(Role.VIEWER))
    response = client.post(url, {"purpose": purpose.pk, "need": need.pk, "score": 3}, **HTMX)
    assert response.status_code == 403
    assert _need_scores() == []


@pytest.mark.parametrize("status", [RoundStatus.REVEALED, RoundStatus.CLOSED])
def test_a_round_that_is_not_open_refuses_scores(world, setup, status):
    scoring_round, purpose, need, url = setup
    with scopes_disabled():
        type(scoring_round).objects.filter(pk=scoring_round.pk).update(status=status)
    client = world.client(world.ours.user(Role.EXECUTIVE))
    response = client.post(url, {"purpose": purpose.pk, "need": need.pk, "score": 3}, **HTMX)
    assert response.status_code == 422
    assert b"no longer open" in response.content
    assert _need_scores() == []


def test_save_uses_few_queries(world, setup):
    _round, purpose, need, url = setup
    client = world.client(world.ours.user(Role.EXECUTIVE))
    client.get("/")  # the session exists before we count
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, {"purpose": purpose.pk, "need": need.pk, "score": 3}, **HTMX)
    assert response.status_code == 200
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"].upper()]
    # session, user, membership, session write (org_view), round check, upsert,
    # audit entry (organisations.audit: the upsert fires no signal)
    assert len(statements) <= 7, statements
    assert sum("purposes_" in sql for sql in statements) == 2, statements
