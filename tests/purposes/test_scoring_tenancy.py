"""Scoring URLs refuse another organisation's purposes, needs and rounds."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from organisations.permissions import Role
from purposes.models import NeedScore, RoundStatus
from tests.support.scoring import first_need, first_purpose, round_for


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
