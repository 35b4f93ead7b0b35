"""Opening, revealing and closing rounds; the level wording page."""

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from organisations.models import Organisation
from organisations.permissions import Role
from purposes.models import CharacteristicLevel, PurposeStatus, RoundStatus, ScoringRound
from purposes.scoring.services import (
    ScoringError,
    round_close,
    round_reveal,
    round_set_fit_weight,
)
from tests.support.factories import CommunityFactory, NeedFactory, PurposeFactory
from tests.support.scoring import build_round


def _url(name, **kwargs):
    return reverse(f"scoring:{name}", kwargs={"org_slug": "ours", **kwargs})


@pytest.fixture
def material(world):
    org = world.ours.org
    shortlisted = PurposeFactory(organisation=org, status=PurposeStatus.SHORTLISTED)
    draft = PurposeFactory(organisation=org)
    community = CommunityFactory(organisation=org)
    needs = [NeedFactory(community=community, organisation=org) for _ in range(2)]
    return shortlisted, draft, needs


def test_new_round_form_ticks_shortlisted_purposes_all_needs_and_executives(world, material):
    shortlisted, _draft, needs = material
    client = world.client(world.ours.user(Role.FACILITATOR))
    form = client.get(_url("new")).context["form"]
    assert form.initial["purposes"] == [shortlisted.pk]
    assert sorted(form.initial["needs"]) == sorted(n.pk for n in needs)
    assert form.initial["executives"] == [world.ours.user(Role.EXECUTIVE).pk]
    choices = {user.pk for user in form.fields["executives"].queryset}
    # Everyone who may score can be ticked; the viewer cannot.
    assert world.ours.user(Role.FACILITATOR).pk in choices
    assert world.ours.user(Role.VIEWER).pk not in choices


def test_facilitator_opens_a_round(world, material):
    shortlisted, draft, needs = material
    client = world.client(world.ours.user(Role.FACILITATOR))
    data = {
        "name": "Round one",
        "purposes": [shortlisted.pk, draft.pk],
        "needs": [needs[0].pk],
        "executives": [world.ours.user(Role.EXECUTIVE).pk, world.ours.user(Role.FACILITATOR).pk],
        "fit_weight_percent": 60,
    }
    response = client.post(_url("new"), data)
    assert response.status_code == 302
    with scopes_disabled():
        scoring_round = ScoringRound.objects.get()
        assert scoring_round.status == RoundStatus.OPEN
        assert scoring_round.fit_weight_percent == 60
        assert set(scoring_round.purposes.values_list("pk", flat=True)) == {
            shortlisted.pk,
            draft.pk,
        }
        assert list(scoring_round.needs.values_list("pk", flat=True)) == [needs[0].pk]
        assert scoring_round.executives.count() == 2
    assert response["Location"] == _url("detail", round_id=scoring_round.pk)


@pytest.mark.parametrize("field", ["purposes", "needs", "executives"])
def test_foreign_choices_are_a_form_error_and_nothing_is_saved(world, material, field):
    shortlisted, _draft, needs = material
    foreign_org = world.foreign.org
    foreign = {
        "purposes": lambda: PurposeFactory(organisation=foreign_org).pk,
        "needs": lambda: NeedFactory(community__organisation=foreign_org).pk,
        "executives": lambda: world.foreign.user(Role.EXECUTIVE).pk,
    }[field]()
    data = {
        "name": "Sneaky",
        "purposes": [shortlisted.pk],
        "needs": [needs[0].pk],
        "executives": [world.ours.user(Role.EXECUTIVE).pk],
        "fit_weight_percent": 50,
    }
    data[field] = [*data[field], foreign]
    response = world.client(world.ours.user(Role.FACILITATOR)).post(_url("new"), data)
    assert response.status_code == 422
    assert response.context["form"].errors[field]
    with scopes_disabled():
        assert not ScoringRound.objects.exists()


@pytest.mark.parametrize("field", ["purposes", "needs", "executives"])
@pytest.mark.parametrize("huge", [10**23, -(10**23), 2**63])
def test_an_id_beyond_64_bits_gets_the_fields_message(world, material, field, huge):
    shortlisted, _draft, needs = material
    data = {
        "name": "Overflow",
        "purposes": [shortlisted.pk],
        "needs": [needs[0].pk],
        "executives": [world.ours.user(Role.EXECUTIVE).pk],
        "fit_weight_percent": 50,
    }
    data[field] = [*data[field], huge]
    response = world.client(world.ours.user(Role.FACILITATOR)).post(_url("new"), data)
    assert response.status_code == 422
    assert f"“{huge}” is not a valid value." in response.context["form"].errors[field]
    with scopes_disabled():
        assert not ScoringRound.objects.exists()


def test_viewer_cannot_be_a_scorer(world, material):
    shortlisted, _draft, needs = material
    data = {
        "name": "R",
        "purposes": [shortlisted.pk],
        "needs": [needs[0].pk],
        "executives": [world.ours.user(Role.VIEWER).pk],
        "fit_weight_percent": 50,
    }
    response = world.client(world.ours.user(Role.FACILITATOR)).post(_url("new"), data)
    assert response.status_code == 422
    with scopes_disabled():
        assert not ScoringRound.objects.exists()


