"""Tenancy cases for the roadmap page and its editors (see tests/support/tenancy.py).

Each tenant gets one roadmap (made once, then found again) with a phase, a
placed purpose and three milestones, so that the kwargs and the data of a case
name rows of the same roadmap. The delete and remove cases post without
``confirmed=yes``, which asks for confirmation instead of deleting: every
permitted role then finds the row still there.
"""

from datetime import date

from django_scopes import scopes_disabled

from organisations.permissions import Perm
from purposes.models import PurposeStatus
from roadmap.models import Milestone, MilestoneDependency, PhasePurpose, Roadmap
from tests.support.factories import PurposeFactory
from tests.support.roadmap_factories import (
    MilestoneDependencyFactory,
    MilestoneFactory,
    PhaseFactory,
    PhasePurposeFactory,
    RoadmapFactory,
)
from tests.support.tenancy import OrgCase

TITLE = "Tenancy roadmap"


def roadmap_for(tenant) -> Roadmap:
    with scopes_disabled():
        existing = Roadmap.objects.filter(organisation=tenant.org, title=TITLE).first()
    if existing is not None:
        return existing
    roadmap = RoadmapFactory(
        organisation=tenant.org, title=TITLE, start=date(2026, 1, 1), end=date(2028, 12, 31)
    )
    phase = PhaseFactory(
        roadmap=roadmap, name="Pilot", start=date(2026, 1, 1), end=date(2026, 6, 30)
    )
    PhasePurposeFactory(phase=phase, purpose__status=PurposeStatus.CHOSEN)
    first = MilestoneFactory(roadmap=roadmap, title="First", start=date(2026, 2, 1))
    second = MilestoneFactory(roadmap=roadmap, title="Second", start=date(2026, 3, 1), risk=True)
    MilestoneFactory(roadmap=roadmap, title="Third", start=date(2026, 4, 1), investment=True)
    MilestoneDependencyFactory(predecessor=first, successor=second)
    return roadmap


def _milestone(tenant, title: str) -> Milestone:
    roadmap = roadmap_for(tenant)
    with scopes_disabled():
        return Milestone.objects.get(roadmap=roadmap, title=title)


def _roadmap(tenant) -> dict:
    return {"roadmap_id": roadmap_for(tenant).pk}


def _phase(tenant) -> dict:
    roadmap = roadmap_for(tenant)
    with scopes_disabled():
        phase = roadmap.phases.order_by("start").first()
    return {"roadmap_id": roadmap.pk, "phase_id": phase.pk}


def _placement(tenant) -> dict:
    roadmap = roadmap_for(tenant)
    with scopes_disabled():
        placement = PhasePurpose.objects.filter(phase__roadmap=roadmap).first()
    return {"roadmap_id": roadmap.pk, "placement_id": placement.pk}


def _milestone_kwargs(tenant) -> dict:
    return {"roadmap_id": roadmap_for(tenant).pk, "milestone_id": _milestone(tenant, "First").pk}


def _dependency(tenant) -> dict:
    roadmap = roadmap_for(tenant)
    with scopes_disabled():
        dependency = MilestoneDependency.objects.filter(successor__roadmap=roadmap).first()
    return {"roadmap_id": roadmap.pk, "dependency_id": dependency.pk}


def _roadmap_data(tenant) -> dict:
    return {
        "title": "Probe roadmap",
        "start": "2026-01-01",
        "end": "2027-12-31",
        "status": "draft",
        "currency": "EUR",
    }


def _milestone_data(tenant) -> dict:
    return {
        "kind": "community",
        "title": "Probe milestone",
        "start": "2026-05-01",
        "status": "planned",
        "metric": "members",
        "target_value": "250",
    }


def _placement_data(tenant) -> dict:
    purpose = PurposeFactory(organisation=tenant.org, status=PurposeStatus.CHOSEN)
    return {"purpose": purpose.pk}


def _dependency_data(tenant) -> dict:
    return {
        "predecessor": _milestone(tenant, "First").pk,
        "successor": _milestone(tenant, "Third").pk,
    }


CASES = {
    "roadmaps:list": OrgCase(Perm.VIEW, methods=("GET",)),
    "roadmaps:create": OrgCase(Perm.EDIT_ROADMAP, data=_roadmap_data),
    "roadmaps:detail": OrgCase(Perm.VIEW, kwargs=_roadmap, methods=("GET",)),
    "roadmaps:edit": OrgCase(
        Perm.EDIT_ROADMAP,
        kwargs=_roadmap,
        data=lambda t: {**_roadmap_data(t), "title": TITLE, "end": "2028-12-31"},
    ),
    "roadmaps:delete": OrgCase(Perm.EDIT_ROADMAP, kwargs=_roadmap),
    "roadmaps:phase_create": OrgCase(
        Perm.EDIT_ROADMAP,
        kwargs=_roadmap,
        data=lambda t: {"name": "Launch", "start": "2026-07-01", "end": "2026-12-31"},
    ),
    "roadmaps:phase_edit": OrgCase(
        Perm.EDIT_ROADMAP,
        kwargs=_phase,
        data=lambda t: {"name": "Pilot", "start": "2026-01-01", "end": "2026-06-30"},
    ),
    "roadmaps:phase_delete": OrgCase(Perm.EDIT_ROADMAP, kwargs=_phase),
    "roadmaps:placement_add": OrgCase(
        Perm.EDIT_ROADMAP, kwargs=_phase, methods=("POST",), data=_placement_data
    ),
    "roadmaps:placement_move": OrgCase(
        Perm.EDIT_ROADMAP,
        kwargs=_placement,
        methods=("POST",),
        data=lambda t: {"direction": "down"},
    ),
    "roadmaps:placement_remove": OrgCase(Perm.EDIT_ROADMAP, kwargs=_placement),
    "roadmaps:milestone_create": OrgCase(Perm.EDIT_ROADMAP, kwargs=_roadmap, data=_milestone_data),
    "roadmaps:milestone_edit": OrgCase(
        Perm.EDIT_ROADMAP,
        kwargs=_milestone_kwargs,
        data=lambda t: {**_milestone_data(t), "title": "First"},
    ),
    "roadmaps:milestone_delete": OrgCase(Perm.EDIT_ROADMAP, kwargs=_milestone_kwargs),
    "roadmaps:milestone_move": OrgCase(
        Perm.EDIT_ROADMAP,
        kwargs=_milestone_kwargs,
        methods=("POST",),
        data=lambda t: {"shift": "+1w"},
    ),
    "roadmaps:dependency_create": OrgCase(
        Perm.EDIT_ROADMAP, kwargs=_roadmap, data=_dependency_data
    ),
    "roadmaps:dependency_delete": OrgCase(Perm.EDIT_ROADMAP, kwargs=_dependency),
    # A token nobody was given: refused with a message (409), the same for every role.
    "roadmaps:undo": OrgCase(
        Perm.EDIT_ROADMAP, kwargs=_roadmap, methods=("POST",), data=lambda t: {"token": "x" * 32}
    ),
}
