"""The arithmetic of a scoring round, over plain data (no ORM).

The formulas, with a worked example, are in ``docs/scoring.md``. In short:

* fit index (0–100) = 100 × Σ(weight × mean need score) / Σ(weight × 5), over
  the needs at least one executive scored for that purpose (an unscored cell
  counts neither for nor against: it is left out of both sums);
* characteristics index (0–100) = 100 × the average of the five characteristic
  means mapped to 0..1, each as (m − 1) / 4, except community risk as (5 − m) / 4;
* overall = fit weight × fit + (1 − fit weight) × characteristics.
"""

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

NEED_MAX = 5
CHARACTERISTIC_MIN = 1
CHARACTERISTIC_MAX = 5
WEIGHT_MIN = 1
WEIGHT_MAX = 5
# Scores this far apart (max − min) are worth a conversation. Two points
# (2 and 4: "partly" against "largely") is how far two careful readers of the
# same level sentences usually land: with three scorers nearly every cell had
# it, and a heatmap where everything is flagged flags nothing. Three points
# (1 and 4, 0 and 3) means they read the purpose or the need differently
# (docs/scoring.md, "Disagreement").
DISAGREEMENT_SPREAD = 3
RISK = "risk"
CHARACTERISTICS = ("magnetism", "draw", "org_value", "risk", "evolution")


def mean(values: Sequence[int]) -> float | None:
    return sum(values) / len(values) if values else None


def spread(values: Sequence[int]) -> int | None:
    """Max − min between executives; None when nobody scored."""
    return max(values) - min(values) if values else None


def is_disagreement(value: int | None) -> bool:
    return value is not None and value >= DISAGREEMENT_SPREAD


def group_scores(rows: Iterable[tuple[Hashable, Hashable, Hashable, int]]) -> dict:
    """``(purpose, criterion, scorer, score)`` rows → ``{(purpose, criterion): [scores]}``."""
    grouped: dict = defaultdict(list)
    for purpose, criterion, _scorer, score in rows:
        grouped[purpose, criterion].append(score)
    return dict(grouped)


def fit_index(need_means: Mapping[Hashable, float | None], weights: Mapping) -> float | None:
    """100 × Σ(w × mean) / Σ(w × 5) over the scored needs; None if none was scored."""
    numerator = 0.0
    denominator = 0
    for need, need_mean in need_means.items():
        if need_mean is None:
            continue
        weight = weights[need]
        numerator += weight * need_mean
        denominator += weight * NEED_MAX
    if denominator == 0:
        return None
    return 100 * numerator / denominator


def characteristic_share(characteristic: str, characteristic_mean: float) -> float:
    """A 1–5 mean as 0..1 where 1 is best: risk counts inversely."""
    span = CHARACTERISTIC_MAX - CHARACTERISTIC_MIN
    if characteristic == RISK:
        return (CHARACTERISTIC_MAX - characteristic_mean) / span
    return (characteristic_mean - CHARACTERISTIC_MIN) / span


def characteristics_index(char_means: Mapping[str, float | None]) -> float | None:
    """100 × the average share over the scored characteristics; None if none was scored."""
    shares = [
        characteristic_share(characteristic, value)
        for characteristic, value in char_means.items()
        if value is not None
    ]
    if not shares:
        return None
    return 100 * sum(shares) / len(shares)


def overall_index(
    fit: float | None, characteristics: float | None, fit_weight_percent: int
) -> float | None:
    """Fit and characteristics blended; None unless both exist."""
    if fit is None or characteristics is None:
        return None
    share = fit_weight_percent / 100
    return share * fit + (1 - share) * characteristics


@dataclass
class PurposeResult:
    purpose: Hashable
    fit: float | None
    characteristics: float | None
    overall: float | None
    need_means: dict = field(default_factory=dict)
    need_spreads: dict = field(default_factory=dict)
    char_means: dict = field(default_factory=dict)
    char_spreads: dict = field(default_factory=dict)
    unscored_needs: int = 0


def _rank_key(order: Mapping[Hashable, int]):
    def key(result: PurposeResult):
        missing = result.overall is None
        return (
            missing,
            -(result.overall or 0.0),
            -(result.fit or 0.0),
            order.get(result.purpose, 0),
        )

    return key


