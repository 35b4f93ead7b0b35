"""A revealed round's results, read in a fixed number of queries.

The results page, the roadmap's readiness and the board brief all read a
round through ``round_data`` and draw its heatmap with ``heatmap``, so they
show the same numbers.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from communities.models import Need
from organisations.models import User
from purposes import scoring
from purposes.models import (
    Characteristic,
    CharacteristicScore,
    NeedScore,
    Purpose,
    RoundStatus,
    ScoringRound,
)

CHARACTERISTICS = list(Characteristic)


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

    def results(self, weights: dict[int, int] | None = None) -> list[scoring.PurposeResult]:
        return scoring.round_results(
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


def _scores_by_cell(rows: list[tuple], names: dict[int, str]) -> dict:
    """``{(purpose, criterion): [(name, score), …]}``, lowest score first, then by name."""
    cells: dict = defaultdict(list)
    for purpose, criterion, scorer, value in rows:
        cells[purpose, criterion].append((names.get(scorer, "?"), value))
    for scores in cells.values():
        scores.sort(key=lambda pair: (pair[1], pair[0]))
    return cells


def _cell(mean: float | None, heat: int | None, spread: int | None, flagged: bool) -> dict:
    """One heatmap cell, its class and text made here: the page draws hundreds."""
    css = "heat heat-none" if heat is None else f"heat heat-{heat}"
    return {
        "mean": mean,
        "heat": heat,
        "spread": spread,
        "flag": flagged,
        "css": css + " disagree" if flagged else css,
        "text": None if mean is None else floatformat(mean, 1),
        "flag_label": (
            _("disagreement: scores %(spread)s points apart") % {"spread": spread}
            if flagged
            else ""
        ),
    }


def heatmap(data: RoundData, results: list[scoring.PurposeResult]) -> dict:
    """Cells of the purposes × needs (and characteristics) heatmap, in ranked order.

    Every row of scores is visited once: the page must stay quick for a
    round of 10 purposes × 20 needs × 8 executives, where most cells differ.
    """
    by_pk = {p.pk: p for p in data.purposes}
    names = {user.pk: user.display_name for user in data.executives}
    columns = [by_pk[result.purpose] for result in results]
    need_scores = _scores_by_cell(data.need_rows, names)
    char_scores = _scores_by_cell(data.char_rows, names)

    need_lines = []
    disagreements = []
    for need in data.needs:
        cells = []
        for result in results:
            mean = result.need_means[need.pk]
            spread = result.need_spreads[need.pk]
            flagged = scoring.is_disagreement(spread)
            cells.append(_cell(mean, scoring.heat_level(mean), spread, flagged))
            if flagged:
                disagreements.append(
                    {
                        "purpose": by_pk[result.purpose],
                        "criterion": need.statement,
                        "spread": spread,
                        "scores": need_scores[result.purpose, need.pk],
                    }
                )
        need_lines.append({"need": need, "cells": cells})
    char_lines = []
    for characteristic in CHARACTERISTICS:
        cells = []
        for result in results:
            mean = result.char_means[characteristic.value]
            spread = result.char_spreads[characteristic.value]
            flagged = scoring.is_disagreement(spread)
            share = None
            if mean is not None:
                share = scoring.characteristic_share(characteristic.value, mean)
            heat = None if share is None else scoring.heat_level(share * 5)
            cells.append(_cell(mean, heat, spread, flagged))
            if flagged:
                disagreements.append(
                    {
                        "purpose": by_pk[result.purpose],
                        "criterion": characteristic.label,
                        "spread": spread,
                        "scores": char_scores[result.purpose, characteristic.value],
                    }
                )
        char_lines.append(
            {
                "label": characteristic.label,
                "inverse": characteristic == Characteristic.RISK,
                "cells": cells,
            }
        )
    disagreements.sort(key=lambda d: (-d["spread"], d["purpose"].title, d["criterion"]))
    return {
        "columns": columns,
        "need_lines": need_lines,
        "char_lines": char_lines,
        "disagreements": disagreements,
    }
