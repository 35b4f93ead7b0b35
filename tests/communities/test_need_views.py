"""Adding, editing and deleting needs within a community."""

import pytest
from django_scopes import scopes_disabled

from communities.models import Need
from tests.support.communities import snapshot, url
from tests.support.factories import CommunityFactory, NeedFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


def _needs(community) -> list[tuple]:
    with scopes_disabled():
        return list(
            Need.objects.filter(community=community)
            .order_by("position", "pk")
            .values_list("statement", "weight", "evidence")
        )


@pytest.fixture
def community(world):
    return CommunityFactory(organisation=world.ours.org, name="Design engineers")


def test_facilitator_adds_needs_in_order(world, facilitator, community):
    create = url("need_create", world.ours.org, community_id=community.pk)
    facilitator.post(create, {"statement": "Right first time", "weight": "5", "evidence": "Survey"})
    response = facilitator.post(create, {"statement": "Free tools", "weight": "4"})
    assert response.status_code == 302
    assert _needs(community) == [("Right first time", 5, "Survey"), ("Free tools", 4, "")]
    with scopes_disabled():
        assert {n.organisation_id for n in Need.objects.all()} == {world.ours.org.pk}


def test_htmx_add_need_returns_the_list_and_keeps_the_form_open_for_the_next(
    world, facilitator, community
):
    response = facilitator.post(
        url("need_create", world.ours.org, community_id=community.pk),
        {"statement": "Right first time", "weight": "5"},
        **HTMX,
    )
    assert response.status_code == 200
    assert "Right first time" in response.text
    assert f'id="id_community{community.pk}_new_need_statement"' in response.text
    assert '<details class="add-need" open>' in response.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"statement": "Fast", "weight": "7"}, "Select a valid choice. 7 is not one of"),
        ({"statement": "Fast", "weight": "x"}, "Select a valid choice."),
        ({"statement": "", "weight": "3"}, "This field is required."),
        ({"statement": "Fast", "weight": "3", "evidence": "e" * 2001}, "at most 2000"),
    ],
)
def test_bad_need_input_is_422_and_saves_nothing(world, facilitator, community, data, message):
    response = facilitator.post(url("need_create", world.ours.org, community_id=community.pk), data)
    assert response.status_code == 422
    assert message in response.text
    assert _needs(community) == []


def test_duplicate_need_in_the_same_community_is_a_form_error(world, facilitator, community):
    NeedFactory(community=community, statement="Right first time")
    response = facilitator.post(
        url("need_create", world.ours.org, community_id=community.pk),
        {"statement": "right FIRST time", "weight": "2"},
    )
    assert response.status_code == 422
    assert "“Design engineers” already has this need." in response.text
    assert len(_needs(community)) == 1


def test_same_need_in_another_community_is_fine(world, facilitator, community):
    other = CommunityFactory(organisation=world.ours.org)
    NeedFactory(community=other, statement="Right first time")
    response = facilitator.post(
        url("need_create", world.ours.org, community_id=community.pk),
        {"statement": "Right first time", "weight": "2"},
    )
    assert response.status_code == 302


def test_executive_cannot_add_a_need(world, executive, community):
    response = executive.post(
        url("need_create", world.ours.org, community_id=community.pk),
        {"statement": "Fast", "weight": "3"},
    )
    assert response.status_code == 403
    assert _needs(community) == []


def test_need_cannot_be_added_to_a_foreign_community(world, facilitator):
    foreign = CommunityFactory(organisation=world.foreign.org)
    response = facilitator.post(
        url("need_create", world.ours.org, community_id=foreign.pk),
        {"statement": "Planted", "weight": "3"},
    )
    assert response.status_code == 404
    assert _needs(foreign) == []


def test_facilitator_edits_a_need(world, facilitator, community):
    need = NeedFactory(community=community, statement="Fast", weight=2)
    response = facilitator.post(
        url("need_edit", world.ours.org, need_id=need.pk),
        {"statement": "Next-day samples", "weight": "4", "evidence": "Survey 2024"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#need-{need.pk}")
    assert _needs(community) == [("Next-day samples", 4, "Survey 2024")]


def test_htmx_need_edit_form_is_just_the_item(world, facilitator, community):
    need = NeedFactory(community=community, statement="Fast")
    response = facilitator.get(url("need_edit", world.ours.org, need_id=need.pk), **HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<li class="need editing" id="need-{need.pk}"')


def test_htmx_invalid_need_edit_returns_the_item_with_errors(world, facilitator, community):
    NeedFactory(community=community, statement="Taken")
    need = NeedFactory(community=community, statement="Fast", weight=2)
    response = facilitator.post(
        url("need_edit", world.ours.org, need_id=need.pk),
        {"statement": "taken", "weight": "3"},
        **HTMX,
    )
    assert response.status_code == 422
    assert response.text.lstrip().startswith(f'<li class="need editing" id="need-{need.pk}"')
    assert "already has this need" in response.text
    assert ("Fast", 2, "") in _needs(community)


def test_foreign_need_cannot_be_edited_or_deleted(world, facilitator):
    foreign = NeedFactory(community__organisation=world.foreign.org, statement="Theirs")
    before = snapshot(world.foreign.org)
    edit = facilitator.post(
        url("need_edit", world.ours.org, need_id=foreign.pk), {"statement": "X", "weight": "1"}
    )
    delete = facilitator.post(
        url("need_delete", world.ours.org, need_id=foreign.pk), {"confirmed": "yes"}
    )
    assert (edit.status_code, delete.status_code) == (404, 404)
    assert snapshot(world.foreign.org) == before


def test_delete_need_asks_without_js_then_deletes(world, facilitator, community):
    need = NeedFactory(community=community, statement="Fast")
    NeedFactory(community=community, statement="Cheap")
    delete_url = url("need_delete", world.ours.org, need_id=need.pk)
    asked = facilitator.get(delete_url)
    assert asked.status_code == 200
    assert "Delete this need?" in asked.text
    assert len(_needs(community)) == 2

    response = facilitator.post(delete_url, {"confirmed": "yes"}, **HTMX)
    assert response.status_code == 200
    assert "Deleted the need “Fast” of “Design engineers”." in response.text
    assert [n[0] for n in _needs(community)] == ["Cheap"]


def test_viewer_cannot_delete_a_need(world, viewer, community):
    need = NeedFactory(community=community)
    response = viewer.post(
        url("need_delete", world.ours.org, need_id=need.pk), {"confirmed": "yes"}
    )
    assert response.status_code == 403
    assert len(_needs(community)) == 1
