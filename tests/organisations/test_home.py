"""The organisation's home shows where the workshop stands, step by step."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organisations.permissions import Role
from purposes.models import PurposeStatus, RoundStatus
from tests.support.factories import CommunityFactory, NeedFactory, PurposeFactory
from tests.support.report_factories import ReportFactory
from tests.support.roadmap_factories import (
    MilestoneFactory,
    PhaseFactory,
    PhasePurposeFactory,
    RoadmapFactory,
)
from tests.support.scoring import build_round

pytestmark = pytest.mark.django_db


def _home(world, role=Role.VIEWER):
    return world.client(world.ours.user(role)).get(
        reverse("organisations:home", args=[world.ours.org.slug])
    )


def _states(html: str) -> dict[str, str]:
    """{step title: state label} as printed on the page."""
    steps = re.findall(
        r'<h3>(?:<a href="[^"]*">)?([^<]+)(?:</a>)?</h3>.*?Status: </span>([^<]+)</span>',
        html,
        re.S,
    )
    return {title.strip(): state.strip() for title, state in steps}


def test_a_new_organisation_has_every_step_to_do(world):
    states = _states(_home(world).text)
    assert list(states) == [
        "Stakeholders and needs",
        "Draft purposes",
        "Score in blind rounds",
        "Converge and choose",
        "Map the roadmap",
        "Check readiness",
        "Brief the board",
    ]
    assert set(states.values()) == {"Not started"}


def test_steps_move_on_as_the_workshop_does(world):
    org = world.ours.org
    community = CommunityFactory(organisation=org)
    NeedFactory(community=community, organisation=org)
    build_round(world.ours, status=RoundStatus.REVEALED)
    chosen = PurposeFactory(organisation=org, status=PurposeStatus.CHOSEN)
    phase = PhaseFactory(roadmap__organisation=org)
    PhasePurposeFactory(phase=phase, purpose=chosen)
    MilestoneFactory(roadmap=phase.roadmap)

    response = _home(world)
    states = _states(response.text)
    assert states["Stakeholders and needs"] == "Done"
    assert states["Score in blind rounds"] == "Done"
    assert states["Converge and choose"] == "Done"
    assert states["Map the roadmap"] == "Done"
    assert states["Brief the board"] == "Not started"
    assert "1 purpose chosen." in response.text
    assert phase.roadmap.title in response.text


def test_an_open_round_is_in_progress_and_its_scores_stay_unmentioned(world):
    build_round(world.ours, status=RoundStatus.OPEN)
    response = _home(world, Role.EXECUTIVE)
    assert _states(response.text)["Score in blind rounds"] == "In progress"
    assert "1 round open for scoring" in response.text


def test_it_shows_nothing_of_another_organisation(world):
    CommunityFactory(organisation=world.foreign.org, name="Foreign engineers")
    build_round(world.foreign, status=RoundStatus.REVEALED)
    response = _home(world)
    assert "Foreign engineers" not in response.text
    assert set(_states(response.text).values()) == {"Not started"}


def test_query_count_does_not_grow_with_the_workshop(world):
    def count():
        client = world.client(world.ours.user(Role.ADMIN))
        url = reverse("organisations:home", args=[world.ours.org.slug])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    phase = PhaseFactory(roadmap__organisation=world.ours.org)
    PhasePurposeFactory(phase=phase, purpose__status=PurposeStatus.CHOSEN)
    MilestoneFactory(roadmap=phase.roadmap)
    build_round(world.ours, status=RoundStatus.REVEALED)
    small = count()
    for _ in range(10):
        PhasePurposeFactory(phase=phase, purpose__status=PurposeStatus.CHOSEN)
        MilestoneFactory(roadmap=phase.roadmap, risk=True)
    build_round(world.ours, purposes=5, needs=8, status=RoundStatus.REVEALED)
    assert count() == small


def test_the_latest_board_brief_of_the_latest_roadmap_is_shown(world):
    roadmap = RoadmapFactory(organisation=world.ours.org)
    ReportFactory(roadmap=roadmap, version=1, done=True)
    assert _states(_home(world).text)["Brief the board"] == "Done"
    ReportFactory(roadmap=roadmap, version=2)
    response = _home(world)
    assert _states(response.text)["Brief the board"] == "In progress"
    assert "Board brief version 2: queued." in response.text
