"""Five failed sign-ins for one email from one address pause that pair for 15 minutes (429)."""

from datetime import UTC, datetime, timedelta

import time_machine
from django.urls import reverse

from organisations.permissions import Role
from tests.support.factories import TEST_PASSWORD

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _try(client, email, password, address="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=address
    )


def _fail_five_times(client, email, address="10.0.0.1"):
    statuses = [_try(client, email, "wrong password", address).status_code for _ in range(5)]
    assert statuses[:4] == [200] * 4, statuses
    return statuses


def test_four_failures_still_let_the_right_password_in(world):
    email = world.ours.user(Role.ADMIN).email
    client = world.client(None)
    for _ in range(4):
        assert _try(client, email, "wrong password").status_code == 200
    assert _try(client, email, TEST_PASSWORD).status_code == 302


def test_after_five_failures_the_right_password_gets_429_with_a_readable_page(world):
    email = world.ours.user(Role.ADMIN).email
    client = world.client(None)
    with time_machine.travel(START, tick=False):
        _fail_five_times(client, email)
        response = _try(client, email, TEST_PASSWORD)
    assert response.status_code == 429
    assert "Sign-in paused" in response.text
    assert "15 minutes" in response.text
    assert reverse("password_reset") in response.text
    assert int(response["Retry-After"]) == 15 * 60
    assert "_auth_user_id" not in client.session


def test_lockout_lasts_15_minutes_then_the_right_password_works(world):
    email = world.ours.user(Role.ADMIN).email
    client = world.client(None)
    with time_machine.travel(START, tick=False) as clock:
        _fail_five_times(client, email)
        clock.shift(timedelta(minutes=14, seconds=50))
        assert _try(client, email, TEST_PASSWORD).status_code == 429
        clock.shift(timedelta(seconds=20))  # 15 minutes and 10 seconds after the fifth failure
        assert _try(client, email, TEST_PASSWORD).status_code == 302


def test_changing_the_case_of_the_email_does_not_buy_more_tries(world):
    email = world.ours.user(Role.ADMIN).email
    client = world.client(None)
    for spelling in [email, email.upper(), email.title(), f" {email}", email.upper()]:
        _try(client, spelling, "wrong password")
    assert _try(client, email, TEST_PASSWORD).status_code == 429


def test_lockout_is_per_user_and_address(world):
    admin = world.ours.user(Role.ADMIN).email
    viewer = world.ours.user(Role.VIEWER).email
    client = world.client(None)
    _fail_five_times(client, admin, address="10.0.0.1")
    # The same person from another address, and another person from the same one, get in.
    assert _try(world.client(None), admin, TEST_PASSWORD, "10.0.0.2").status_code == 302
    assert _try(world.client(None), viewer, TEST_PASSWORD, "10.0.0.1").status_code == 302
    assert _try(world.client(None), admin, TEST_PASSWORD, "10.0.0.1").status_code == 429


def test_a_successful_sign_in_resets_the_count(world):
    email = world.ours.user(Role.ADMIN).email
    client = world.client(None)
    for _ in range(4):
        _try(client, email, "wrong password")
    assert _try(client, email, TEST_PASSWORD).status_code == 302
    other = world.client(None)
    for _ in range(4):
        assert _try(other, email, "wrong password").status_code == 200
    assert _try(other, email, TEST_PASSWORD).status_code == 302