def rank(results: Iterable[PurposeResult], order: Sequence[Hashable]) -> list[PurposeResult]:
    """Best overall first; ties by fit, then by ``order`` (e.g. title); incomplete last."""
    positions = {purpose: index for index, purpose in enumerate(order)}
    return sorted(results, key=_rank_key(positions))


def round_results(
    *,
    purposes: Sequence[Hashable],
    needs: Sequence[Hashable],
    weights: Mapping[Hashable, int],
    need_scores: Iterable[tuple[Hashable, Hashable, Hashable, int]],
    char_scores: Iterable[tuple[Hashable, str, Hashable, int]],
    fit_weight_percent: int,
) -> list[PurposeResult]:
    """Every purpose's indices, means and spreads, ranked."""
    need_cells = group_scores(need_scores)
    char_cells = group_scores(char_scores)
    results = []
    for purpose in purposes:
        need_means = {need: mean(need_cells.get((purpose, need), [])) for need in needs}
        need_spreads = {need: spread(need_cells.get((purpose, need), [])) for need in needs}
        char_means = {c: mean(char_cells.get((purpose, c), [])) for c in CHARACTERISTICS}
        char_spreads = {c: spread(char_cells.get((purpose, c), [])) for c in CHARACTERISTICS}
        fit = fit_index(need_means, weights)
        characteristics = characteristics_index(char_means)
        results.append(
            PurposeResult(
                purpose=purpose,
                fit=fit,
                characteristics=characteristics,
                overall=overall_index(fit, characteristics, fit_weight_percent),
                need_means=need_means,
                need_spreads=need_spreads,
                char_means=char_means,
                char_spreads=char_spreads,
                unscored_needs=sum(1 for value in need_means.values() if value is None),
            )
        )
    return rank(results, purposes)


def reweighted(
    results: Sequence[PurposeResult],
    weights: Mapping[Hashable, int],
    fit_weight_percent: int,
    order: Sequence[Hashable],
) -> list[PurposeResult]:
    """The same results with other need weights (the what-if), ranked again."""
    changed = []
    for result in results:
        fit = fit_index(result.need_means, weights)
        changed.append(
            PurposeResult(
                purpose=result.purpose,
                fit=fit,
                characteristics=result.characteristics,
                overall=overall_index(fit, result.characteristics, fit_weight_percent),
                need_means=result.need_means,
                need_spreads=result.need_spreads,
                char_means=result.char_means,
                char_spreads=result.char_spreads,
                unscored_needs=result.unscored_needs,
            )
        )
    return rank(changed, order)


@dataclass(frozen=True)
class Stability:
    top: Hashable | None
    kept: int
    total: int

    @property
    def share(self) -> float | None:
        return self.kept / self.total if self.total else None


def top_stability(
    results: Sequence[PurposeResult],
    weights: Mapping[Hashable, int],
    fit_weight_percent: int,
    order: Sequence[Hashable],
) -> Stability:
    """How many single ±1 changes to one need weight (staying within 1..5) keep the top.

    A need of weight 1 can only go up and one of weight 5 only down, so the
    total is at most twice the number of needs.
    """
    ranked = reweighted(results, weights, fit_weight_percent, order)
    if not ranked or ranked[0].overall is None:
        return Stability(top=None, kept=0, total=0)
    top = ranked[0].purpose
    kept = total = 0
    for need, weight in weights.items():
        for step in (-1, 1):
            changed_weight = weight + step
            if not WEIGHT_MIN <= changed_weight <= WEIGHT_MAX:
                continue
            total += 1
            trial_weights = {**weights, need: changed_weight}
            trial = reweighted(results, trial_weights, fit_weight_percent, order)
            if trial[0].purpose == top:
                kept += 1
    return Stability(top=top, kept=kept, total=total)


def heat_level(value: float | None) -> int | None:
    """A mean score 0–5 as one of six colour steps (CSS ``.heat-0`` … ``.heat-5``)."""
    if value is None:
        return None
    # Half rounds up (2.5 → 3), unlike Python's round().
    return max(0, min(NEED_MAX, int(value + 0.5)))


def difference(before: float | None, after: float | None) -> float | None:
    if before is None or after is None:
        return None
    return after - before
