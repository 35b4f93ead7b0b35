"""What the scoring pages show, built from the rows the views read.

The views decide who may see what; the functions here turn a round into the
dictionaries the templates draw: the facilitator's progress, the scorer's
page, the ranking with its what-if, the heatmap and the comparison of two
rounds. The heatmap is shared with the board brief, so both show the same
cells.
"""

from django.db.models import Count, Max, QuerySet
from django.http import QueryDict
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from communities.models import Need
from organisations.models import User
from purposes.models import (
    Characteristic,
    CharacteristicLevel,
    CharacteristicScore,
    NeedScore,
    ScoringRound,
)
from purposes.scoring import formulas, levels
from purposes.scoring.forms import PurposeStatusForm
from purposes.scoring.results import (
    Completion,
    HeatCell,
    RoundData,
    ScorerProgress,
    heatmap_data,
    is_revealed,
    scores_expected,
)

CHARACTERISTICS = list(Characteristic)
DISAGREEMENTS_LISTED = 12


def own_levels() -> list[tuple[str, int, str]]:
    """The organisation's own wording of characteristic levels, for the scope's organisation."""
    return list(CharacteristicLevel.objects.values_list("characteristic", "level", "description"))


def need_levels() -> list[tuple[int, str]]:
    return [(level, str(text)) for level, text in levels.NEED_FIT_LEVELS.items()]


# ---------------------------------------------------------------- an open round


def progress(scoring_round: ScoringRound) -> dict:
    """Per scorer: how many of their scores are in. Never the scores themselves.

    ``unfinished`` is what the reveal asks about: who has not entered every score.
    """
    expected = scores_expected(
        purposes=scoring_round.purposes.count(), needs=scoring_round.needs.count()
    )
    counts: dict[int, int] = {}
    last: dict[int, object] = {}
    for model in (NeedScore, CharacteristicScore):
        rows = (
            model.objects.filter(round=scoring_round)
            .values("scorer_id")
            .annotate(n=Count("pk"), last=Max("updated_at"))
        )
        for row in rows:
            counts[row["scorer_id"]] = counts.get(row["scorer_id"], 0) + row["n"]
            if row["scorer_id"] not in last or row["last"] > last[row["scorer_id"]]:
                last[row["scorer_id"]] = row["last"]
    scorers = [
        ScorerProgress(user, counts.get(user.pk, 0), expected, last.get(user.pk))
        for user in scoring_round.executives.order_by("first_name", "last_name", "email")
    ]
    completion = Completion.of(scorers)
    return {
        "executives": [
            {
                "user": scorer.user,
                "done": scorer.done,
                "total": scorer.expected,
                "finished": scorer.finished,
                "last": scorer.last,
            }
            for scorer in scorers
        ],
        "unfinished": [scorer for scorer in scorers if not scorer.finished],
        "completion": completion,
        "finished_count": completion.finished,
        "total": expected,
    }


def with_sizes(rounds: QuerySet) -> QuerySet:
    """Rounds annotated as ``round_list_completion`` needs them."""
    return rounds.annotate(
        purpose_count=Count("purposes", distinct=True),
        need_count=Count("needs", distinct=True),
        executive_count=Count("executives", distinct=True),
    )


def round_list_completion(rounds: list[ScoringRound]) -> None:
    """Set ``completion`` on each round of the list, in two queries for all of them.

    Each round needs ``purpose_count``, ``need_count`` and ``executive_count``
    annotated (``with_sizes``).
    """
    done: dict[tuple[int, int], int] = {}
    for model in (NeedScore, CharacteristicScore):
        rows = (
            model.objects.filter(round__in=[r.pk for r in rounds])
            .values("round_id", "scorer_id")
            .annotate(n=Count("pk"))
            .values_list("round_id", "scorer_id", "n")
            .order_by()
        )
        for round_id, scorer_id, n in rows:
            done[round_id, scorer_id] = done.get((round_id, scorer_id), 0) + n
    by_round: dict[int, list[int]] = {}
    for (round_id, _scorer), n in done.items():
        by_round.setdefault(round_id, []).append(n)
    for scoring_round in rounds:
        scoring_round.completion = Completion.of_counts(
            by_round.get(scoring_round.pk, []),
            total=scoring_round.executive_count,
            expected=scores_expected(
                purposes=scoring_round.purpose_count, needs=scoring_round.need_count
            ),
        )


