"""Honest counts: "scored by N people" counts those who finished; the others show as partly."""

from django.urls import reverse
from django_scopes import scope

from organisations.permissions import Role
from purposes.models import RoundStatus
from purposes.scoring.results import Completion, is_finished, round_data, scores_expected
from tests.support.scoring import SCORES_OWED, round_of_three


def _url(name, scoring_round=None):
    kwargs = {"org_slug": "ours"}
    if scoring_round is not None:
        kwargs["round_id"] = scoring_round.pk
    return reverse(f"scoring:{name}", kwargs=kwargs)


def test_finished_means_every_score_is_in():
    expected = scores_expected(purposes=2, needs=3)
    assert expected == SCORES_OWED
    assert is_finished(16, expected)
    assert not is_finished(15, expected)
    assert not is_finished(0, 0)  # a round with nothing to score is nobody's finish
    counts = Completion.of_counts([16, 14], total=3, expected=expected)
    assert (counts.finished, counts.partly, counts.not_started) == (1, 1, 1)
    assert not counts.complete
    assert Completion.of_counts([16, 16], total=2, expected=expected).complete


def test_round_data_counts_who_finished_from_the_rows_it_read(world):
    scoring_round = round_of_three(world.ours, status=RoundStatus.REVEALED)
    with scope(organisation=world.ours.org):
        data = round_data(scoring_round)
    done = {s.user.first_name: (s.done, s.finished, s.partly) for s in data.scorers}
    assert done == {
        "Maria": (16, True, False),
        "Tom": (14, False, True),
        "Grace": (0, False, False),
    }
    assert data.completion == Completion(finished=1, partly=1, total=3)


def test_results_of_an_incomplete_round_say_so(world):
    scoring_round = round_of_three(world.ours, status=RoundStatus.REVEALED)
    html = world.client(world.ours.user(Role.VIEWER)).get(_url("results", scoring_round)).text
    assert "1 of 3 finished, 1 partly" in html
    assert "Scored by 3 people" not in html
    assert "An incomplete round." in html
    assert "1 of 3 scorers finished, 1 scored only part, 1 did not start." in html


def test_results_of_a_complete_round_say_scored_by(world):
    scoring_round = round_of_three(
        world.ours, tom=SCORES_OWED, grace=SCORES_OWED, status=RoundStatus.REVEALED
    )
    html = world.client(world.ours.user(Role.VIEWER)).get(_url("results", scoring_round)).text
    assert "Scored by 3 people" in html
    assert "An incomplete round" not in html


def test_the_round_list_counts_who_finished(world):
    revealed = round_of_three(world.ours, status=RoundStatus.REVEALED)
    # Everyone sees the counts of a revealed round.
    html = world.client(world.ours.user(Role.EXECUTIVE)).get(_url("list")).text
    assert "1 of 3 finished, 1 partly" in html
    assert "3 scorers" not in html
    assert revealed.name in html


def test_the_round_list_keeps_an_open_rounds_progress_for_the_facilitator(world):
    round_of_three(world.ours)
    executive = world.client(world.ours.user(Role.EXECUTIVE)).get(_url("list")).text
    assert "3 scorers" in executive
    assert "finished" not in executive
    facilitator = world.client(world.ours.user(Role.FACILITATOR)).get(_url("list")).text
    assert "1 of 3 finished, 1 partly" in facilitator


def test_a_revealed_rounds_page_counts_who_finished_for_everyone(world):
    scoring_round = round_of_three(world.ours, grace=3, status=RoundStatus.REVEALED)
    html = world.client(world.ours.user(Role.VIEWER)).get(_url("detail", scoring_round)).text
    assert "1 of 3 finished, 2 partly" in html
