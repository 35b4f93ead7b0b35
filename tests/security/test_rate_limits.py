"""Score saving (and brief requests) are rate limited per user and organisation.

A burst of 100 is throttled; an executive clicking a score every half
second for an hour never is. Rates come from settings read from the
environment (``ROADMAP_RATE_SCORE_SAVE``, ``ROADMAP_RATE_BRIEF_REQUEST``).
"""

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django_ratelimit.core import get_usage
from django_scopes import scopes_disabled

from organisations.permissions import Role
from organisations.ratelimit import user_org_key
from purposes.models import NeedScore
from reports.models import Report
from tests.support.factories import MembershipFactory
from tests.support.roadmap_factories import RoadmapFactory
from tests.support.scoring import build_round

HTMX = {"HTTP_HX_REQUEST": "true"}
START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
PRODUCTION_SCORE_RATE = "30/10s"
ROOT = Path(__file__).resolve().parents[2]

production_rates = override_settings(
    ROADMAP_RATE_SCORE_SAVE=PRODUCTION_SCORE_RATE, ROADMAP_RATE_BRIEF_REQUEST="10/m"
)


@pytest.fixture
def scoring(world):
    scoring_round = build_round(world.ours)
    with scopes_disabled():
        purpose = scoring_round.purposes.order_by("pk").first()
        need = scoring_round.needs.order_by("pk").first()
    url = reverse("scoring:save", kwargs={"org_slug": "ours", "round_id": scoring_round.pk})
    return url, {"purpose": purpose.pk, "need": need.pk}


def _burst(client, url, data, count, **headers):
    return [client.post(url, {**data, "score": n % 6}, **headers).status_code for n in range(count)]


@production_rates
def test_a_burst_of_100_score_saves_is_throttled(world, scoring):
    url, data = scoring
    client = world.client(world.ours.user(Role.EXECUTIVE))
    with time_machine.travel(START, tick=False):
        statuses = _burst(client, url, data, 100, **HTMX)
    assert statuses.count(200) == 30
    assert statuses.count(429) == 70
    assert statuses[:30] == [200] * 30


@production_rates
def test_throttled_htmx_save_answers_a_fragment_for_the_row(world, scoring):
    url, data = scoring
    client = world.client(world.ours.user(Role.EXECUTIVE))
    with time_machine.travel(START, tick=False):
        _burst(client, url, data, 30, **HTMX)
        response = client.post(url, {**data, "score": 1}, **HTMX)
    assert response.status_code == 429
    assert b"<html" not in response.content
    assert b"not saved" in response.content
    assert int(response["Retry-After"]) >= 1
    with scopes_disabled():
        # The refused 1 changed nothing: the 30th save (29 % 6 = 5) stands.
        assert list(NeedScore.objects.values_list("score", flat=True)) == [29 % 6]


@production_rates
def test_throttled_plain_post_gets_the_429_page(world, scoring):
    url, data = scoring
    client = world.client(world.ours.user(Role.EXECUTIVE))
    with time_machine.travel(START, tick=False):
        _burst(client, url, data, 30)
        response = client.post(url, {**data, "score": 2})
    assert response.status_code == 429
    assert "Too many requests at once" in response.text
    assert "not saved" in response.text


@production_rates
def test_the_limit_lifts_in_the_next_window(world, scoring):
    url, data = scoring
    client = world.client(world.ours.user(Role.EXECUTIVE))
    with time_machine.travel(START, tick=False) as clock:
        assert 429 in _burst(client, url, data, 40, **HTMX)
        clock.shift(timedelta(seconds=11))
        assert client.post(url, {**data, "score": 1}, **HTMX).status_code == 200


@production_rates
def test_workshop_pace_through_the_view_is_never_throttled(world, scoring):
    """Two minutes of a score every 0.2 s then 0.8 s (0.5 s on average): 240 saves."""
    url, data = scoring
    client = world.client(world.ours.user(Role.EXECUTIVE))
    with time_machine.travel(START, tick=False) as clock:
        for n in range(240):
            response = client.post(url, {**data, "score": n % 6}, **HTMX)
            assert response.status_code == 200, (n, response.status_code)
            clock.shift(timedelta(seconds=0.2 if n % 2 else 0.8))


@production_rates
def test_an_hour_of_a_click_every_half_second_is_never_throttled(world):
    """The limiter itself, 7200 clicks: an executive at 0.5 s per score for an hour."""
    request = RequestFactory().post("/")
    request.user = world.ours.user(Role.EXECUTIVE)
    request.org = world.ours.org
    refused = 0
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(7200):
            usage = get_usage(
                request,
                group="score_save",
                key=user_org_key,
                rate=settings.ROADMAP_RATE_SCORE_SAVE,
                method=["POST"],
                increment=True,
            )
            refused += usage["should_limit"]
            clock.shift(timedelta(seconds=0.5))
    assert refused == 0


@production_rates
def test_one_users_burst_does_not_throttle_another_user_or_organisation(world, scoring):
    url, data = scoring
    executive = world.ours.user(Role.EXECUTIVE)
    with time_machine.travel(START, tick=False):
        assert 429 in _burst(world.client(executive), url, data, 40, **HTMX)
        facilitator = world.client(world.ours.user(Role.FACILITATOR))
        assert facilitator.post(url, {**data, "score": 3}, **HTMX).status_code == 200
        # The same executive in another organisation has a counter of their own.
        MembershipFactory(organisation=world.foreign.org, user=executive, role=Role.EXECUTIVE)
        foreign_round = build_round(world.foreign)
        with scopes_disabled():
            foreign_round.executives.add(executive)
            purpose = foreign_round.purposes.first()
            need = foreign_round.needs.first()
        foreign_url = reverse(
            "scoring:save", kwargs={"org_slug": "foreign", "round_id": foreign_round.pk}
        )
        response = world.client(executive).post(
            foreign_url, {"purpose": purpose.pk, "need": need.pk, "score": 3}, **HTMX
        )
        assert response.status_code == 200


@production_rates
def test_a_burst_of_100_brief_requests_is_throttled(world):
    """10 a minute, then 429 into #messages; a brief already queued is not queued again."""
    roadmap = RoadmapFactory(organisation=world.ours.org)
    url = reverse("reports:request", kwargs={"org_slug": "ours", "roadmap_id": roadmap.pk})
    client = world.client(world.ours.user(Role.FACILITATOR))
    with time_machine.travel(START, tick=False):
        statuses = [client.post(url, {"kind": "board"}, **HTMX).status_code for _ in range(100)]
        response = client.post(url, {"kind": "board"}, **HTMX)
    assert statuses == [200] * 10 + [429] * 90
    assert response["HX-Reswap"] == "none"
    body = response.content.decode()
    assert 'hx-swap-oob="innerHTML:#messages"' in body
    assert "not saved" in body
    with scopes_disabled():
        assert Report.objects.filter(roadmap=roadmap).count() == 1


def test_get_requests_are_not_counted(world):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    usage = get_usage(request, group="g", key=user_org_key, rate="1/m", method=["POST"])
    assert usage is None


@pytest.mark.parametrize(
    ("value", "ok"), [("500/10s", True), ("10/m", True), ("lots", False), ("10 per minute", False)]
)
def test_rates_come_from_the_environment(value, ok):
    env = {**os.environ, "ROADMAP_RATE_SCORE_SAVE": value, "DJANGO_DEBUG": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from config import settings; print(settings.ROADMAP_RATE_SCORE_SAVE)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if ok:
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == value
    else:
        assert result.returncode != 0
        assert "ROADMAP_RATE_SCORE_SAVE must look like" in result.stderr
