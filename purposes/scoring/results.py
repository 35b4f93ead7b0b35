"""A revealed round's results, read in a fixed number of queries.

The results page, the roadmap's readiness and the board brief all read a
round through ``round_data``, and its heatmap through ``heatmap_data``, so
they show the same numbers. Who finished scoring is decided here too
(``is_finished``), for the progress panel, the reveal, the pages and the brief.
"""

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from django.utils.translation import gettext as _

from communities.models import Need
from organisations.models import User
from purposes.models import (
    Characteristic,
    CharacteristicScore,
    NeedScore,
    Purpose,
    RoundStatus,
    ScoringRound,
)
from purposes.scoring import formulas


def is_revealed(scoring_round: ScoringRound) -> bool:
    """Revealed or closed: its scores and results may be shown."""
    return scoring_round.status != RoundStatus.OPEN


# ---------------------------------------------------------------- who finished


def scores_expected(*, purposes: int, needs: int) -> int:
    """The scores one scorer owes: every need and every characteristic of every purpose."""
    return purposes * (needs + len(Characteristic))


def is_finished(done: int, expected: int) -> bool:
    """Finished means every one of their scores is in: the one definition everything uses."""
    return expected > 0 and done >= expected


@dataclass(frozen=True)
class ScorerProgress:
    """How many of their scores one scorer has entered (never the scores)."""

    user: User
    done: int
    expected: int
    last: datetime | None = None

    @property
    def finished(self) -> bool:
        return is_finished(self.done, self.expected)

    @property
    def partly(self) -> bool:
        return self.done > 0 and not self.finished


@dataclass(frozen=True)
class Completion:
    """How many of a round's scorers finished, how many scored part, out of how many."""

    finished: int
    partly: int
    total: int

    @classmethod
    def of(cls, scorers: Iterable[ScorerProgress]) -> "Completion":
        scorers = list(scorers)
        return cls(
            finished=sum(1 for s in scorers if s.finished),
            partly=sum(1 for s in scorers if s.partly),
            total=len(scorers),
        )

    @classmethod
    def of_counts(cls, done: Iterable[int], *, total: int, expected: int) -> "Completion":
        """From the score counts of those who entered any; the others have not started."""
        done = list(done)
        finished = sum(1 for n in done if is_finished(n, expected))
        return cls(finished=finished, partly=sum(1 for n in done if n > 0) - finished, total=total)

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.finished == self.total

    @property
    def not_started(self) -> int:
        return self.total - self.finished - self.partly


@dataclass
class RoundData:
    scoring_round: ScoringRound
    purposes: list[Purpose]
    needs: list[Need]
    executives: list[User]
    need_rows: list[tuple]
    char_rows: list[tuple]

    @property
    def weights(self) -> dict[int, int]:
        return {need.pk: need.weight for need in self.needs}

    @cached_property
    def scorers(self) -> list[ScorerProgress]:
        """Each scorer's count of scores, from the rows already read."""
        done = Counter(row[2] for row in self.need_rows)
        done.update(row[2] for row in self.char_rows)
        expected = scores_expected(purposes=len(self.purposes), needs=len(self.needs))
        return [ScorerProgress(user, done[user.pk], expected) for user in self.executives]

    @cached_property
    def completion(self) -> Completion:
        return Completion.of(self.scorers)

    def scorers_in_order(self) -> list[User]:
        """The scorers as the results list them: by name, or anonymous in an order
        that follows neither names nor sign-up order (a hash of round and person)."""
        if not self.scoring_round.anonymous:
            return list(self.executives)
        return sorted(
            self.executives,
            key=lambda user: hashlib.sha256(f"{self.scoring_round.pk}:{user.pk}".encode()).digest(),
        )

    def scorer_names(self) -> dict[int, str]:
        """Who scored, by user id, as results, exports and briefs name them:
        revealed anonymously, "Scorer 1", "Scorer 2"… in ``scorers_in_order``."""
        if not self.scoring_round.anonymous:
            return {user.pk: user.display_name for user in self.executives}
        return {
            user.pk: _("Scorer %(number)d") % {"number": number}
            for number, user in enumerate(self.scorers_in_order(), start=1)
        }

    def results(self, weights: dict[int, int] | None = None) -> list[formulas.PurposeResult]:
        return formulas.round_results(
            purposes=[p.pk for p in self.purposes],
            needs=[n.pk for n in self.needs],
            weights=weights or self.weights,
            need_scores=self.need_rows,
            char_scores=self.char_rows,
            fit_weight_percent=self.scoring_round.fit_weight_percent,
        )


