"""Creating, editing and deleting communities through the page."""

import pytest
from django_scopes import scopes_disabled

from communities.models import Community
from tests.support.communities import snapshot, url
from tests.support.factories import CommunityFactory, NeedFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


def _names(org) -> list[str]:
    with scopes_disabled():
        return list(
            Community.objects.filter(organisation=org)
            .order_by("position", "pk")
            .values_list("name", flat=True)
        )


def test_everyone_in_the_organisation_sees_communities_and_needs(world, viewer):
    community = CommunityFactory(organisation=world.ours.org, name="Design engineers")
    NeedFactory(community=community, statement="Right first time", weight=5)
    CommunityFactory(organisation=world.foreign.org, name="Their secret community")

    response = viewer.get(url("list", world.ours.org))

    assert response.status_code == 200
    assert "Design engineers" in response.text
    assert "Right first time" in response.text
    assert "Their secret community" not in response.text


def test_viewer_sees_no_editing_controls(world, viewer):
    CommunityFactory(organisation=world.ours.org)
    response = viewer.get(url("list", world.ours.org))
    assert "Add a community" not in response.text
    assert "Import CSV" not in response.text
    assert 'name="direction"' not in response.text


def test_facilitator_sees_editing_controls(world, facilitator):
    CommunityFactory(organisation=world.ours.org)
    response = facilitator.get(url("list", world.ours.org))
    assert "Add a community" in response.text
    assert 'name="direction"' in response.text


def test_facilitator_adds_a_community_at_the_end(world, facilitator):
    CommunityFactory(organisation=world.ours.org, name="First")
    response = facilitator.post(
        url("community_create", world.ours.org),
        {"name": "  Design engineers ", "kind": "customers", "estimated_size": "75000"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(url("list", world.ours.org))
    assert _names(world.ours.org) == ["First", "Design engineers"]
    with scopes_disabled():
        created = Community.objects.get(name="Design engineers")
    assert (created.kind, created.estimated_size) == ("customers", 75000)


def test_htmx_create_returns_the_list_fragment_with_the_message(world, facilitator):
    response = facilitator.post(
        url("community_create", world.ours.org), {"name": "Buyers", "kind": "prospects"}, **HTMX
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="community-list"')
    assert "<html" not in response.text
    assert 'hx-swap-oob="innerHTML:#messages"' in response.text
    assert "Added “Buyers”." in response.text


@pytest.mark.parametrize("htmx", [False, True])
def test_duplicate_name_is_a_form_error_whatever_the_case(world, facilitator, htmx):
    CommunityFactory(organisation=world.ours.org, name="Design engineers")
    before = snapshot(world.ours.org)
    response = facilitator.post(
        url("community_create", world.ours.org),
        {"name": "DESIGN ENGINEERS", "kind": "customers"},
        **(HTMX if htmx else {}),
    )
    assert response.status_code == 422
    assert "There is already a community called “DESIGN ENGINEERS”." in response.text
    assert snapshot(world.ours.org) == before


def test_same_name_as_another_organisations_community_is_fine(world, facilitator):
    CommunityFactory(organisation=world.foreign.org, name="Design engineers")
    response = facilitator.post(
        url("community_create", world.ours.org), {"name": "Design engineers", "kind": "customers"}
    )
    assert response.status_code == 302
    assert _names(world.ours.org) == ["Design engineers"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "kind": "customers"}, "This field is required."),
        ({"name": "X", "kind": "aliens"}, "Select a valid choice."),
        ({"name": "X", "kind": "customers", "estimated_size": "-5"}, "greater than or equal to 0"),
        ({"name": "X", "kind": "customers", "estimated_size": "9" * 12}, "less than or equal to"),
        ({"name": "x" * 121, "kind": "customers"}, "at most 120 characters"),
    ],
)
def test_bad_community_input_is_422_with_a_message_and_nothing_saved(
    world, facilitator, data, message
):
    response = facilitator.post(url("community_create", world.ours.org), data)
    assert response.status_code == 422
    assert message in response.text
    assert _names(world.ours.org) == []


def test_executive_and_viewer_cannot_create(world, executive, viewer):
    for client in (executive, viewer):
        response = client.post(
            url("community_create", world.ours.org), {"name": "Buyers", "kind": "prospects"}
        )
        assert response.status_code == 403
    assert _names(world.ours.org) == []


def test_edit_form_without_js_is_the_page_with_the_form_in_place(world, facilitator):
    community = CommunityFactory(organisation=world.ours.org, name="Buyers")
    response = facilitator.get(url("community_edit", world.ours.org, community_id=community.pk))
    assert response.status_code == 200
    assert "<html" in response.text
    assert "Edit “Buyers”" in response.text
    assert f'id="id_community{community.pk}_name"' in response.text


