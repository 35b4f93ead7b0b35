"""A round can be deleted while nothing uses it, and reopened after a reveal with a warning."""

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from organisations.models import AuditEntry
from organisations.permissions import Role
from purposes.models import CharacteristicScore, NeedScore, RoundStatus, ScoringRound
from purposes.scoring import uses
from purposes.scoring.services import (
    RoundInUse,
    ScoringError,
    round_delete,
    round_reopen,
    round_reveal,
)
from tests.support.scoring import build_round, score_every_cell


def _url(name, scoring_round):
    return reverse(f"scoring:{name}", kwargs={"org_slug": "ours", "round_id": scoring_round.pk})


def _exists(scoring_round) -> bool:
    with scopes_disabled():
        return ScoringRound.objects.filter(pk=scoring_round.pk).exists()


def _reload(scoring_round) -> ScoringRound:
    with scopes_disabled():
        return ScoringRound.objects.get(pk=scoring_round.pk)


@pytest.fixture
def facilitator(world):
    return world.client(world.ours.user(Role.FACILITATOR))


# ---------------------------------------------------------------- deleting


def test_delete_asks_first_and_says_what_goes(world, facilitator):
    scoring_round = build_round(world.ours, purposes=1, needs=2)  # 2 scorers × 7 scores
    score_every_cell(scoring_round)
    page = facilitator.get(_url("delete", scoring_round))
    assert page.status_code == 200
    assert "Its 14 scores are deleted with it." in page.text
    assert facilitator.post(_url("delete", scoring_round)).status_code == 200
    assert _exists(scoring_round)


def test_a_confirmed_delete_removes_the_round_and_its_scores(world, facilitator):
    scoring_round = build_round(world.ours, status=RoundStatus.REVEALED)
    score_every_cell(scoring_round)
    response = facilitator.post(_url("delete", scoring_round), {"confirmed": "yes"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("scoring:list", kwargs={"org_slug": "ours"})
    assert f"Deleted “{scoring_round.name}” and its scores." in response.text
    assert not _exists(scoring_round)
    with scopes_disabled():
        assert not NeedScore.objects.filter(round_id=scoring_round.pk).exists()
        assert not CharacteristicScore.objects.filter(round_id=scoring_round.pk).exists()
        assert AuditEntry.objects.filter(
            content_type__model="scoringround",
            object_pk=str(scoring_round.pk),
            action=AuditEntry.Action.DELETE,
        ).exists()


def test_only_the_facilitator_deletes(world):
    scoring_round = build_round(world.ours)
    client = world.client(world.ours.user(Role.EXECUTIVE))
    assert client.post(_url("delete", scoring_round), {"confirmed": "yes"}).status_code == 403
    assert _exists(scoring_round)


def test_a_round_something_uses_is_kept(world, facilitator, monkeypatch):
    """What uses a round is asked of the apps above (a brief: tests/reports)."""
    scoring_round = build_round(world.ours)
    monkeypatch.setitem(
        uses._providers, "test", lambda r, limit: ["Board brief version 2 of “Plan”"]
    )
    page = facilitator.get(_url("delete", scoring_round))
    assert "cannot be deleted" in page.text
    assert "Board brief version 2 of “Plan”" in page.text
    assert 'name="confirmed"' not in page.text
    response = facilitator.post(_url("delete", scoring_round), {"confirmed": "yes"})
    assert response.status_code == 409
    assert "Board brief version 2 of “Plan”" in response.text
    assert _exists(scoring_round)
    with scope(organisation=world.ours.org), pytest.raises(RoundInUse) as refused:
        round_delete(organisation=world.ours.org, scoring_round=scoring_round)
    assert refused.value.uses == ["Board brief version 2 of “Plan”"]


def test_a_foreign_round_is_refused(world):
    scoring_round = build_round(world.foreign)
    with scopes_disabled(), pytest.raises(ScoringError):
        round_delete(organisation=world.ours.org, scoring_round=scoring_round)
    assert _exists(scoring_round)


# ---------------------------------------------------------------- reopening


def test_reopening_warns_that_the_scores_have_been_seen(world, facilitator):
    scoring_round = build_round(world.ours)
    with scope(organisation=world.ours.org):
        round_reveal(scoring_round=scoring_round)
    page = facilitator.get(_url("reopen", scoring_round))
    assert page.status_code == 200
    assert "Its scores have been seen." in page.text
    assert "no longer blind" in page.text
    facilitator.post(_url("reopen", scoring_round))
    assert _reload(scoring_round).status == RoundStatus.REVEALED  # not without the confirmation

    response = facilitator.post(_url("reopen", scoring_round), {"confirmed": "yes"}, follow=True)
    reopened = _reload(scoring_round)
    assert reopened.status == RoundStatus.OPEN
    assert reopened.revealed_at is not None  # kept: the page says when they were seen
    assert "Everyone has seen the scores given so far." in response.text
    assert "and reopened: everyone has seen the scores" in response.text
    # The results are hidden again until the next reveal; the scorers are told they were seen.
    assert facilitator.get(_url("results", scoring_round)).status_code == 403
    executive = world.client(world.ours.user(Role.EXECUTIVE))
    assert "Not blind any more" in executive.get(_url("score", scoring_round)).text
    with scopes_disabled():
        entries = AuditEntry.objects.filter(
            content_type__model="scoringround", object_pk=str(scoring_round.pk)
        )
        assert [e.changes.get("status") for e in entries.order_by("pk")][-2:] == [
            ["open", "revealed"],
            ["revealed", "open"],
        ]


def test_reopening_twice_is_told_kindly(world, facilitator):
    scoring_round = build_round(world.ours, status=RoundStatus.REVEALED)
    facilitator.post(_url("reopen", scoring_round), {"confirmed": "yes"})
    response = facilitator.post(_url("reopen", scoring_round), {"confirmed": "yes"}, follow=True)
    assert "is already open for scoring" in response.text
    assert "message-error" not in response.text


def test_a_closed_round_is_not_reopened(world, facilitator):
    scoring_round = build_round(world.ours, status=RoundStatus.CLOSED)
    response = facilitator.post(_url("reopen", scoring_round), {"confirmed": "yes"}, follow=True)
    assert "Only a revealed round can be reopened" in response.text
    assert _reload(scoring_round).status == RoundStatus.CLOSED
    with scope(organisation=world.ours.org), pytest.raises(ScoringError):
        round_reopen(scoring_round=scoring_round)
