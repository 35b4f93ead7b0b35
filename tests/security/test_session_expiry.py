"""Sessions end after 30 minutes idle and 12 hours after sign-in, whatever the activity."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from organisations.permissions import Role
from tests.support.factories import TEST_PASSWORD

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def _sign_in(world):
    client = world.client(None)
    response = client.post(
        reverse("login"),
        {"username": world.ours.user(Role.EXECUTIVE).email, "password": TEST_PASSWORD},
    )
    assert response.status_code == 302
    return client


def _home(world):
    return reverse("organisations:home", args=[world.ours.org.slug])


def _signed_in(client, url) -> bool:
    response = client.get(url)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("login"))
        return False
    assert response.status_code == 200
    return True


def test_session_survives_29_idle_minutes(world):
    with time_machine.travel(START, tick=False) as clock:
        client = _sign_in(world)
        clock.shift(timedelta(minutes=29))
        assert _signed_in(client, _home(world))


def test_session_ends_after_31_idle_minutes(world):
    with time_machine.travel(START, tick=False) as clock:
        client = _sign_in(world)
        assert _signed_in(client, _home(world))
        clock.shift(timedelta(minutes=31))
        assert not _signed_in(client, _home(world))


def test_activity_keeps_the_session_alive_past_30_minutes(world):
    with time_machine.travel(START, tick=False) as clock:
        client = _sign_in(world)
        for _ in range(6):  # an hour and a half, a request every 15 minutes
            clock.shift(timedelta(minutes=15))
            assert _signed_in(client, _home(world))


def test_session_ends_12_hours_after_sign_in_even_when_active(world):
    with time_machine.travel(START, tick=False) as clock:
        client = _sign_in(world)
        for _ in range(47):  # every 15 minutes up to 11¾ hours
            clock.shift(timedelta(minutes=15))
            assert _signed_in(client, _home(world))
        clock.shift(timedelta(minutes=16))  # 12 hours and a minute after sign-in
        assert not _signed_in(client, _home(world))
        # Signing in again starts a new 12 hours.
        client = _sign_in(world)
        assert _signed_in(client, _home(world))


def test_force_login_sessions_get_the_absolute_limit_too(world):
    """A session that signed in without the form (or before this rule) is timed from first use."""
    with time_machine.travel(START, tick=False) as clock:
        client = world.client(world.ours.user(Role.VIEWER))
        for _ in range(48):
            assert _signed_in(client, _home(world))
            clock.shift(timedelta(minutes=15))
        clock.shift(timedelta(minutes=1))
        assert not _signed_in(client, _home(world))


@pytest.mark.parametrize("minutes", [31])
def test_expired_htmx_request_is_sent_to_sign_in_not_swapped(world, minutes):
    with time_machine.travel(START, tick=False) as clock:
        client = _sign_in(world)
        clock.shift(timedelta(minutes=minutes))
        response = client.get(_home(world), HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("login"))


def test_session_cookie_settings(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_TOUCH_SECONDS == 60
    assert settings.SESSION_ABSOLUTE_AGE == 12 * 60 * 60
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"


def test_a_session_is_never_cut_short_of_30_idle_minutes_between_touches(world):
    """The expiry is written at most once a minute: idleness counts from the last
    request, so a request 50 s after the last write still buys 30 more minutes."""
    with time_machine.travel(START, tick=False) as clock:
        client = _sign_in(world)
        assert _signed_in(client, _home(world))
        clock.shift(timedelta(seconds=50))
        assert _signed_in(client, _home(world))  # not written: under a minute
        clock.shift(timedelta(minutes=29, seconds=59))
        assert _signed_in(client, _home(world))
        clock.shift(timedelta(minutes=31))
        assert not _signed_in(client, _home(world))


def test_pages_within_a_minute_do_not_write_the_session(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with time_machine.travel(START, tick=False) as clock:
        client = _sign_in(world)
        client.get(_home(world))
        clock.shift(timedelta(seconds=20))
        with CaptureQueriesContext(connection) as queries:
            assert _signed_in(client, _home(world))
    writes = [q["sql"] for q in queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert writes == []