def score_count(scoring_round: ScoringRound) -> int:
    """How many scores the round holds, everyone's together (what a deletion takes with it)."""
    return (
        NeedScore.objects.filter(round=scoring_round).count()
        + CharacteristicScore.objects.filter(round=scoring_round).count()
    )


def score_page(scoring_round: ScoringRound, scorer: User) -> dict:
    """One scorer's page: every purpose with their own scores so far, and the level sentences."""
    purposes = list(scoring_round.purposes.all())
    needs = list(scoring_round.needs.select_related("community"))
    mine_needs = {
        (p, n): s
        for p, n, s in NeedScore.objects.filter(round=scoring_round, scorer=scorer).values_list(
            "purpose_id", "need_id", "score"
        )
    }
    mine_chars = {
        (p, c): s
        for p, c, s in CharacteristicScore.objects.filter(
            round=scoring_round, scorer=scorer
        ).values_list("purpose_id", "characteristic", "score")
    }
    sentences = levels.characteristic_sentences(own_levels())
    sections = []
    for purpose in purposes:
        need_rows = [
            {"need": need, "score": mine_needs.get((purpose.pk, need.pk))} for need in needs
        ]
        char_rows = [
            {
                "key": characteristic.value,
                "label": characteristic.label,
                "question": levels.CHARACTERISTIC_QUESTIONS[characteristic],
                "levels": sorted(sentences[characteristic].items()),
                "score": mine_chars.get((purpose.pk, characteristic.value)),
            }
            for characteristic in CHARACTERISTICS
        ]
        done = sum(1 for row in need_rows if row["score"] is not None) + sum(
            1 for row in char_rows if row["score"] is not None
        )
        sections.append(
            {
                "purpose": purpose,
                "needs": need_rows,
                "characteristics": char_rows,
                "done": done,
                "total": len(need_rows) + len(char_rows),
            }
        )
    return {
        "round": scoring_round,
        "sections": sections,
        "need_levels": need_levels(),
        "done": sum(s["done"] for s in sections),
        "total": sum(s["total"] for s in sections),
        "read_only": is_revealed(scoring_round),
    }


# ---------------------------------------------------------------- results


def what_if_weights(query: QueryDict, needs: list[Need]) -> dict[int, int]:
    """Need weights from ``w<need id>`` parameters; anything unusable keeps the saved weight."""
    weights = {}
    for need in needs:
        raw = query.get(f"w{need.pk}", "")
        try:
            value = int(raw)
        except ValueError:
            value = need.weight
        weights[need.pk] = (
            value if formulas.WEIGHT_MIN <= value <= formulas.WEIGHT_MAX else need.weight
        )
    return weights


def ranking(data: RoundData, weights: dict[int, int], base: list[formulas.PurposeResult]) -> dict:
    """The ranking under ``weights``, how stable its top is, and the what-if form's rows."""
    order = [p.pk for p in data.purposes]
    ranked = formulas.reweighted(base, weights, data.scoring_round.fit_weight_percent, order)
    stability = formulas.top_stability(base, weights, data.scoring_round.fit_weight_percent, order)
    by_pk = {p.pk: p for p in data.purposes}
    return {
        "ranking": [
            {"position": index, "purpose": by_pk[result.purpose], "result": result}
            for index, result in enumerate(ranked, start=1)
        ],
        "stability": stability,
        "stability_top": by_pk.get(stability.top),
        "weights": weights,
        "what_if": weights != data.weights,
        "status_choices": PurposeStatusForm.base_fields["status"].choices,
        "weight_rows": [
            {"need": need, "weight": weights[need.pk], "saved": need.weight} for need in data.needs
        ],
    }


