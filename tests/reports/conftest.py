from unittest import mock

import pytest

from organisations.permissions import Role
from tests.support.report_builders import build_roadmap_for_brief


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test its own media folder, so the briefs a test finds on disk are its own."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def roadmap(world):
    return build_roadmap_for_brief(world.ours)


@pytest.fixture
def facilitator(world):
    return world.ours.user(Role.FACILITATOR)


@pytest.fixture
def no_enqueue():
    """Requests are queued but no task is sent (the test runs the service itself)."""
    with mock.patch("reports.tasks.render_report.delay") as delay:
        yield delay