def test_round_needs_purposes_and_a_sane_fit_weight(world, material):
    _s, _d, needs = material
    data = {
        "name": "R",
        "needs": [needs[0].pk],
        "executives": [world.ours.user(Role.EXECUTIVE).pk],
        "fit_weight_percent": 101,
    }
    response = world.client(world.ours.user(Role.FACILITATOR)).post(_url("new"), data)
    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"purposes", "fit_weight_percent"}


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.VIEWER])
def test_only_the_facilitator_reveals_and_closes(world, role):
    scoring_round = build_round(world.ours)
    client = world.client(world.ours.user(role))
    assert client.post(_url("reveal", round_id=scoring_round.pk)).status_code == 403
    with scopes_disabled():
        scoring_round.refresh_from_db()
    assert scoring_round.status == RoundStatus.OPEN


def test_reveal_then_close(world):
    scoring_round = build_round(world.ours)
    client = world.client(world.ours.user(Role.FACILITATOR))
    # A round must be revealed before it is closed.
    client.post(_url("close", round_id=scoring_round.pk))
    with scopes_disabled():
        scoring_round.refresh_from_db()
    assert scoring_round.status == RoundStatus.OPEN

    response = client.post(_url("reveal", round_id=scoring_round.pk), {"confirmed": "yes"})
    assert response["Location"] == _url("results", round_id=scoring_round.pk)
    with scopes_disabled():
        scoring_round.refresh_from_db()
    assert scoring_round.status == RoundStatus.REVEALED
    assert scoring_round.revealed_at is not None

    client.post(_url("close", round_id=scoring_round.pk))
    with scopes_disabled():
        scoring_round.refresh_from_db()
    assert scoring_round.status == RoundStatus.CLOSED
    # Revealing again does nothing to a closed round.
    response = client.post(
        _url("reveal", round_id=scoring_round.pk), {"confirmed": "yes"}, follow=True
    )
    assert "was already revealed; nothing changed" in response.content.decode()
    with scopes_disabled():
        scoring_round.refresh_from_db()
    assert scoring_round.status == RoundStatus.CLOSED


def test_fit_weight_changes_until_the_round_is_closed(world):
    scoring_round = build_round(world.ours, status=RoundStatus.REVEALED)
    client = world.client(world.ours.user(Role.FACILITATOR))
    client.post(_url("fit_weight", round_id=scoring_round.pk), {"fit_weight_percent": 70})
    client.post(_url("fit_weight", round_id=scoring_round.pk), {"fit_weight_percent": "lots"})
    with scopes_disabled():
        scoring_round.refresh_from_db()
        assert scoring_round.fit_weight_percent == 70
        ScoringRound.objects.filter(pk=scoring_round.pk).update(status=RoundStatus.CLOSED)
    client.post(_url("fit_weight", round_id=scoring_round.pk), {"fit_weight_percent": 20})
    with scopes_disabled():
        scoring_round.refresh_from_db()
    assert scoring_round.fit_weight_percent == 70


def test_closed_round_scoring_page_is_read_only(world):
    scoring_round = build_round(world.ours, status=RoundStatus.CLOSED)
    page = world.client(world.ours.user(Role.EXECUTIVE)).get(
        _url("score", round_id=scoring_round.pk)
    )
    assert page.status_code == 200
    assert b"no longer open" in page.content
    assert b"<fieldset disabled>" in page.content


def test_level_wording_is_stored_and_blank_means_default(world):
    client = world.client(world.ours.user(Role.FACILITATOR))
    response = client.post(
        _url("levels"), {"risk_5": "  Could end the company.  ", "draw_1": "", "evolution_3": ""}
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert list(
            CharacteristicLevel.objects.values_list("characteristic", "level", "description")
        ) == [("risk", 5, "Could end the company.")]
    # Shown on the scoring page instead of the default sentence.
    scoring_round = build_round(world.ours)
    page = world.client(world.ours.user(Role.EXECUTIVE)).get(
        _url("score", round_id=scoring_round.pk)
    )
    assert b"Could end the company." in page.content
    assert b"Severe risk that could harm" not in page.content
    # Blank again: the default is back and the row is gone.
    client.post(_url("levels"), {"risk_5": ""})
    with scopes_disabled():
        assert not CharacteristicLevel.objects.exists()


def test_level_wording_too_long_is_a_form_error(world):
    client = world.client(world.ours.user(Role.FACILITATOR))
    response = client.post(_url("levels"), {"risk_5": "x" * 301})
    assert response.status_code == 422
    with scopes_disabled():
        assert not CharacteristicLevel.objects.exists()


def test_executive_cannot_change_level_wording(world):
    response = world.client(world.ours.user(Role.EXECUTIVE)).post(_url("levels"), {"risk_5": "x"})
    assert response.status_code == 403


def test_reveal_close_and_fit_weight_move_the_organisation_data_version_on(world):
    """Cached roadmap pages show the latest revealed round: these writes must outdate them."""
    org = world.ours.org
    scoring_round = build_round(world.ours)

    def version() -> int:
        return Organisation.objects.get(pk=org.pk).data_version

    start = version()
    with scope(organisation=org):
        round_reveal(scoring_round=scoring_round)
        assert version() == start + 1
        round_set_fit_weight(scoring_round=scoring_round, fit_weight_percent=70)
        assert version() == start + 2
        round_set_fit_weight(scoring_round=scoring_round, fit_weight_percent=70)
        assert version() == start + 2  # nothing changed
        round_close(scoring_round=scoring_round)
        assert version() == start + 3
        # Refused writes change nothing.
        with pytest.raises(ScoringError):
            round_reveal(scoring_round=scoring_round)
        with pytest.raises(ScoringError):
            round_set_fit_weight(scoring_round=scoring_round, fit_weight_percent=20)
    assert version() == start + 3
