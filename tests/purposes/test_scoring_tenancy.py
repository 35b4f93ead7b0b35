"""Scoring URLs and another organisation's objects; helpers for tenancy_cases.py."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from organisations.permissions import Perm, Role, role_has
from purposes.models import NeedScore, RoundStatus, ScoringRound
from tests.factories import (
    CommunityFactory,
    MembershipFactory,
    NeedFactory,
    PurposeFactory,
    ScoringRoundFactory,
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


def test_round_for_keeps_everything_in_one_organisation(world):
    scoring_round = round_for(world.ours)
    with scopes_disabled():
        assert {p.organisation_id for p in scoring_round.purposes.all()} == {world.ours.org.pk}
        assert {n.organisation_id for n in scoring_round.needs.all()} == {world.ours.org.pk}
    assert round_for(world.ours).pk == scoring_round.pk


def _save_url(tenant, scoring_round):
    return reverse(
        "scoring:save", kwargs={"org_slug": tenant.org.slug, "round_id": scoring_round.pk}
    )


@pytest.mark.parametrize("which", ["purpose", "need"])
def test_saving_against_a_foreign_purpose_or_need_is_refused(world, which):
    ours, foreign = world.ours, world.foreign
    data = {"purpose": first_purpose(ours).pk, "need": first_need(ours).pk, "score": 3}
    data[which] = (first_purpose if which == "purpose" else first_need)(foreign).pk
    client = world.client(ours.user(Role.EXECUTIVE))
    response = client.post(_save_url(ours, round_for(ours)), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert b"not part of this round" in response.content
    with scopes_disabled():
        assert not NeedScore.objects.exists()


def test_foreign_round_in_our_url_is_404_even_with_its_own_data(world):
    ours, foreign = world.ours, world.foreign
    data = {"purpose": first_purpose(foreign).pk, "need": first_need(foreign).pk, "score": 3}
    client = world.client(ours.user(Role.ADMIN))
    response = client.post(_save_url(ours, round_for(foreign)), data)
    assert response.status_code == 404
    with scopes_disabled():
        assert not NeedScore.objects.exists()


def test_purpose_of_another_round_cannot_change_status_here(world):
    ours = world.ours
    revealed = round_for(ours, RoundStatus.REVEALED)
    other = first_purpose(ours, RoundStatus.OPEN)
    url = reverse(
        "scoring:purpose_status",
        kwargs={"org_slug": ours.org.slug, "round_id": revealed.pk, "purpose_id": other.pk},
    )
    response = world.client(ours.user(Role.FACILITATOR)).post(url, {"status": "chosen"})
    assert response.status_code == 404
    with scopes_disabled():
        other.refresh_from_db()
    assert other.status == "draft"


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
