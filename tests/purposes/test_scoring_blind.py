"""Blind: nobody sees anyone else's scores before the reveal, the facilitator included."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from organisations.permissions import Role
from purposes.models import CharacteristicScore, NeedScore, RoundStatus, ScoringRound
from tests.support.scoring import build_round

SECRET = 5  # the facilitator's score; nobody else may learn it before the reveal


def _url(name, scoring_round):
    return reverse(f"scoring:{name}", kwargs={"org_slug": "ours", "round_id": scoring_round.pk})


@pytest.fixture
def scored(world):
    """The facilitator scored everything 5; the executive scored nothing yet."""
    scoring_round = build_round(world.ours, purposes=1, needs=2)
    facilitator = world.ours.user(Role.FACILITATOR)
    with scopes_disabled():
        purpose = scoring_round.purposes.get()
        for need in scoring_round.needs.all():
            NeedScore.objects.create(
                organisation=world.ours.org,
                round=scoring_round,
                purpose=purpose,
                need=need,
                scorer=facilitator,
                score=SECRET,
            )
        CharacteristicScore.objects.create(
            organisation=world.ours.org,
            round=scoring_round,
            purpose=purpose,
            characteristic="draw",
            scorer=facilitator,
            score=SECRET,
        )
    return scoring_round


def test_executive_scoring_page_shows_only_their_own_scores(world, scored):
    page = world.client(world.ours.user(Role.EXECUTIVE)).get(_url("score", scored))
    assert page.status_code == 200
    assert b" checked" not in page.content
    assert b'You have scored <strong id="score-done">0</strong> of 7' in page.content


def test_facilitator_scoring_page_shows_their_own(world, scored):
    page = world.client(world.ours.user(Role.FACILITATOR)).get(_url("score", scored))
    assert page.content.count(b'value="5" checked') == 3


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.VIEWER, Role.FACILITATOR, Role.ADMIN])
@pytest.mark.parametrize("name", ["results", "export"])
def test_results_and_export_are_refused_before_the_reveal(world, scored, role, name):
    response = world.client(world.ours.user(role)).get(_url(name, scored))
    assert response.status_code == 403
    assert b"still hidden" in response.content
    assert b"text/csv" not in response["Content-Type"].encode()


def test_whatif_request_before_reveal_is_refused_too(world, scored):
    url = _url("results", scored) + "?what_if=1&w1=5"
    response = world.client(world.ours.user(Role.FACILITATOR)).get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 403


def test_facilitator_progress_counts_but_shows_no_scores(world, scored):
    client = world.client(world.ours.user(Role.FACILITATOR))
    detail = client.get(_url("detail", scored))
    done = {row["user"].email: row["done"] for row in detail.context["progress"]["executives"]}
    assert done == {"executive@ours.example": 0, "facilitator@ours.example": 3}
    fragment = client.get(_url("progress", scored), HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert 'hx-trigger="every 2s"' in html
    assert "3 of 7" in html  # the facilitator's own count, not the scores
    assert "0 of 7" in html
    assert "<html" not in html
    for page in (detail.content.decode(), html):
        assert "heat-" not in page
        assert "Mean" not in page


def test_progress_follows_a_new_save_at_once(world, scored):
    executive = world.client(world.ours.user(Role.EXECUTIVE))
    with scopes_disabled():
        purpose = scored.purposes.get()
    executive.post(
        _url("save", scored),
        {"purpose": purpose.pk, "characteristic": "risk", "score": 2},
        HTTP_HX_REQUEST="true",
    )
    fragment = world.client(world.ours.user(Role.FACILITATOR)).get(
        _url("progress", scored), HTTP_HX_REQUEST="true"
    )
    html = fragment.content.decode()
    assert "1 of 7" in html
    assert "3 of 7" in html
    assert "0 of 7" not in html


def test_polling_stops_once_revealed(world, scored):
    with scopes_disabled():
        ScoringRound.objects.filter(pk=scored.pk).update(status=RoundStatus.REVEALED)
    fragment = world.client(world.ours.user(Role.FACILITATOR)).get(
        _url("progress", scored), HTTP_HX_REQUEST="true"
    )
    assert b"hx-trigger" not in fragment.content


def test_executive_detail_page_has_no_progress_and_no_scores(world, scored):
    page = world.client(world.ours.user(Role.EXECUTIVE)).get(_url("detail", scored))
    assert page.status_code == 200
    assert "progress" not in page.context
    assert b"hx-trigger" not in page.content
    assert b"Score now" in page.content


def test_executive_cannot_poll_progress(world, scored):
    response = world.client(world.ours.user(Role.EXECUTIVE)).get(
        _url("progress", scored), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 403


def test_after_the_reveal_everyone_sees_the_results(world, scored):
    with scopes_disabled():
        ScoringRound.objects.filter(pk=scored.pk).update(status=RoundStatus.REVEALED)
    page = world.client(world.ours.user(Role.VIEWER)).get(_url("results", scored))
    assert page.status_code == 200
    assert b"heat-5" in page.content
