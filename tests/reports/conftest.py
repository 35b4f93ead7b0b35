from datetime import date
from unittest import mock

import pytest
from django_scopes import scopes_disabled

from organisations.permissions import Role
from purposes.models import PurposeStatus, RoundStatus
from reports import services
from reports.models import Report
from tests.purposes.test_scoring_queries import _fill
from tests.purposes.test_scoring_tenancy import build_round
from tests.roadmap.factories import (
    MilestoneDependencyFactory,
    MilestoneFactory,
    PhaseFactory,
    PhasePurposeFactory,
    RoadmapFactory,
)


def build_roadmap(tenant, *, purposes: int = 3, milestones: int = 10, title: str = "Growth plan"):
    """A roadmap of ``tenant`` with a revealed, scored round and milestones of every kind."""
    scoring_round = build_round(
        tenant, purposes=purposes, needs=purposes + 1, status=RoundStatus.REVEALED
    )
    _fill(scoring_round)
    with scopes_disabled():
        round_purposes = list(scoring_round.purposes.order_by("pk"))
        for purpose in round_purposes:
            purpose.status = PurposeStatus.CHOSEN
            purpose.save(update_fields=["status"])
    roadmap = RoadmapFactory(organisation=tenant.org, title=title, start=date(2026, 1, 1))
    pilot = PhaseFactory(
        roadmap=roadmap, name="Pilot", start=date(2026, 1, 1), end=date(2026, 12, 31)
    )
    launch = PhaseFactory(
        roadmap=roadmap, name="Launch", start=date(2027, 1, 1), end=date(2027, 12, 31)
    )
    for index, purpose in enumerate(round_purposes):
        PhasePurposeFactory(phase=pilot if index % 2 == 0 else launch, purpose=purpose)
    traits = [{}, {"risk": True}, {"investment": True}, {"value": True}, {"decision": True}]
    rows = [
        MilestoneFactory(
            roadmap=roadmap,
            title=f"Milestone {i} of {title}",
            start=date(2026 + i % 2, 1 + i % 12, 1),
            **traits[i % 5],
        )
        for i in range(milestones)
    ]
    if len(rows) > 1:
        MilestoneDependencyFactory(predecessor=rows[0], successor=rows[1])
    return roadmap


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test its own media folder, so the briefs a test finds on disk are its own."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def roadmap(world):
    return build_roadmap(world.ours)


@pytest.fixture
def facilitator(world):
    return world.ours.user(Role.FACILITATOR)


@pytest.fixture
def no_enqueue():
    """Requests are queued but no task is sent (the test runs the service itself)."""
    with mock.patch("reports.tasks.render_report.delay") as delay:
        yield delay


def request_and_render(roadmap, actor, kind: str = "board") -> Report:
    """Ask for a brief and draw it in this process, as a worker would."""
    with mock.patch("reports.tasks.render_report.delay"):
        report = services.report_request(roadmap=roadmap, kind=kind, actor=actor)
    services.report_render(report_id=report.pk)
    with scopes_disabled():
        return Report.objects.get(pk=report.pk)
