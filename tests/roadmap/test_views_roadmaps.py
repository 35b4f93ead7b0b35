"""Roadmaps: the list, creating, editing and deleting one."""

from datetime import date

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from organisations.permissions import Role
from roadmap.models import Roadmap, RoadmapStatus
from tests.support.roadmap_factories import MilestoneFactory, PhaseFactory, RoadmapFactory

pytestmark = pytest.mark.django_db


def _url(name, tenant, **kwargs):
    return reverse(f"roadmaps:{name}", kwargs={"org_slug": tenant.org.slug, **kwargs})


def _data(**overrides):
    return {
        "title": "Community roadmap",
        "description": "Engineers first.",
        "start": "2026-01-01",
        "end": "2028-12-31",
        "status": "draft",
        "currency": "eur",
        **overrides,
    }


def test_the_list_shows_only_our_roadmaps(world):
    RoadmapFactory(organisation=world.ours.org, title="Ours to see")
    RoadmapFactory(organisation=world.foreign.org, title="Theirs to hide")
    response = world.client(world.ours.user(Role.VIEWER)).get(_url("list", world.ours))
    assert response.status_code == 200
    assert "Ours to see" in response.content.decode()
    assert "Theirs to hide" not in response.content.decode()
    assert "New roadmap" not in response.content.decode()  # a viewer cannot create


def test_a_facilitator_creates_a_roadmap_and_lands_on_its_phases(world):
    owner = world.ours.user(Role.EXECUTIVE)
    client = world.client(world.ours.user(Role.FACILITATOR))
    response = client.post(_url("create", world.ours), _data(owner=owner.pk))
    with scopes_disabled():
        roadmap = Roadmap.objects.get(title="Community roadmap")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/roadmaps/{roadmap.pk}/#phases")
    assert roadmap.organisation == world.ours.org
    assert roadmap.owner == owner
    assert roadmap.currency == "EUR"
    assert (roadmap.start, roadmap.end) == (date(2026, 1, 1), date(2028, 12, 31))


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end": "2032-01-01"}, "end", "at most five years: end it by 1 Jan 2031"),
        ({"end": "2025-12-31"}, "end", "The end must come after the start."),
        ({"title": ""}, "title", "This field is required."),
        ({"currency": "E1"}, "currency", "three-letter ISO 4217 code"),
        ({"status": "secret"}, "status", "Select a valid choice"),
        ({"start": "0001-01-01", "end": "0003-01-01"}, "start", "between 1900 and 2199"),
        ({"start": "9998-01-01", "end": "9999-12-31"}, "start", "between 1900 and 2199"),
    ],
)
def test_bad_input_is_refused_with_a_message_on_its_field(world, overrides, field, message):
    client = world.client(world.ours.user(Role.FACILITATOR))
    response = client.post(_url("create", world.ours), _data(**overrides))
    assert response.status_code == 422
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert f'id="id_{field}_error"' in response.content.decode()
    with scopes_disabled():
        assert not Roadmap.objects.exists()


def test_an_owner_from_another_organisation_is_refused(world):
    client = world.client(world.ours.user(Role.FACILITATOR))
    stranger = world.foreign.user(Role.ADMIN)
    response = client.post(_url("create", world.ours), _data(owner=stranger.pk))
    assert response.status_code == 422
    assert "owner" in response.context["form"].errors
    with scopes_disabled():
        assert not Roadmap.objects.exists()


def test_editing_saves_and_shrinking_past_a_phase_is_refused(world):
    roadmap = RoadmapFactory(organisation=world.ours.org)
    PhaseFactory(roadmap=roadmap, name="Scale", start=date(2028, 1, 1), end=date(2028, 12, 31))
    client = world.client(world.ours.user(Role.ADMIN))

    response = client.post(
        _url("edit", world.ours, roadmap_id=roadmap.pk),
        _data(title="Renamed", status=RoadmapStatus.PROPOSED),
    )
    assert response.status_code == 302
    roadmap.refresh_from_db()
    assert (roadmap.title, roadmap.status) == ("Renamed", RoadmapStatus.PROPOSED)

    response = client.post(_url("edit", world.ours, roadmap_id=roadmap.pk), _data(end="2027-06-30"))
    assert response.status_code == 422
    assert "“Scale” (1 Jan 2028 to 31 Dec 2028) would lie outside" in response.content.decode()
    roadmap.refresh_from_db()
    assert roadmap.end == date(2028, 12, 31)


def test_delete_asks_first_then_deletes_with_everything_in_it(world):
    roadmap = RoadmapFactory(organisation=world.ours.org, title="Old plan")
    MilestoneFactory(roadmap=roadmap)
    client = world.client(world.ours.user(Role.FACILITATOR))
    url = _url("delete", world.ours, roadmap_id=roadmap.pk)

    page = client.get(url)
    assert page.status_code == 200
    assert "Delete the roadmap “Old plan”?" in page.content.decode()
    assert "1 milestone" in page.content.decode()
    assert client.post(url).status_code == 200  # not confirmed: still asks
    with scopes_disabled():
        assert Roadmap.objects.filter(pk=roadmap.pk).exists()

    response = client.post(url, {"confirmed": "yes"})
    assert response.status_code == 302
    assert response["Location"] == _url("list", world.ours)
    with scopes_disabled():
        assert not Roadmap.objects.filter(pk=roadmap.pk).exists()


def test_an_executive_may_read_but_not_change_a_roadmap(world):
    roadmap = RoadmapFactory(organisation=world.ours.org)
    client = world.client(world.ours.user(Role.EXECUTIVE))
    page = client.get(_url("detail", world.ours, roadmap_id=roadmap.pk))
    assert page.status_code == 200
    assert "Edit roadmap" not in page.content.decode()
    assert 'id="roadmap-dialog"' not in page.content.decode()
    assert client.post(_url("edit", world.ours, roadmap_id=roadmap.pk), _data()).status_code == 403


def test_the_header_links_to_roadmaps(world):
    client = world.client(world.ours.user(Role.VIEWER))
    page = client.get(_url("list", world.ours)).content.decode()
    assert f'<a href="{_url("list", world.ours)}" aria-current="page">Roadmaps</a>' in page
