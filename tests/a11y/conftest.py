"""One demo site for the whole module: loaded once, served by a live server, flushed after.

Loading the demo takes seconds; every page test would pay it again with
pytest-django's ``live_server`` (which flushes the database after each test).
Here the demo is loaded once per module, a live server of our own serves it,
and the database is flushed at the end, as a transactional test would.

The tests carry ``django_db`` so that pytest-django sets up the test
database even when they run alone (it sets up only what collected tests
ask for: without it they would load, and flush, the development database).
"""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django_scopes import scopes_disabled
from pytest_django.live_server_helper import LiveServer

from organisations.models import Organisation, User
from tests.support.a11y_pages import ANONYMOUS, Demo, prepare_demo

# The database the settings name, before pytest-django swaps in the test one.
DEVELOPMENT_DATABASE = settings.DATABASES["default"]["NAME"]


@dataclass
class Site:
    url: str
    demo: Demo
    # The session cookie of each email address, made on first use.
    sessions: dict


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker) -> Iterator[Site]:
    with django_db_blocker.unblock():
        # Never load (and flush) anything but the test database.
        name = connection.settings_dict["NAME"]
        assert name != DEVELOPMENT_DATABASE, f"not the test database: {name}"
        call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        with scopes_disabled():
            demo = prepare_demo(Organisation.objects.get(slug="voltaic"))
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
    try:
        yield Site(url=server.url, demo=demo, sessions={})
    finally:
        with django_db_blocker.unblock():
            server._live_server_modified_settings.disable()
            server.stop()
            call_command("flush", verbosity=0, interactive=False)
            # Left open, this connection would stop the test database being dropped.
            connection.close()


@pytest.fixture
def _django_db_helper(django_db_setup, django_db_blocker) -> Iterator[None]:
    """Replaces pytest-django's per-test transaction (``django_db``) here.

    The demo lives for the whole module (``site``), served by a thread of
    this process: a test must neither wrap its queries in a transaction the
    server cannot see nor flush the demo away. It only allows queries, from
    the test and from the server, while it runs.
    """
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def open_page(site, browser):
    """``open_page(role, width)``: a fresh browser context signed in as ``role``."""
    contexts = []

    def make(role: str, width: int):
        context = browser.new_context(viewport={"width": width, "height": 900})
        contexts.append(context)
        if role != ANONYMOUS:
            context.add_cookies([{**session_cookie(role), "url": site.url}])
        return context.new_page()

    def session_cookie(email: str) -> dict:
        # Signed in once per role through Django's test client (the sign-in
        # page itself is one of the pages checked, signed out).
        if email not in site.sessions:
            client = Client()
            client.force_login(User.objects.get(email=email))
            cookie = client.cookies[settings.SESSION_COOKIE_NAME]
            site.sessions[email] = {"name": cookie.key, "value": cookie.value}
        return site.sessions[email]

    yield make
    for context in contexts:
        context.close()
