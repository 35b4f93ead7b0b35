"""Two people edit one object of each kind at once: no field either changed is lost.

Each case opens the same editor twice, saves a change to one field as the
first person, then a change to another field as the second, from the page
they opened before the first save. Both changes must be there afterwards,
with the page (no htmx) and with htmx (the dialog or the inline form).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from organisations.permissions import Role
from purposes.scoring import presentation
from purposes.scoring.levels import CHARACTERISTIC_LEVELS
from tests.support.concurrent_edit import Editor
from tests.support.factories import CommunityFactory, NeedFactory, PurposeFactory
from tests.support.roadmap_factories import MilestoneFactory, PhaseFactory, RoadmapFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@dataclass
class Case:
    make: Callable  # (org) -> (object, url)
    first: dict  # field -> value, saved by the first person
    second: dict  # another field, saved by the second from the stale page
    stored: Callable  # object -> the values of both fields, as stored
    expected: tuple
    first_role: str = Role.FACILITATOR


def _slug(obj):
    return obj.organisation.slug


def _community(org):
    community = CommunityFactory(organisation=org, name="Makers", estimated_size=100)
    url = reverse("communities:community_edit", args=[org.slug, community.pk])
    return community, url


def _need(org):
    need = NeedFactory(community=CommunityFactory(organisation=org), statement="Tools", weight=2)
    return need, reverse("communities:need_edit", args=[org.slug, need.pk])


def _roadmap(org):
    roadmap = RoadmapFactory(
        organisation=org, title="Plan", start=date(2026, 1, 1), end=date(2028, 12, 31)
    )
    return roadmap, reverse("roadmaps:edit", args=[org.slug, roadmap.pk])


def _milestone(org):
    roadmap = RoadmapFactory(organisation=org, start=date(2026, 1, 1), end=date(2028, 12, 31))
    milestone = MilestoneFactory(roadmap=roadmap, target_value=Decimal(50))
    url = reverse("roadmaps:milestone_edit", args=[org.slug, roadmap.pk, milestone.pk])
    return milestone, url


def _phase(org):
    roadmap = RoadmapFactory(organisation=org, start=date(2026, 1, 1), end=date(2028, 12, 31))
    phase = PhaseFactory(
        roadmap=roadmap, name="Pilot", start=date(2026, 1, 1), end=date(2026, 6, 30)
    )
    return phase, reverse("roadmaps:phase_edit", args=[org.slug, roadmap.pk, phase.pk])


def _purpose(org):
    purpose = PurposeFactory(organisation=org, title="Makers first")
    return purpose, reverse("purposes:edit", args=[org.slug, purpose.pk])


def _levels(org):
    return org, reverse("scoring:levels", args=[org.slug])


_FIRST, _SECOND = sorted(CHARACTERISTIC_LEVELS)[:2]


def _wording(org) -> tuple[str, str]:
    with scope(organisation=org):
        own = {(c, level): text for c, level, text in presentation.own_levels()}
    return own.get((_FIRST, 3), ""), own.get((_SECOND, 4), "")


def _settings(org):
    return org, reverse("organisations:settings", args=[org.slug])


CASES = {
    "characteristic wording": Case(
        _levels,
        {f"{_FIRST}_3": "Half the members come back each month."},
        {f"{_SECOND}_4": "Most of the value reaches the organisation."},
        _wording,
        ("Half the members come back each month.", "Most of the value reaches the organisation."),
    ),
    "phase": Case(
        _phase,
        {"name": "Pilot with makers"},
        {"end": "2026-09-30"},
        lambda p: (p.name, p.end),
        ("Pilot with makers", date(2026, 9, 30)),
    ),
    "purpose": Case(
        _purpose,
        {"title": "Makers, first of all"},
        {"statement": "We help makers share tools."},
        lambda p: (p.title, p.statement),
        ("Makers, first of all", "We help makers share tools."),
    ),
    "organisation settings": Case(
        _settings,
        {"name": "Ours, renamed"},
        {"paper_size": "Letter"},
        lambda o: (o.name, o.paper_size),
        ("Ours, renamed", "Letter"),
        first_role=Role.ADMIN,  # the same admin, in two tabs
    ),
    "community": Case(
        _community,
        {"estimated_size": "250"},
        {"description": "People who build things"},
        lambda c: (c.estimated_size, c.description),
        (250, "People who build things"),
    ),
    "need": Case(
        _need,
        {"weight": "5"},
        {"evidence": "Survey, May"},
        lambda n: (n.weight, n.evidence),
        (5, "Survey, May"),
    ),
    "roadmap": Case(
        _roadmap,
        {"title": "The plan"},
        {"end": "2029-06-30"},
        lambda r: (r.title, r.end),
        ("The plan", date(2029, 6, 30)),
    ),
    "milestone": Case(
        _milestone,
        {"target_value": "80"},
        {"status": "done"},
        lambda m: (m.target_value, m.status),
        (Decimal(80), "done"),
    ),
}


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
@pytest.mark.parametrize("kind", sorted(CASES))
def test_neither_persons_change_is_lost(world, kind, headers):
    case = CASES[kind]
    obj, url = case.make(world.ours.org)
    first = Editor(world.client(world.ours.user(case.first_role)), url, headers=headers)
    second = Editor(world.client(world.ours.user(Role.ADMIN)), url, headers=headers)
    assert first.set(**case.first).save().status_code in (200, 302)
    response = second.set(**case.second).save()
    assert response.status_code in (200, 302), response.content.decode()[:2000]
    with scopes_disabled():
        obj.refresh_from_db()
    assert case.stored(obj) == case.expected


@pytest.mark.parametrize("kind", ["community", "need"])
def test_an_htmx_save_of_a_card_replaces_the_whole_list_not_the_card(world, kind):
    """The answer is the list: swapped into the card, it showed every community twice."""
    _, url = CASES[kind].make(world.ours.org)
    editor = Editor(world.client(world.ours.user(Role.FACILITATOR)), url, headers=HTMX)
    response = editor.set(**CASES[kind].first).save()
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#community-list"
    assert response["HX-Reswap"] == "outerHTML"


def test_a_text_field_says_its_limit(world):
    _, url = CASES["milestone"].make(world.ours.org)
    html = Editor(world.client(world.ours.user(Role.FACILITATOR)), url).html
    assert "Up to 120 characters." in html  # the title
    assert 'data-template="{used} of {limit} characters"' in html
