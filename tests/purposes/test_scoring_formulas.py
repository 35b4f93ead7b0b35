"""The arithmetic of docs/formulas.md, on its worked example (numbers by hand)."""

import pytest

from purposes.scoring import formulas

N1, N2 = "N1", "N2"
A, B = "A", "B"
WEIGHTS = {N1: 3, N2: 1}
NEED_SCORES = [
    (A, N1, "x", 4),
    (A, N1, "y", 2),
    (A, N2, "x", 5),
    (A, N2, "y", 5),
    (B, N1, "x", 5),
    (B, N1, "y", 5),
    (B, N2, "x", 0),
    (B, N2, "y", 1),
]
A_CHARS = {"magnetism": 4, "draw": 3, "org_value": 5, "risk": 2, "evolution": 1}
CHAR_SCORES = [(A, k, "x", v) for k, v in A_CHARS.items()] + [
    (B, k, "x", 3) for k in formulas.CHARACTERISTICS
]


def results(fit_weight_percent=50, need_scores=NEED_SCORES):
    return formulas.round_results(
        purposes=[A, B],
        needs=[N1, N2],
        weights=WEIGHTS,
        need_scores=need_scores,
        char_scores=CHAR_SCORES,
        fit_weight_percent=fit_weight_percent,
    )


def by_purpose(ranked):
    return {r.purpose: r for r in ranked}


def test_fit_index_weights_the_mean_need_scores():
    assert formulas.fit_index({N1: 3, N2: 5}, WEIGHTS) == pytest.approx(70)
    assert formulas.fit_index({N1: 5, N2: 0.5}, WEIGHTS) == pytest.approx(77.5)


def test_unscored_need_is_left_out_of_the_fit():
    assert formulas.fit_index({N1: 3, N2: None}, WEIGHTS) == pytest.approx(60)
    assert formulas.fit_index({N1: None, N2: None}, WEIGHTS) is None


def test_characteristics_index_inverts_risk():
    assert formulas.characteristics_index(A_CHARS) == pytest.approx(60)
    # Highest risk is the worst share, lowest risk the best.
    assert formulas.characteristic_share("risk", 5) == 0
    assert formulas.characteristic_share("risk", 1) == 1
    assert formulas.characteristic_share("magnetism", 5) == 1


def test_characteristics_index_averages_only_scored_characteristics():
    assert formulas.characteristics_index({"magnetism": 5, "risk": None}) == pytest.approx(100)
    assert formulas.characteristics_index({"risk": None}) is None


def test_overall_blends_fit_and_characteristics():
    assert formulas.overall_index(70, 60, 50) == pytest.approx(65)
    assert formulas.overall_index(70, 60, 70) == pytest.approx(67)
    assert formulas.overall_index(70, 60, 100) == pytest.approx(70)
    assert formulas.overall_index(None, 60, 50) is None


def test_worked_example_ranks_a_first():
    ranked = results()
    assert [r.purpose for r in ranked] == [A, B]
    a, b = by_purpose(ranked)[A], by_purpose(ranked)[B]
    assert (a.fit, a.characteristics, a.overall) == pytest.approx((70, 60, 65))
    assert (b.fit, b.characteristics, b.overall) == pytest.approx((77.5, 50, 63.75))


def test_fit_weight_changes_the_overall():
    a = by_purpose(results(fit_weight_percent=70))[A]
    assert a.overall == pytest.approx(67)


def test_spread_is_max_minus_min_and_three_points_is_a_disagreement():
    ranked = by_purpose(results())
    assert ranked[A].need_spreads == {N1: 2, N2: 0}
    assert ranked[B].need_spreads == {N1: 0, N2: 1}
    # 4 and 2 is how far two careful readers usually land: not flagged.
    assert not formulas.is_disagreement(ranked[A].need_spreads[N1])
    assert not formulas.is_disagreement(ranked[B].need_spreads[N2])
    assert formulas.is_disagreement(3)
    assert formulas.is_disagreement(5)
    assert not formulas.is_disagreement(None)


def test_unscored_cells_are_counted_and_do_not_count_as_zero():
    partial = [row for row in NEED_SCORES if not (row[0] == A and row[1] == N2)]
    a = by_purpose(results(need_scores=partial))[A]
    assert a.unscored_needs == 1
    assert a.need_means[N2] is None
    assert a.fit == pytest.approx(60)  # 3 of 5 on N1 alone


def test_reweighting_can_change_the_winner():
    ranked = formulas.reweighted(results(), {N1: 4, N2: 1}, 50, [A, B])
    assert [r.purpose for r in ranked] == [B, A]
    assert by_purpose(ranked)[B].overall == pytest.approx(66)
    assert by_purpose(ranked)[A].overall == pytest.approx(64)


def test_stability_counts_single_weight_changes_that_keep_the_top():
    stability = formulas.top_stability(results(), WEIGHTS, 50, [A, B])
    # N1 3→2 keeps A, N1 3→4 makes B first, N2 1→2 keeps A; N2 cannot go to 0.
    assert stability == formulas.Stability(top=A, kept=2, total=3)
    assert stability.share == pytest.approx(2 / 3)


def test_stability_with_weights_at_the_edges():
    stability = formulas.top_stability(results(), {N1: 5, N2: 5}, 50, [A, B])
    assert stability.total == 2  # each weight can only go down


def test_incomplete_purposes_rank_last_and_ties_fall_back_to_order():
    tied = formulas.round_results(
        purposes=["first", "second", "empty"],
        needs=[N1],
        weights={N1: 1},
        need_scores=[("first", N1, "x", 3), ("second", N1, "x", 3)],
        char_scores=[("first", "draw", "x", 3), ("second", "draw", "x", 3)],
        fit_weight_percent=50,
    )
    assert [r.purpose for r in tied] == ["first", "second", "empty"]
    assert tied[-1].overall is None
    assert formulas.top_stability(tied[-1:], {N1: 1}, 50, ["empty"]).total == 0


@pytest.mark.parametrize(
    ("value", "level"), [(None, None), (0, 0), (2.49, 2), (2.5, 3), (4.6, 5), (7, 5)]
)
def test_heat_level_rounds_half_up(value, level):
    assert formulas.heat_level(value) == level


def test_difference_between_rounds():
    assert formulas.difference(60, 72.5) == pytest.approx(12.5)
    assert formulas.difference(None, 72.5) is None
