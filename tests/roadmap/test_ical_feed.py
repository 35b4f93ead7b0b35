"""The iCalendar feed: a secret URL that calendar apps subscribe to, revocable at once."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django_scopes import scopes_disabled
from icalendar import Calendar

from organisations.permissions import Role
from roadmap.exchange import ical
from roadmap.models import Milestone, Roadmap
from tests.support.factories import CommunityFactory, PurposeFactory
from tests.support.roadmap_builders import build_roadmap_for_export
from tests.support.roadmap_factories import (
    MilestoneDependencyFactory,
    MilestoneFactory,
    RoadmapFactory,
)

pytestmark = pytest.mark.django_db


def _settings_url(roadmap) -> str:
    return reverse(
        "roadmap_exchange:calendar",
        kwargs={"org_slug": roadmap.organisation.slug, "roadmap_id": roadmap.pk},
    )


def _feed_url(token: str) -> str:
    return reverse("calendar:feed", kwargs={"token": token})


def _token(roadmap) -> str | None:
    return Roadmap.objects.with_scopes_disabled().get(pk=roadmap.pk).ical_token


def _act(client, roadmap, action: str, **extra):
    return client.post(_settings_url(roadmap), {"action": action}, **extra)


@pytest.fixture
def roadmap(world):
    roadmap = RoadmapFactory(organisation=world.ours.org, title="Engineers' roadmap")
    owner = world.ours.user(Role.FACILITATOR)
    purpose = PurposeFactory(organisation=world.ours.org, title="Right first time")
    community = CommunityFactory(organisation=world.ours.org, name="Design engineers")
    first = MilestoneFactory(
        roadmap=roadmap,
        title="First 500 engineers",
        start=date(2026, 3, 15),
        owner=owner,
        purpose=purpose,
        community=community,
    )
    MilestoneFactory(
        roadmap=roadmap,
        title="Supplier data leak",
        start=date(2026, 4, 1),
        end=date(2026, 4, 30),
        risk=True,
        mitigation="",
        impact=5,
        review_date=date(2026, 6, 1),
    )
    last = MilestoneFactory(
        roadmap=roadmap, title="Forum hosting", start=date(2026, 5, 1), investment=True
    )
    MilestoneDependencyFactory(predecessor=first, successor=last)
    return roadmap


@pytest.fixture
def facilitator(world):
    return world.client(world.ours.user(Role.FACILITATOR))


def _events(response) -> dict:
    calendar = Calendar.from_ical(response.content)
    return {str(event["summary"]): event for event in calendar.walk("VEVENT")}


def test_a_facilitator_turns_the_feed_on_and_a_calendar_app_reads_it(world, roadmap, facilitator):
    response = _act(facilitator, roadmap, "create")
    assert response.status_code == 302
    token = _token(roadmap)
    assert token and len(token) >= 43
    page = facilitator.get(_settings_url(roadmap)).content.decode()
    assert f"http://testserver/calendar/{token}.ics" in page
    assert f"webcal://testserver/calendar/{token}.ics" in page

    feed = world.client(None).get(_feed_url(token))
    assert feed.status_code == 200
    assert feed["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in feed["Cache-Control"]
    assert "private" in feed["Cache-Control"]
    calendar = Calendar.from_ical(feed.content)
    assert str(calendar["X-WR-CALNAME"]) == "Engineers' roadmap · Ours Ltd"
    assert b"X-PUBLISHED-TTL:PT1H" in feed.content
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in feed.content
    events = _events(feed)
    assert set(events) == {
        "Community: First 500 engineers",
        "Risk: Supplier data leak",
        "Investment: Forum hosting",
    }


def test_events_are_all_day_with_an_exclusive_end(roadmap, facilitator, world):
    _act(facilitator, roadmap, "create")
    events = _events(world.client(None).get(_feed_url(_token(roadmap))))
    day = events["Community: First 500 engineers"]
    assert day.decoded("dtstart") == date(2026, 3, 15)
    assert day.decoded("dtend") == date(2026, 3, 16)
    assert day["DTSTART"].params["VALUE"] == "DATE"
    stretch = events["Risk: Supplier data leak"]
    assert stretch.decoded("dtstart") == date(2026, 4, 1)
    assert stretch.decoded("dtend") == date(2026, 4, 30) + timedelta(days=1)
    assert str(day["TRANSP"]) == "TRANSPARENT"


def test_descriptions_carry_the_kinds_details_status_and_owner(roadmap, facilitator, world):
    _act(facilitator, roadmap, "create")
    events = _events(world.client(None).get(_feed_url(_token(roadmap))))
    community = str(events["Community: First 500 engineers"]["DESCRIPTION"])
    assert "Target: 500 (Members)." in community
    assert "Status: Planned." in community
    assert f"Owner: {world.ours.user(Role.FACILITATOR).display_name}." in community
    assert "Purpose: Right first time." in community
    assert "Community: Design engineers." in community
    risk = str(events["Risk: Supplier data leak"]["DESCRIPTION"])
    assert "likelihood 3 of 5, impact 5 of 5" in risk
    assert "No mitigation yet." in risk
    assert "Review on 2026-06-01." in risk
    assert "Nobody owns this milestone yet." in risk
    investment = str(events["Investment: Forum hosting"]["DESCRIPTION"])
    assert "Investment: 10,000 EUR (Platform)." in investment
    assert "Depends on: First 500 engineers." in investment


def test_event_uids_are_stable_and_links_lead_to_the_roadmap(roadmap, facilitator, world):
    _act(facilitator, roadmap, "create")
    url = _feed_url(_token(roadmap))
    first = _events(world.client(None).get(url))
    second = _events(world.client(None).get(url))
    uids = {str(event["UID"]) for event in first.values()}
    assert uids == {str(event["UID"]) for event in second.values()}
    assert len(uids) == 3
    assert all(uid.endswith("@testserver") for uid in uids)
    try:
        page = reverse("roadmaps:detail", kwargs={"org_slug": "ours", "roadmap_id": roadmap.pk})
    except NoReverseMatch:
        pytest.skip("the roadmap page does not exist yet")
    event = first["Community: First 500 engineers"]
    assert str(event["URL"]) == f"http://testserver{page}"


def test_the_feed_answers_head_requests(roadmap, facilitator, world):
    _act(facilitator, roadmap, "create")
    assert world.client(None).head(_feed_url(_token(roadmap))).status_code == 200


def test_a_revoked_feed_is_gone_at_once(roadmap, facilitator, world):
    _act(facilitator, roadmap, "create")
    url = _feed_url(_token(roadmap))
    assert world.client(None).get(url).status_code == 200
    assert _act(facilitator, roadmap, "revoke").status_code == 302
    assert _token(roadmap) is None
    assert world.client(None).get(url).status_code == 404
    assert "The feed is off" in facilitator.get(_settings_url(roadmap)).content.decode()


def test_rotating_retires_the_old_address_and_the_new_one_works(roadmap, facilitator, world):
    _act(facilitator, roadmap, "create")
    old = _token(roadmap)
    _act(facilitator, roadmap, "rotate")
    new = _token(roadmap)
    assert new != old
    assert world.client(None).get(_feed_url(old)).status_code == 404
    assert world.client(None).get(_feed_url(new)).status_code == 200


def test_creating_twice_keeps_the_address(roadmap, facilitator):
    _act(facilitator, roadmap, "create")
    token = _token(roadmap)
    _act(facilitator, roadmap, "create")
    assert _token(roadmap) == token


def test_the_token_never_appears_in_another_organisations_pages(roadmap, facilitator, world):
    _act(facilitator, roadmap, "create")
    token = _token(roadmap)
    theirs = RoadmapFactory(organisation=world.foreign.org)
    foreign_admin = world.client(world.foreign.user(Role.ADMIN))
    _act(foreign_admin, theirs, "create")
    pages = [
        foreign_admin.get(_settings_url(theirs)),
        foreign_admin.get(reverse("roadmap_exchange:import", kwargs={"org_slug": "foreign"})),
        foreign_admin.get(
            reverse(
                "roadmap_exchange:export_json",
                kwargs={"org_slug": "foreign", "roadmap_id": theirs.pk},
            )
        ),
        foreign_admin.get(
            reverse(
                "roadmap_exchange:milestones_csv",
                kwargs={"org_slug": "foreign", "roadmap_id": theirs.pk},
            )
        ),
        # Our roadmap's settings asked for from the foreign organisation, and directly.
        foreign_admin.get(
            reverse(
                "roadmap_exchange:calendar",
                kwargs={"org_slug": "foreign", "roadmap_id": roadmap.pk},
            )
        ),
        foreign_admin.get(_settings_url(roadmap)),
        world.client(world.ours.user(Role.VIEWER)).get(_settings_url(roadmap)),
    ]
    assert [p.status_code for p in pages] == [200, 200, 200, 200, 404, 404, 403]
    for response in pages:
        assert token not in response.content.decode()
    assert _token(theirs) != token


@pytest.mark.parametrize("token", ["short", "x" * 43, "../../etc/passwd", "ab cd" * 10, "y" * 65])
def test_unknown_or_malformed_tokens_get_404(world, token):
    try:
        url = _feed_url(token)
    except NoReverseMatch:
        return  # the URL pattern itself refuses it
    assert world.client(None).get(url).status_code == 404


def test_a_malformed_token_costs_no_query(world):
    with CaptureQueriesContext(connection) as queries:
        assert world.client(None).get(_feed_url("not-a-token")).status_code == 404
    assert not [q for q in queries if "roadmap" in q["sql"].lower()]


def test_an_htmx_post_gets_just_the_panel(roadmap, facilitator):
    response = _act(facilitator, roadmap, "create", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="calendar-feed"')
    assert "<html" not in page
    assert _token(roadmap) in page
    assert 'hx-swap-oob="innerHTML:#messages"' in page


def test_an_unknown_action_is_refused_with_422(roadmap, facilitator):
    response = _act(facilitator, roadmap, "delete-everything")
    assert response.status_code == 422
    assert _token(roadmap) is None
    assert "no-store" in response["Cache-Control"]


def _feed_queries(url: str, client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_feed_query_count_does_not_grow_with_the_roadmap(world):
    small = build_roadmap_for_export(world.ours, milestones=5)
    large = build_roadmap_for_export(world.foreign, milestones=80)
    with scopes_disabled():
        small_token = ical.roadmap_feed_enable(roadmap=small)
        large_token = ical.roadmap_feed_enable(roadmap=large)
    client = world.client(None)
    assert _feed_queries(_feed_url(small_token), client) == _feed_queries(
        _feed_url(large_token), client
    )


def test_services_work_outside_a_scope_and_touch_only_their_roadmap(world):
    ours = RoadmapFactory(organisation=world.ours.org)
    theirs = RoadmapFactory(organisation=world.foreign.org)
    token = ical.roadmap_feed_enable(roadmap=ours)
    assert ical.roadmap_for_token(token) == ours
    ical.roadmap_feed_revoke(roadmap=ours)
    assert ical.roadmap_for_token(token) is None
    assert _token(theirs) is None


def test_the_feed_never_breaks_on_dates_stored_at_the_calendars_edges(roadmap, facilitator, world):
    # Rows written before dates were bounded (or by hand in the database).
    with scopes_disabled():
        Milestone.objects.filter(roadmap=roadmap).update(start=date(1, 1, 1), end=date.max)
    _act(facilitator, roadmap, "create")
    response = world.client(None).get(_feed_url(_token(roadmap)))
    assert response.status_code == 200
    assert all(e.decoded("dtend") == date.max for e in _events(response).values())
