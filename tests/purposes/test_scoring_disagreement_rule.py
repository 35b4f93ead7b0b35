"""A disagreement flag means something: 3 points apart, the few that matter listed first."""

from django.urls import reverse
from django_scopes import scopes_disabled

from organisations.permissions import Role
from purposes.models import CharacteristicScore, NeedScore, RoundStatus
from purposes.scoring import formulas
from tests.support.factories import (
    CommunityFactory,
    MembershipFactory,
    NeedFactory,
    PurposeFactory,
    ScoringRoundFactory,
)

SCORERS = ("a", "b", "c")


def test_the_ordinary_spread_of_three_careful_scorers_is_not_flagged():
    """3 purposes × (7 needs + 5 characteristics) = 36 cells, as in the workshop that had 32 flags.

    Every cell is the usual one step either side of the middle (2, 3, 4);
    three cells are real disagreements.
    """
    purposes, needs = ["P1", "P2", "P3"], [f"N{i}" for i in range(7)]
    real = {("P1", "N0"): (0, 3, 5), ("P2", "N3"): (1, 2, 4), ("P3", "N6"): (1, 4, 4)}
    need_scores = [
        (p, n, scorer, value)
        for p in purposes
        for n in needs
        for scorer, value in zip(SCORERS, real.get((p, n), (2, 3, 4)), strict=True)
    ]
    char_scores = [
        (p, c, scorer, value)
        for p in purposes
        for c in formulas.CHARACTERISTICS
        for scorer, value in zip(SCORERS, (2, 3, 4), strict=True)
    ]
    results = formulas.round_results(
        purposes=purposes,
        needs=needs,
        weights=dict.fromkeys(needs, 3),
        need_scores=need_scores,
        char_scores=char_scores,
        fit_weight_percent=50,
    )
    spreads = {
        (r.purpose, key): value
        for r in results
        for key, value in {**r.need_spreads, **r.char_spreads}.items()
    }
    assert len(spreads) == 36
    assert sum(1 for value in spreads.values() if value >= 2) == 36  # the old rule: all of them
    flagged = {cell for cell, value in spreads.items() if formulas.is_disagreement(value)}
    assert flagged == set(real)


def test_the_widest_come_first_then_the_higher_ranked_purpose(world):
    org = world.ours.org
    scorers = [world.ours.user(Role.EXECUTIVE), world.ours.user(Role.FACILITATOR)]
    scorers.append(MembershipFactory(organisation=org, role=Role.EXECUTIVE).user)
    # "Zeta" scores higher than "Alpha" everywhere it is agreed, so it ranks first.
    zeta = PurposeFactory(organisation=org, title="Zeta")
    alpha = PurposeFactory(organisation=org, title="Alpha")
    community = CommunityFactory(organisation=org)
    n1, n2, n3 = (
        NeedFactory(community=community, organisation=org, statement=s)
        for s in ("First need", "Second need", "Third need")
    )
    cells = {
        (zeta, n1): (5, 5, 5),
        (zeta, n2): (1, 3, 4),  # 3 apart, the first purpose
        (zeta, n3): (4, 5, 4),
        (alpha, n1): (0, 2, 5),  # 5 apart: the widest of all
        (alpha, n2): (0, 1, 3),  # 3 apart, the second purpose
        (alpha, n3): (1, 2, 3),  # 2 apart: ordinary, not listed
    }
    with scopes_disabled():
        scoring_round = ScoringRoundFactory(
            organisation=org,
            status=RoundStatus.REVEALED,
            purposes=[zeta, alpha],
            needs=[n1, n2, n3],
            executives=scorers,
        )
        NeedScore.objects.bulk_create(
            NeedScore(organisation=org, round=scoring_round, purpose=p, need=n, scorer=u, score=v)
            for (p, n), values in cells.items()
            for u, v in zip(scorers, values, strict=True)
        )
        CharacteristicScore.objects.bulk_create(
            CharacteristicScore(
                organisation=org,
                round=scoring_round,
                purpose=p,
                characteristic=c,
                scorer=u,
                score=4 if p == zeta else 2,
            )
            for p in (zeta, alpha)
            for c in formulas.CHARACTERISTICS
            for u in scorers
        )
    url = reverse("scoring:results", kwargs={"org_slug": "ours", "round_id": scoring_round.pk})
    response = world.client(scorers[0]).get(url)
    assert [row["purpose"].title for row in response.context["ranking"]] == ["Zeta", "Alpha"]
    listed = [
        (item["purpose"].title, item["criterion"], item["spread"])
        for item in response.context["disagreements"]
    ]
    assert listed == [
        ("Alpha", "First need", 5),
        ("Zeta", "Second need", 3),
        ("Alpha", "Second need", 3),
    ]
    assert "3 cells have scores 3 or more points apart" in response.text
