import os
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.test import Client
from django_scopes import scopes_disabled

from organisations.middleware import LAST_TOUCHED
from organisations.models import Membership, Organisation, User
from organisations.permissions import Role
from organisations.tenancy import SESSION_ORG_KEY
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, png_file

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES", "").strip().lower() in {"1", "true", "yes"}

# Playwright drives a real browser from its own event loop; the ORM calls a
# test makes beside it are safe because the test is the only caller.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def need(available: bool, reason: str) -> None:
    """Skip when a service is missing; fail instead when REQUIRE_SERVICES=1 (CI)."""
    if available:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1: this must not be skipped)")
    pytest.skip(reason)


def _port_open(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), 1
        ):
            return True
    except OSError:
        return False


@pytest.fixture
def require_postgres():
    need(
        settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql",
        "PostgreSQL is not configured (set DATABASE_URL=postgres://…)",
    )


@pytest.fixture
def require_redis():
    url = settings.REDIS_URL
    need(bool(url) and _port_open(url, 6379), "Redis is not configured or not running (REDIS_URL)")


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's Chromium, never a downloaded browser; every browser test goes
    # through here, so a missing Chromium skips them (or fails them in CI).
    need(os.path.exists(CHROMIUM), f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"


@pytest.fixture
def screenshot():
    """``screenshot(page, "step-name")`` saves var/screenshots/<test>/<n>-step-name.png."""
    counter = iter(range(1, 1000))

    def take(page, name: str) -> None:
        test_name = os.environ.get("PYTEST_CURRENT_TEST", "test").split(":")[-1].split(" ")[0]
        folder = SCREENSHOTS / test_name
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{next(counter):02d}-{name}.png"), full_page=True)

    return take


ROLES = [Role.ADMIN, Role.FACILITATOR, Role.EXECUTIVE, Role.VIEWER]


@dataclass
class Tenant:
    """One organisation with one member of each role."""

    org: Organisation
    members: dict[str, Membership] = field(default_factory=dict)

    def user(self, role: str) -> User:
        return self.members[role].user


@dataclass
class World:
    """Our organisation, a foreign one, and someone who belongs to neither."""

    ours: Tenant
    foreign: Tenant
    loner: User

    def client(self, user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
            settle_session(client, user)
        return client


def settle_session(client: Client, user: User) -> None:
    """Make the session as it is after a person's first page in their organisation.

    A session is saved when it first records the organisation and at most
    once a minute after that (``SessionLimitsMiddleware``); recording both
    here keeps that one-off write out of tests that count a page's queries.
    """
    session = client.session
    session[LAST_TOUCHED] = time.time()
    with scopes_disabled():
        slugs = list(
            Membership.objects.filter(user=user).values_list("organisation__slug", flat=True)[:2]
        )
    if len(slugs) == 1:  # someone in several organisations has not picked one yet
        session[SESSION_ORG_KEY] = slugs[0]
    session.save()


def make_tenant(name: str, slug: str) -> Tenant:
    org = OrganisationFactory(name=name, slug=slug, logo=png_file())
    tenant = Tenant(org=org)
    for role in ROLES:
        tenant.members[role] = MembershipFactory(
            organisation=org, role=role, user=UserFactory(email=f"{role}@{slug}.example")
        )
    return tenant


@pytest.fixture
def world(db) -> World:
    return World(
        ours=make_tenant("Ours Ltd", "ours"),
        foreign=make_tenant("Foreign plc", "foreign"),
        loner=UserFactory(email="loner@example.com"),
    )


@pytest.fixture
def admin_client(world) -> Client:
    return world.client(world.ours.user(Role.ADMIN))
