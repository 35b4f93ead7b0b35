"""A revealed round's results, read in a fixed number of queries.

The results page, the roadmap's readiness and the board brief all read a
round through ``round_data`` and draw its heatmap with ``heatmap``, so they
show the same numbers.
"""

from dataclasses import dataclass

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


def heatmap(data: RoundData, results: list[scoring.PurposeResult]) -> dict:
    by_pk = {p.pk: p for p in data.purposes}
    names = {user.pk: user.display_name for user in data.executives}
    columns = [by_pk[result.purpose] for result in results]

    def individual(rows, purpose_pk, criterion):
        return sorted(
            (names.get(scorer, "?"), value)
            for p, c, scorer, value in rows
            if p == purpose_pk and c == criterion
        )

    need_lines = []
    disagreements = []
    for need in data.needs:
        cells = []
        for result in results:
            mean = result.need_means[need.pk]
            spread = result.need_spreads[need.pk]
            flagged = scoring.is_disagreement(spread)
            cells.append(
                {"mean": mean, "heat": scoring.heat_level(mean), "spread": spread, "flag": flagged}
            )
            if flagged:
                disagreements.append(
                    {
                        "purpose": by_pk[result.purpose],
                        "criterion": need.statement,
                        "spread": spread,
                        "scores": individual(data.need_rows, result.purpose, need.pk),
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
            cells.append(
                {
                    "mean": mean,
                    "heat": None if share is None else scoring.heat_level(share * 5),
                    "spread": spread,
                    "flag": flagged,
                }
            )
            if flagged:
                disagreements.append(
                    {
                        "purpose": by_pk[result.purpose],
                        "criterion": characteristic.label,
                        "spread": spread,
                        "scores": individual(data.char_rows, result.purpose, characteristic.value),
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
