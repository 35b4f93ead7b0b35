"""The write services on their own: keyword-only, one organisation at a time."""

import pytest
from django_scopes import scopes_disabled

from common.limits import MAX_COMMUNITIES, MAX_NEEDS
from communities import services
from tests.support.communities import snapshot
from tests.support.factories import CommunityFactory, NeedFactory


def test_services_take_keyword_arguments_only(world):
    with pytest.raises(TypeError):
        services.community_create(world.ours.org, "A", "customers")  # type: ignore[misc]


def test_create_refuses_a_taken_name_ignoring_case(world):
    CommunityFactory(organisation=world.ours.org, name="Buyers")
    with pytest.raises(services.DuplicateName):
        services.community_create(organisation=world.ours.org, name=" BUYERS ", kind="customers")


def test_create_puts_the_community_last(world):
    CommunityFactory(organisation=world.ours.org, position=7)
    created = services.community_create(organisation=world.ours.org, name="B", kind="other")
    assert created.position == 8


@pytest.mark.parametrize(
    "call",
    [
        lambda org, c, n: services.community_update(
            organisation=org, community=c, name="Stolen", kind="other"
        ),
        lambda org, c, n: services.community_delete(organisation=org, community=c),
        lambda org, c, n: services.community_move(organisation=org, community=c, direction="up"),
        lambda org, c, n: services.need_create(
            organisation=org, community=c, statement="Planted", weight=3
        ),
        lambda org, c, n: services.need_update(
            organisation=org, need=n, statement="Stolen", weight=1
        ),
        lambda org, c, n: services.need_delete(organisation=org, need=n),
        lambda org, c, n: services.need_move(organisation=org, need=n, direction="down"),
    ],
)
def test_services_refuse_another_organisations_community_or_need(world, call):
    theirs = CommunityFactory(organisation=world.foreign.org, name="Theirs")
    CommunityFactory(organisation=world.foreign.org, name="Also theirs")
    need = NeedFactory(community=theirs, statement="One")
    NeedFactory(community=theirs, statement="Two")
    before = snapshot(world.foreign.org)
    with pytest.raises(services.WrongOrganisation):
        call(world.ours.org, theirs, need)
    assert snapshot(world.foreign.org) == before
    assert snapshot(world.ours.org) == []


def test_delete_community_deletes_its_needs(world):
    community = CommunityFactory(organisation=world.ours.org)
    NeedFactory(community=community)
    services.community_delete(organisation=world.ours.org, community=community)
    assert snapshot(world.ours.org) == []


def test_move_returns_whether_anything_moved(world):
    a = CommunityFactory(organisation=world.ours.org, name="A")
    CommunityFactory(organisation=world.ours.org, name="B")
    assert (
        services.community_move(organisation=world.ours.org, community=a, direction="up") is False
    )
    assert services.community_move(organisation=world.ours.org, community=a, direction="down")
    with scopes_disabled():
        a.refresh_from_db()
    assert a.position == 1


def test_need_update_refuses_a_statement_another_need_has(world):
    community = CommunityFactory(organisation=world.ours.org)
    NeedFactory(community=community, statement="Taken")
    need = NeedFactory(community=community, statement="Mine")
    with pytest.raises(services.DuplicateName):
        services.need_update(organisation=world.ours.org, need=need, statement="TAKEN", weight=2)


def test_needs_and_communities_stop_at_the_organisations_limits(world):
    org = world.ours.org
    community = CommunityFactory(organisation=org)
    NeedFactory.create_batch(MAX_NEEDS, community=community, organisation=org)
    with pytest.raises(services.TooMany, match=f"at most {MAX_NEEDS} needs"):
        services.need_create(organisation=org, community=community, statement="One more", weight=3)
    CommunityFactory.create_batch(MAX_COMMUNITIES - 1, organisation=org)
    with pytest.raises(services.TooMany, match=f"at most {MAX_COMMUNITIES} communities"):
        services.community_create(organisation=org, name="One more", kind="customers")
