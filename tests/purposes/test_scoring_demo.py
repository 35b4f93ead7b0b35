"""The demo round: revealed, complete, with real disagreements, loaded once."""

from django_scopes import scope, scopes_disabled

from organisations.permissions import Role
from purposes.models import CharacteristicScore, NeedScore, PurposeStatus, ScoringRound
from purposes.scoring import demo as scoring_demo
from purposes.scoring import formulas
from tests.support.factories import (
    CommunityFactory,
    MembershipFactory,
    NeedFactory,
    OrganisationFactory,
    PurposeFactory,
    UserFactory,
)


def _demo_org(slug="demo-co", purposes=True):
    org = OrganisationFactory(slug=slug)
    for email in [*scoring_demo.EXECUTIVE_EMAILS, scoring_demo.FACILITATOR_EMAIL]:
        user = UserFactory(email=email.replace("demo.example", f"{slug}.example"))
        MembershipFactory(organisation=org, user=user, role=Role.EXECUTIVE)
    if purposes:
        for status in ["chosen", "chosen", "shortlisted", "shortlisted", "draft", "retired"]:
            PurposeFactory(organisation=org, status=status)
    community = CommunityFactory(organisation=org)
    for _ in range(12):
        NeedFactory(community=community, organisation=org)
    return org


def test_demo_round_is_revealed_complete_and_loaded_once(db, monkeypatch):
    monkeypatch.setattr(
        scoring_demo,
        "EXECUTIVE_EMAILS",
        [e.replace("demo.example", "demo-co.example") for e in scoring_demo.EXECUTIVE_EMAILS],
    )
    org = _demo_org()
    scoring_demo.load(org)
    scoring_demo.load(org)
    with scope(organisation=org):
        scoring_round = ScoringRound.objects.get()
        assert scoring_round.name == "Workshop round 1"
        assert scoring_round.status == "revealed"
        statuses = set(scoring_round.purposes.values_list("status", flat=True))
        assert statuses == {PurposeStatus.CHOSEN, PurposeStatus.SHORTLISTED}
        assert scoring_round.purposes.count() == 4
        assert scoring_round.needs.count() == 12
        assert scoring_round.executives.count() == 5
        rows = list(NeedScore.objects.values_list("purpose_id", "need_id", "scorer_id", "score"))
        assert len(rows) == 4 * 12 * 5
        assert CharacteristicScore.objects.count() == 4 * 5 * 5
    spreads = [
        value
        for (_cell, scores) in formulas.group_scores(rows).items()
        for value in [formulas.spread(scores)]
    ]
    assert sum(1 for value in spreads if formulas.is_disagreement(value)) >= 3
    assert all(0 <= score <= 5 for *_key, score in rows)


def test_demo_scores_are_the_same_every_time(db, monkeypatch):
    monkeypatch.setattr(
        scoring_demo,
        "EXECUTIVE_EMAILS",
        [e.replace("demo.example", "demo-co.example") for e in scoring_demo.EXECUTIVE_EMAILS],
    )
    org = _demo_org()
    loads = []
    for _ in range(2):
        scoring_demo.load(org)
        with scopes_disabled():
            loads.append(
                list(
                    NeedScore.objects.order_by("purpose", "need", "scorer").values_list(
                        "purpose", "need", "scorer", "score"
                    )
                )
            )
            ScoringRound.objects.all().delete()
    assert loads[0] == loads[1]
    assert len({score for *_key, score in loads[0]}) >= 4  # not all the same number


def test_demo_does_nothing_without_purposes(db):
    org = _demo_org("empty-co", purposes=False)
    scoring_demo.load(org)
    with scopes_disabled():
        assert not ScoringRound.objects.filter(organisation=org).exists()
