"""Moving communities and needs up and down by hand."""

from django_scopes import scopes_disabled

from communities.models import Community, Need
from tests.support.communities import url
from tests.support.factories import CommunityFactory, NeedFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


def _community_names(org) -> list[str]:
    with scopes_disabled():
        return list(
            Community.objects.filter(organisation=org)
            .order_by("position", "pk")
            .values_list("name", flat=True)
        )


def _statements(community) -> list[str]:
    with scopes_disabled():
        return list(
            Need.objects.filter(community=community)
            .order_by("position", "pk")
            .values_list("statement", flat=True)
        )


def _three(org):
    return [CommunityFactory(organisation=org, name=name) for name in "ABC"]


def test_move_community_up_and_down(world, facilitator):
    a, _b, c = _three(world.ours.org)
    facilitator.post(url("community_move", world.ours.org, community_id=c.pk), {"direction": "up"})
    assert _community_names(world.ours.org) == ["A", "C", "B"]
    response = facilitator.post(
        url("community_move", world.ours.org, community_id=a.pk), {"direction": "down"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#community-{a.pk}")
    assert _community_names(world.ours.org) == ["C", "A", "B"]


def test_moving_the_first_up_or_the_last_down_changes_nothing(world, facilitator):
    a, _b, c = _three(world.ours.org)
    facilitator.post(url("community_move", world.ours.org, community_id=a.pk), {"direction": "up"})
    facilitator.post(
        url("community_move", world.ours.org, community_id=c.pk), {"direction": "down"}
    )
    assert _community_names(world.ours.org) == ["A", "B", "C"]


def test_move_works_when_positions_are_equal(world, facilitator):
    a = CommunityFactory(organisation=world.ours.org, name="A", position=0)
    CommunityFactory(organisation=world.ours.org, name="B", position=0)
    facilitator.post(
        url("community_move", world.ours.org, community_id=a.pk), {"direction": "down"}
    )
    assert _community_names(world.ours.org) == ["B", "A"]


def test_htmx_move_returns_the_list_with_the_moved_buttons_for_focus(world, facilitator):
    a, b, _c = _three(world.ours.org)
    response = facilitator.post(
        url("community_move", world.ours.org, community_id=b.pk), {"direction": "up"}, **HTMX
    )
    assert response.status_code == 200
    # htmx puts focus back on the element with the id the pressed button had.
    assert f'id="community-{b.pk}-up"' in response.text
    assert "Moved “B” up." in response.text
    html = response.text
    assert html.index(f"community-{b.pk}-name") < html.index(f"community-{a.pk}-name")


def test_first_and_last_buttons_are_marked_as_doing_nothing(world, facilitator):
    a, _b, c = _three(world.ours.org)
    html = facilitator.get(url("list", world.ours.org)).text
    up_a = html[html.index(f'id="community-{a.pk}-up"') :][:200]
    down_c = html[html.index(f'id="community-{c.pk}-down"') :][:200]
    assert 'aria-disabled="true"' in up_a
    assert 'aria-disabled="true"' in down_c


def test_bad_direction_changes_nothing(world, facilitator):
    _a, b, _c = _three(world.ours.org)
    response = facilitator.post(
        url("community_move", world.ours.org, community_id=b.pk), {"direction": "sideways"}
    )
    assert response.status_code == 302
    assert _community_names(world.ours.org) == ["A", "B", "C"]


def test_move_need_within_its_community_only(world, facilitator):
    community = CommunityFactory(organisation=world.ours.org)
    other = CommunityFactory(organisation=world.ours.org)
    first, second = (NeedFactory(community=community, statement=s) for s in ("One", "Two"))
    NeedFactory(community=other, statement="Elsewhere")

    facilitator.post(url("need_move", world.ours.org, need_id=first.pk), {"direction": "down"})
    assert _statements(community) == ["Two", "One"]
    facilitator.post(url("need_move", world.ours.org, need_id=first.pk), {"direction": "down"})
    assert _statements(community) == ["Two", "One"]
    facilitator.post(url("need_move", world.ours.org, need_id=second.pk), {"direction": "down"})
    assert _statements(community) == ["One", "Two"]
    assert _statements(other) == ["Elsewhere"]


def test_executive_cannot_reorder(world, executive):
    _a, b, _c = _three(world.ours.org)
    response = executive.post(
        url("community_move", world.ours.org, community_id=b.pk), {"direction": "up"}
    )
    assert response.status_code == 403
    assert _community_names(world.ours.org) == ["A", "B", "C"]


def test_foreign_community_or_need_cannot_be_moved(world, facilitator):
    theirs = _three(world.foreign.org)
    need = NeedFactory(community=theirs[0], statement="One")
    NeedFactory(community=theirs[0], statement="Two")
    r1 = facilitator.post(
        url("community_move", world.ours.org, community_id=theirs[1].pk), {"direction": "up"}
    )
    r2 = facilitator.post(url("need_move", world.ours.org, need_id=need.pk), {"direction": "down"})
    assert (r1.status_code, r2.status_code) == (404, 404)
    assert _community_names(world.foreign.org) == ["A", "B", "C"]
    assert _statements(theirs[0]) == ["One", "Two"]