def round_data(scoring_round: ScoringRound) -> RoundData:
    """Everything the results need, in five queries whatever the size of the round."""
    return RoundData(
        scoring_round=scoring_round,
        purposes=list(scoring_round.purposes.all()),
        needs=list(scoring_round.needs.select_related("community")),
        executives=list(scoring_round.executives.order_by("first_name", "last_name", "email")),
        need_rows=list(
            NeedScore.objects.filter(round=scoring_round).values_list(
                "purpose_id", "need_id", "scorer_id", "score"
            )
        ),
        char_rows=list(
            CharacteristicScore.objects.filter(round=scoring_round).values_list(
                "purpose_id", "characteristic", "scorer_id", "score"
            )
        ),
    )


# ---------------------------------------------------------------- the heatmap, as data


@dataclass(frozen=True)
class HeatCell:
    """One purpose against one criterion: the mean, its 0–5 heat level, the spread."""

    mean: float | None
    heat: int | None
    spread: int | None
    flag: bool


@dataclass(frozen=True)
class Disagreement:
    """A flagged cell: a need's id or a characteristic's key, never its words."""

    purpose_id: int
    need_id: int | None
    characteristic: str | None
    spread: int
    scores: list[tuple[int, int]]  # (scorer id, score), lowest score first


@dataclass(frozen=True)
class Heatmap:
    """Purposes (columns, in ranked order) against needs and characteristics.

    Numbers and keys only: the results page and the board brief's snapshot
    each present it in their own words (``presentation.heatmap``,
    ``reports.snapshot``), so both show the same cells.
    """

    purpose_ids: list[int]
    need_lines: list[tuple[int, list[HeatCell]]]
    characteristic_lines: list[tuple[str, list[HeatCell]]]
    disagreements: list[Disagreement]


def _scores_by_cell(rows: list[tuple], names: dict[int, str]) -> dict:
    """``{(purpose, criterion): [(scorer, score), …]}``, lowest score first, then by name."""
    cells: dict = {}
    for purpose, criterion, scorer, value in rows:
        cells.setdefault((purpose, criterion), []).append((scorer, value))
    for scores in cells.values():
        scores.sort(key=lambda pair: (pair[1], names.get(pair[0], "?")))
    return cells


def heatmap_data(data: RoundData, results: list[formulas.PurposeResult]) -> Heatmap:
    """The heatmap's cells and the flagged disagreements, the ones that matter first.

    Widest first; among equal spreads the higher-ranked purpose first (the
    one the team is most likely to choose), then its needs in the round's
    order before its characteristics.

    Every row of scores is visited once: the page must stay quick for a
    round of 10 purposes × 20 needs × 8 executives, where most cells differ.
    """
    names = data.scorer_names()
    need_scores = _scores_by_cell(data.need_rows, names)
    char_scores = _scores_by_cell(data.char_rows, names)
    disagreements: list[tuple[tuple, Disagreement]] = []

    need_lines = []
    for need_index, need in enumerate(data.needs):
        cells = []
        for position, result in enumerate(results):
            mean = result.need_means[need.pk]
            spread = result.need_spreads[need.pk]
            flagged = formulas.is_disagreement(spread)
            cells.append(HeatCell(mean, formulas.heat_level(mean), spread, flagged))
            if flagged:
                item = Disagreement(
                    result.purpose, need.pk, None, spread, need_scores[result.purpose, need.pk]
                )
                disagreements.append(((-spread, position, 0, need_index), item))
        need_lines.append((need.pk, cells))

    characteristic_lines = []
    for characteristic_index, characteristic in enumerate(Characteristic):
        cells = []
        for position, result in enumerate(results):
            mean = result.char_means[characteristic.value]
            spread = result.char_spreads[characteristic.value]
            flagged = formulas.is_disagreement(spread)
            share = None
            if mean is not None:
                share = formulas.characteristic_share(characteristic.value, mean)
            heat = None if share is None else formulas.heat_level(share * 5)
            cells.append(HeatCell(mean, heat, spread, flagged))
            if flagged:
                scores = char_scores[result.purpose, characteristic.value]
                item = Disagreement(result.purpose, None, characteristic.value, spread, scores)
                disagreements.append(((-spread, position, 1, characteristic_index), item))
        characteristic_lines.append((characteristic.value, cells))

    disagreements.sort(key=lambda pair: pair[0])
    return Heatmap(
        purpose_ids=[result.purpose for result in results],
        need_lines=need_lines,
        characteristic_lines=characteristic_lines,
        disagreements=[item for _order, item in disagreements],
    )
