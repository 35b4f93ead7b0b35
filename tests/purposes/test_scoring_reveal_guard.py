"""Revealing asks first, names who has not finished, and happens once however often it is asked."""

import threading

import pytest
from django.db import connection
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from organisations.models import AuditEntry
from organisations.permissions import Role
from purposes.models import RoundStatus, ScoringRound
from purposes.scoring.services import RoundUnchanged, round_reveal
from tests.support.scoring import SCORES_OWED, round_of_three


def _url(name, scoring_round):
    return reverse(f"scoring:{name}", kwargs={"org_slug": "ours", "round_id": scoring_round.pk})


def _status(scoring_round) -> str:
    with scopes_disabled():
        return ScoringRound.objects.get(pk=scoring_round.pk).status


def _reveals_logged(scoring_round) -> int:
    with scopes_disabled():
        entries = AuditEntry.objects.filter(
            content_type__model="scoringround", object_pk=str(scoring_round.pk)
        )
        return sum(1 for e in entries if e.changes.get("status") == ["open", "revealed"])


@pytest.fixture
def facilitator(world):
    return world.client(world.ours.user(Role.FACILITATOR))


def test_reveal_asks_first_and_names_who_has_not_finished(world, facilitator):
    scoring_round = round_of_three(world.ours)
    response = facilitator.get(_url("reveal", scoring_round))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Not everyone has finished" in html
    assert f"<strong>Tom Becker</strong>: 14 of {SCORES_OWED} scores" in html
    assert "<strong>Grace Okafor</strong>: none" in html
    assert "Maria Lopez" not in html  # she finished
    assert "1 of 3 finished, 1 partly" in html
    assert 'name="confirmed" value="yes"' in html
    assert _status(scoring_round) == RoundStatus.OPEN


def test_a_post_without_the_confirmation_only_asks(world, facilitator):
    scoring_round = round_of_three(world.ours)
    response = facilitator.post(_url("reveal", scoring_round))
    assert response.status_code == 200
    assert "Grace Okafor" in response.content.decode()
    response = facilitator.post(_url("reveal", scoring_round), {"confirmed": "on"})
    assert response.status_code == 200
    assert _status(scoring_round) == RoundStatus.OPEN
    assert _reveals_logged(scoring_round) == 0


def test_when_everyone_finished_the_question_is_short(world, facilitator):
    scoring_round = round_of_three(world.ours, tom=SCORES_OWED, grace=SCORES_OWED)
    html = facilitator.get(_url("reveal", scoring_round)).content.decode()
    assert "Reveal the scores?" in html
    assert "All 3 scorers have finished." in html
    assert "Not everyone" not in html
    assert _status(scoring_round) == RoundStatus.OPEN


def test_confirming_twice_reveals_once_and_the_second_is_told_kindly(world, facilitator):
    scoring_round = round_of_three(world.ours)
    first = facilitator.post(_url("reveal", scoring_round), {"confirmed": "yes"})
    assert first.status_code == 302
    assert first["Location"] == _url("results", scoring_round)
    second = facilitator.post(_url("reveal", scoring_round), {"confirmed": "yes"}, follow=True)
    assert second.status_code == 200
    html = second.content.decode()
    assert "“Board workshop” was already revealed; nothing changed." in html
    assert "message-error" not in html
    assert second.redirect_chain[-1][0] == _url("results", scoring_round)
    assert _status(scoring_round) == RoundStatus.REVEALED
    assert _reveals_logged(scoring_round) == 1


def test_the_confirm_page_of_a_revealed_round_leads_to_its_results(world, facilitator):
    scoring_round = round_of_three(world.ours)
    facilitator.post(_url("reveal", scoring_round), {"confirmed": "yes"})
    response = facilitator.get(_url("reveal", scoring_round))
    assert response.status_code == 302
    assert response["Location"] == _url("results", scoring_round)


def test_the_detail_page_asks_through_the_confirm_page(world, facilitator):
    scoring_round = round_of_three(world.ours)
    html = facilitator.get(_url("detail", scoring_round)).content.decode()
    # A link to the question, not a form that reveals at once.
    assert f'href="{_url("reveal", scoring_round)}"' in html
    assert f'action="{_url("reveal", scoring_round)}"' not in html


def test_revealing_again_is_unchanged_and_logs_nothing(world):
    scoring_round = round_of_three(world.ours)
    with scope(organisation=world.ours.org):
        round_reveal(scoring_round=scoring_round)
        with pytest.raises(RoundUnchanged):
            round_reveal(scoring_round=ScoringRound.objects.get(pk=scoring_round.pk))
    assert _reveals_logged(scoring_round) == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_reveals_at_the_same_moment_reveal_once(world, require_postgres):
    """Two threads, two connections, released together: the conditional UPDATE really races."""
    scoring_round = round_of_three(world.ours)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def reveal() -> None:
        try:
            start.wait(timeout=10)
            with scope(organisation=world.ours.org):
                round_reveal(scoring_round=ScoringRound.objects.get(pk=scoring_round.pk))
            outcomes.append("revealed")
        except RoundUnchanged:
            outcomes.append("unchanged")
        finally:
            connection.close()

    threads = [threading.Thread(target=reveal) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["revealed", "unchanged"], outcomes
    assert _status(scoring_round) == RoundStatus.REVEALED
    assert _reveals_logged(scoring_round) == 1
