"""Scoring rounds for tests: one per tenant and status, or one of a given size, and its scores."""

from django_scopes import scopes_disabled

from organisations.permissions import Perm, Role, role_has
from purposes.models import CharacteristicScore, NeedScore, RoundStatus, ScoringRound
from tests.support.factories import (
    CommunityFactory,
    MembershipFactory,
    NeedFactory,
    PurposeFactory,
    ScoringRoundFactory,
    UserFactory,
)

SCORERS = [role for role in Role.values if role_has(role, Perm.SCORE)]


def round_for(tenant, status: str = RoundStatus.OPEN) -> ScoringRound:
    """One round per tenant and status, scored by every member who may score."""
    name = f"Tenancy round ({status})"
    with scopes_disabled():
        existing = ScoringRound.objects.filter(organisation=tenant.org, name=name).first()
        if existing is not None:
            return existing
    org = tenant.org
    # ScoringRoundFactory sets the M2M rows after _create, outside its own
    # scopes_disabled(): give it one.
    with scopes_disabled():
        return ScoringRoundFactory(
            organisation=org,
            name=name,
            status=status,
            purposes=[PurposeFactory(organisation=org) for _ in range(2)],
            needs=[NeedFactory(community__organisation=org) for _ in range(2)],
            executives=[tenant.user(role) for role in SCORERS],
        )


def first_purpose(tenant, status: str = RoundStatus.OPEN):
    with scopes_disabled():
        return round_for(tenant, status).purposes.order_by("pk").first()


def first_need(tenant, status: str = RoundStatus.OPEN):
    with scopes_disabled():
        return round_for(tenant, status).needs.order_by("pk").first()


def build_round(tenant, *, purposes=2, needs=3, extra_scorers=0, status=RoundStatus.OPEN):
    """A round of a given size in ``tenant``: its executive and facilitator score, plus extras."""
    org = tenant.org
    scorers = [tenant.user(Role.EXECUTIVE), tenant.user(Role.FACILITATOR)]
    scorers += [
        MembershipFactory(organisation=org, role=Role.EXECUTIVE).user for _ in range(extra_scorers)
    ]
    community = CommunityFactory(organisation=org)
    with scopes_disabled():
        return ScoringRoundFactory(
            organisation=org,
            status=status,
            purposes=[PurposeFactory(organisation=org) for _ in range(purposes)],
            needs=[
                NeedFactory(community=community, organisation=org, weight=1 + i % 5)
                for i in range(needs)
            ],
            executives=scorers,
        )


def score_every_cell(scoring_round, seed: int = 0) -> None:
    """Every scorer scores every cell."""
    with scopes_disabled():
        purposes = list(scoring_round.purposes.all())
        needs = list(scoring_round.needs.all())
        scorers = list(scoring_round.executives.all())
        org = scoring_round.organisation
        NeedScore.objects.bulk_create(
            NeedScore(
                organisation=org,
                round=scoring_round,
                purpose=p,
                need=n,
                scorer=u,
                score=(seed + i + j + k) % 6,
            )
            for i, p in enumerate(purposes)
            for j, n in enumerate(needs)
            for k, u in enumerate(scorers)
        )
        CharacteristicScore.objects.bulk_create(
            CharacteristicScore(
                organisation=org,
                round=scoring_round,
                purpose=p,
                characteristic=c,
                scorer=u,
                score=1 + (i + j + k) % 5,
            )
            for i, p in enumerate(purposes)
            for j, c in enumerate(["magnetism", "draw", "org_value", "risk", "evolution"])
            for k, u in enumerate(scorers)
        )


def score_first(scoring_round, scorer, count: int, score: int = 3) -> None:
    """``scorer`` enters the first ``count`` of their scores (needs, then characteristics).

    The same ``score`` everywhere: for tests of who finished, not of the results.
    """
    with scopes_disabled():
        purposes = list(scoring_round.purposes.order_by("pk"))
        needs = list(scoring_round.needs.order_by("pk"))
        org = scoring_round.organisation
        need_rows = [
            NeedScore(
                organisation=org,
                round=scoring_round,
                purpose=p,
                need=n,
                scorer=scorer,
                score=score,
            )
            for p in purposes
            for n in needs
        ]
        char_rows = [
            CharacteristicScore(
                organisation=org,
                round=scoring_round,
                purpose=p,
                characteristic=c,
                scorer=scorer,
                score=max(1, score),
            )
            for p in purposes
            for c in ["magnetism", "draw", "org_value", "risk", "evolution"]
        ]
        rows = (need_rows + char_rows)[:count]
        NeedScore.objects.bulk_create([r for r in rows if isinstance(r, NeedScore)])
        CharacteristicScore.objects.bulk_create(
            [r for r in rows if isinstance(r, CharacteristicScore)]
        )


# 2 purposes × (3 needs + 5 characteristics): what each scorer of ``round_of_three`` owes.
SCORES_OWED = 16


def _person(tenant, first: str, last: str):
    user = UserFactory(
        first_name=first, last_name=last, email=f"{first.lower()}@{tenant.org.slug}.example"
    )
    MembershipFactory(organisation=tenant.org, role=Role.EXECUTIVE, user=user)
    return user


def round_of_three(
    tenant, *, tom: int = SCORES_OWED - 2, grace: int = 0, status: str = RoundStatus.OPEN
) -> ScoringRound:
    """ "Board workshop": Maria Lopez finished; Tom Becker and Grace Okafor entered
    ``tom`` and ``grace`` of their ``SCORES_OWED`` scores."""
    org = tenant.org
    maria = _person(tenant, "Maria", "Lopez")
    tom_user = _person(tenant, "Tom", "Becker")
    grace_user = _person(tenant, "Grace", "Okafor")
    community = CommunityFactory(organisation=org)
    with scopes_disabled():
        scoring_round = ScoringRoundFactory(
            organisation=org,
            name="Board workshop",
            status=status,
            purposes=[PurposeFactory(organisation=org) for _ in range(2)],
            needs=[NeedFactory(community=community, organisation=org) for _ in range(3)],
            executives=[maria, tom_user, grace_user],
        )
    score_first(scoring_round, maria, SCORES_OWED)
    score_first(scoring_round, tom_user, tom)
    score_first(scoring_round, grace_user, grace)
    return scoring_round