def disagreements(data: RoundData, results: list[formulas.PurposeResult]) -> dict:
    """The heatmap and the widest disagreements, the ones to talk about.

    The heatmap flags every disagreement and the CSV has every score, so the
    list stops at ``DISAGREEMENTS_LISTED`` and says how many more there are.
    """
    cells = heatmap(data, results)
    return {
        **cells,
        "flag_spread": formulas.DISAGREEMENT_SPREAD,
        "disagreements_shown": cells["disagreements"][:DISAGREEMENTS_LISTED],
        "disagreements_more": max(0, len(cells["disagreements"]) - DISAGREEMENTS_LISTED),
    }


def _cell(cell: HeatCell) -> dict:
    """One heatmap cell, its class and text made here: the page draws hundreds."""
    css = "heat heat-none" if cell.heat is None else f"heat heat-{cell.heat}"
    return {
        "mean": cell.mean,
        "heat": cell.heat,
        "spread": cell.spread,
        "flag": cell.flag,
        "css": css + " disagree" if cell.flag else css,
        "text": None if cell.mean is None else floatformat(cell.mean, 1),
        "flag_label": (
            _("disagreement: scores %(spread)s points apart") % {"spread": cell.spread}
            if cell.flag
            else ""
        ),
    }


def heatmap(data: RoundData, results: list[formulas.PurposeResult]) -> dict:
    """The heatmap (``results.heatmap_data``) in the results page's words, in ranked order."""
    grid = heatmap_data(data, results)
    purposes = {p.pk: p for p in data.purposes}
    needs = {n.pk: n for n in data.needs}
    names = data.scorer_names()
    characteristics = {c.value: c for c in Characteristic}
    return {
        "columns": [purposes[pk] for pk in grid.purpose_ids],
        "need_lines": [
            {"need": needs[need_id], "cells": [_cell(cell) for cell in cells]}
            for need_id, cells in grid.need_lines
        ],
        "char_lines": [
            {
                "label": characteristics[key].label,
                "inverse": key == Characteristic.RISK,
                "cells": [_cell(cell) for cell in cells],
            }
            for key, cells in grid.characteristic_lines
        ],
        "disagreements": [
            {
                "purpose": purposes[item.purpose_id],
                "criterion": (
                    needs[item.need_id].statement
                    if item.need_id is not None
                    else characteristics[item.characteristic].label
                ),
                "spread": item.spread,
                "scores": [(names.get(scorer, "?"), value) for scorer, value in item.scores],
            }
            for item in grid.disagreements
        ],
    }


# ---------------------------------------------------------------- comparing rounds


def comparison(first: RoundData, second: RoundData) -> list[dict]:
    """Per purpose in either round (by title): fit, characteristics and overall, before → after."""
    first_results = {r.purpose: r for r in first.results()}
    second_results = {r.purpose: r for r in second.results()}
    purposes = {p.pk: p for p in first.purposes}
    purposes.update({p.pk: p for p in second.purposes})
    rows = []
    for purpose in sorted(purposes.values(), key=lambda p: (p.title, p.pk)):
        a, b = first_results.get(purpose.pk), second_results.get(purpose.pk)
        row = {"purpose": purpose, "measures": []}
        for label, attribute in (
            (_("Fit"), "fit"),
            (_("Characteristics"), "characteristics"),
            (_("Overall"), "overall"),
        ):
            before = getattr(a, attribute) if a else None
            after = getattr(b, attribute) if b else None
            row["measures"].append(
                {
                    "label": label,
                    "before": before,
                    "after": after,
                    "delta": formulas.difference(before, after),
                }
            )
        rows.append(row)
    return rows
