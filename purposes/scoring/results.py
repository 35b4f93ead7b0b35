"""A revealed round's results, read in a fixed number of queries.

The results page, the roadmap's readiness and the board brief all read a
round through ``round_data`` (and draw its heatmap with
``purposes.scoring.presentation.heatmap``), so they show the same numbers.
"""

from dataclasses import dataclass

from communities.models import Need
from organisations.models import User
from purposes.models import (
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