def test_edit_form_with_htmx_is_just_the_card(world, facilitator):
    community = CommunityFactory(organisation=world.ours.org, name="Buyers")
    response = facilitator.get(
        url("community_edit", world.ours.org, community_id=community.pk), **HTMX
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith(
        f'<article class="community-card" id="community-{community.pk}"'
    )
    assert "autofocus" in response.text


def test_facilitator_edits_a_community(world, facilitator):
    community = CommunityFactory(organisation=world.ours.org, name="Buyers")
    response = facilitator.post(
        url("community_edit", world.ours.org, community_id=community.pk),
        {"name": "Purchasing managers", "kind": "customers", "description": "Procurement"},
    )
    assert response.status_code == 302
    community.refresh_from_db()
    assert (community.name, community.kind, community.description) == (
        "Purchasing managers",
        "customers",
        "Procurement",
    )


def test_renaming_only_the_case_of_a_community_is_allowed(world, facilitator):
    community = CommunityFactory(organisation=world.ours.org, name="buyers")
    response = facilitator.post(
        url("community_edit", world.ours.org, community_id=community.pk),
        {"name": "Buyers", "kind": "customers"},
    )
    assert response.status_code == 302
    assert _names(world.ours.org) == ["Buyers"]


def test_edit_to_a_taken_name_is_a_form_error(world, facilitator):
    CommunityFactory(organisation=world.ours.org, name="Buyers")
    community = CommunityFactory(organisation=world.ours.org, name="Engineers")
    before = snapshot(world.ours.org)
    response = facilitator.post(
        url("community_edit", world.ours.org, community_id=community.pk),
        {"name": "buyers", "kind": "customers"},
        **HTMX,
    )
    assert response.status_code == 422
    assert "There is already a community called “buyers”." in response.text
    assert snapshot(world.ours.org) == before


def test_foreign_community_cannot_be_edited(world, facilitator):
    foreign = CommunityFactory(organisation=world.foreign.org, name="Theirs")
    before = snapshot(world.foreign.org)
    response = facilitator.post(
        url("community_edit", world.ours.org, community_id=foreign.pk),
        {"name": "Stolen", "kind": "customers"},
    )
    assert response.status_code == 404
    assert snapshot(world.foreign.org) == before


def test_delete_without_js_asks_first_and_deletes_on_confirmation(world, facilitator):
    community = CommunityFactory(organisation=world.ours.org, name="Buyers")
    NeedFactory(community=community)
    delete_url = url("community_delete", world.ours.org, community_id=community.pk)

    asked = facilitator.get(delete_url)
    assert asked.status_code == 200
    assert "Delete “Buyers”?" in asked.text
    assert "Its 1 need is deleted with it." in asked.text
    assert _names(world.ours.org) == ["Buyers"]

    response = facilitator.post(delete_url, {"confirmed": "yes"})
    assert response.status_code == 302
    assert snapshot(world.ours.org) == []


def test_post_without_confirmation_deletes_nothing(world, facilitator):
    community = CommunityFactory(organisation=world.ours.org, name="Buyers")
    response = facilitator.post(url("community_delete", world.ours.org, community_id=community.pk))
    assert response.status_code == 200
    assert _names(world.ours.org) == ["Buyers"]


def test_htmx_delete_returns_the_list_without_the_community(world, facilitator):
    community = CommunityFactory(organisation=world.ours.org, name="Buyers")
    CommunityFactory(organisation=world.ours.org, name="Engineers")
    response = facilitator.post(
        url("community_delete", world.ours.org, community_id=community.pk),
        {"confirmed": "yes"},
        **HTMX,
    )
    assert response.status_code == 200
    assert f'id="community-{community.pk}"' not in response.text
    assert "Deleted “Buyers” and its needs." in response.text
    assert _names(world.ours.org) == ["Engineers"]


def test_executive_cannot_delete(world, executive):
    community = CommunityFactory(organisation=world.ours.org, name="Buyers")
    response = executive.post(
        url("community_delete", world.ours.org, community_id=community.pk), {"confirmed": "yes"}
    )
    assert response.status_code == 403
    assert _names(world.ours.org) == ["Buyers"]


def test_foreign_community_cannot_be_deleted(world, facilitator):
    foreign = CommunityFactory(organisation=world.foreign.org)
    NeedFactory(community=foreign)
    before = snapshot(world.foreign.org)
    response = facilitator.post(
        url("community_delete", world.ours.org, community_id=foreign.pk), {"confirmed": "yes"}
    )
    assert response.status_code == 404
    assert snapshot(world.foreign.org) == before


def test_cancel_with_htmx_gets_the_list_with_focus_back_on_edit(world, facilitator):
    community = CommunityFactory(organisation=world.ours.org, name="Buyers")
    response = facilitator.get(
        url("list", world.ours.org) + f"?focus=community-{community.pk}-edit", **HTMX
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="community-list"')
    edit_link = response.text[response.text.index(f'id="community-{community.pk}-edit"') :]
    assert "autofocus" in edit_link[: edit_link.index(">")]


def test_unknown_focus_value_is_ignored(world, facilitator):
    CommunityFactory(organisation=world.ours.org)
    response = facilitator.get(url("list", world.ours.org) + "?focus=<script>", **HTMX)
    assert response.status_code == 200
    assert "autofocus" not in response.text
