import os
import socket
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.test import Client

from organisations.permissions import Role
from tests.support.factories import UserFactory
from tests.support.services import need
from tests.support.world import World, make_tenant

# Playwright drives a real browser from its own event loop; the ORM calls a
# test makes beside it are safe because the test is the only caller.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# pytest-playwright's fixtures: a test using any of them drives Chromium.
PLAYWRIGHT_FIXTURES = {"browser", "context", "page"}


def pytest_collection_modifyitems(items):
    """Mark every Playwright test ``browser``, even one whose module forgot the mark.

    ``make test-fast`` (``-m "not browser"``) relies on it to leave them all out.
    """
    for item in items:
        if PLAYWRIGHT_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


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
