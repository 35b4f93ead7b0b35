"""A revealed round's results, read in a fixed number of queries.

The results page, the roadmap's readiness and the board brief all read a
round through ``round_data``, and its heatmap through ``heatmap_data``, so
they show the same numbers.
"""

from dataclasses import dataclass

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


def latest_revealed_round() -> ScoringRound | None:
    """The most recently revealed (or closed) round of the organisation in scope."""
    return (
        ScoringRound.objects.exclude(status=RoundStatus.OPEN)
        .order_by("-revealed_at", "-opened_at", "-pk")
        .first()
    )


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
    """The heatmap's cells and the flagged disagreements, widest first.

    Every row of scores is visited once: the page must stay quick for a
    round of 10 purposes × 20 needs × 8 executives, where most cells differ.
    """
    titles = {p.pk: p.title for p in data.purposes}
    names = {user.pk: user.display_name for user in data.executives}
    need_scores = _scores_by_cell(data.need_rows, names)
    char_scores = _scores_by_cell(data.char_rows, names)
    disagreements: list[tuple[tuple, Disagreement]] = []

    need_lines = []
    for need in data.needs:
        cells = []
        for result in results:
            mean = result.need_means[need.pk]
            spread = result.need_spreads[need.pk]
            flagged = formulas.is_disagreement(spread)
            cells.append(HeatCell(mean, formulas.heat_level(mean), spread, flagged))
            if flagged:
                item = Disagreement(
                    result.purpose, need.pk, None, spread, need_scores[result.purpose, need.pk]
                )
                disagreements.append(((-spread, titles[result.purpose], need.statement), item))
        need_lines.append((need.pk, cells))

    characteristic_lines = []
    for characteristic in Characteristic:
        cells = []
        for result in results:
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
                order = (-spread, titles[result.purpose], str(characteristic.label))
                disagreements.append((order, item))
        characteristic_lines.append((characteristic.value, cells))

    disagreements.sort(key=lambda pair: pair[0])
    return Heatmap(
        purpose_ids=[result.purpose for result in results],
        need_lines=need_lines,
        characteristic_lines=characteristic_lines,
        disagreements=[item for _order, item in disagreements],
    )
