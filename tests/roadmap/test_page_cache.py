"""The roadmap page's cache key: every write path moves a version on, and a hit reads no rows.

The page's sections are cached by the roadmap's ``version`` and the
organisation's ``data_version`` (``roadmap.page_cache.sections_key``). A write
that forgets to move one on leaves every viewer with the old page for ten
minutes, so each write function has a case here, and a new write function
without one fails ``test_every_write_function_has_a_case``.
"""

import inspect
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from communities import services as community_services
from communities.csv_io import COLUMNS
from communities.models import Community, Need
from organisations.models import Organisation, User
from organisations.permissions import Role
from purposes import services as purpose_services
from purposes.models import Purpose, PurposeStatus
from roadmap import services as roadmap_services
from roadmap.models import Milestone, MilestoneDependency, Phase, PhasePurpose, Roadmap
from tests.support.factories import CommunityFactory, NeedFactory, PurposeFactory, UserFactory
from tests.support.roadmap_factories import (
    MilestoneDependencyFactory,
    MilestoneFactory,
    PhaseFactory,
    PhasePurposeFactory,
    RoadmapFactory,
    sample_roadmap,
)

pytestmark = pytest.mark.django_db


@dataclass
class Rows:
    org: Organisation
    facilitator: User
    owner: User
    roadmap: Roadmap
    phase: Phase
    placements: list[PhasePurpose]
    unplaced: Purpose  # chosen, in no phase
    milestones: list[Milestone]
    dependency: MilestoneDependency
    communities: list[Community]
    needs: list[Need]


@pytest.fixture
def rows(world) -> Rows:
    org = world.ours.org
    roadmap = RoadmapFactory(organisation=org)
    phase = PhaseFactory(roadmap=roadmap)
    placements = [
        PhasePurposeFactory(phase=phase, purpose__status=PurposeStatus.CHOSEN, position=i)
        for i in range(2)
    ]
    milestones = [MilestoneFactory(roadmap=roadmap, start=date(2026, 3, i + 1)) for i in range(3)]
    community = CommunityFactory(organisation=org)
    return Rows(
        org=org,
        facilitator=world.ours.user(Role.FACILITATOR),
        owner=world.ours.user(Role.EXECUTIVE),
        roadmap=roadmap,
        phase=phase,
        placements=placements,
        unplaced=PurposeFactory(organisation=org, status=PurposeStatus.CHOSEN),
        milestones=milestones,
        dependency=MilestoneDependencyFactory(predecessor=milestones[0], successor=milestones[1]),
        communities=[community, CommunityFactory(organisation=org)],
        needs=[NeedFactory(community=community), NeedFactory(community=community)],
    )


def _community_details(milestone: Milestone) -> roadmap_services.MilestoneDetails:
    return roadmap_services.MilestoneDetails(
        metric=milestone.metric, target_value=milestone.target_value
    )


# Writes to the roadmap, its phases, placements, milestones and dependencies:
# they move the roadmap's ``version`` on.
ROADMAP_WRITES = {
    "roadmap_update": lambda r: roadmap_services.roadmap_update(
        organisation=r.org,
        roadmap=r.roadmap,
        title="Renamed",
        start=r.roadmap.start,
        end=r.roadmap.end,
    ),
    "phase_create": lambda r: roadmap_services.phase_create(
        organisation=r.org,
        roadmap=r.roadmap,
        name="Launch",
        start=date(2026, 7, 1),
        end=date(2026, 12, 31),
    ),
    "phase_update": lambda r: roadmap_services.phase_update(
        organisation=r.org, phase=r.phase, name="Renamed", start=r.phase.start, end=r.phase.end
    ),
    "phase_delete": lambda r: roadmap_services.phase_delete(organisation=r.org, phase=r.phase),
    "placement_add": lambda r: roadmap_services.placement_add(
        organisation=r.org, phase=r.phase, purpose=r.unplaced
    ),
    "placement_move": lambda r: roadmap_services.placement_move(
        organisation=r.org, placement=r.placements[1], direction="up"
    ),
    "placement_remove": lambda r: roadmap_services.placement_remove(
        organisation=r.org, placement=r.placements[0]
    ),
    "milestone_create": lambda r: roadmap_services.milestone_create(
        organisation=r.org,
        roadmap=r.roadmap,
        kind="community",
        title="1,000 members",
        start=date(2026, 9, 1),
        details=roadmap_services.MilestoneDetails(metric="members", target_value=Decimal(1000)),
    ),
    "milestone_update": lambda r: roadmap_services.milestone_update(
        organisation=r.org,
        milestone=r.milestones[0],
        kind=r.milestones[0].kind,
        title="Renamed",
        start=r.milestones[0].start,
        details=_community_details(r.milestones[0]),
    ),
    "milestone_move": lambda r: roadmap_services.milestone_move(
        organisation=r.org, milestone=r.milestones[0], start=date(2026, 4, 1)
    ),
    "milestone_delete": lambda r: roadmap_services.milestone_delete(
        organisation=r.org, milestone=r.milestones[2]
    ),
    "dependency_add": lambda r: roadmap_services.dependency_add(
        organisation=r.org, predecessor=r.milestones[1], successor=r.milestones[2]
    ),
    "dependency_remove": lambda r: roadmap_services.dependency_remove(
        organisation=r.org, dependency=r.dependency
    ),
}


def _purpose_text(purpose: Purpose, **changes) -> purpose_services.PurposeText:
    return purpose_services.PurposeText.from_values({**vars(purpose), **changes})


def _csv(*lines: str) -> io.BytesIO:
    return io.BytesIO("\r\n".join([",".join(COLUMNS), *lines, ""]).encode())


# Writes in the apps below the roadmap that change what its page shows: they
# move the organisation's ``data_version`` on.
ORGANISATION_WRITES = {
    "purpose_create": lambda r: purpose_services.purpose_create(
        organisation=r.org,
        actor=r.facilitator,
        text=purpose_services.PurposeText(title="A new purpose", statement="Why we gather"),
    ),
    "purpose_update": lambda r: purpose_services.purpose_update(
        purpose=r.unplaced,
        actor=r.facilitator,
        loaded_version=r.unplaced.version,
        text=_purpose_text(r.unplaced, title="Renamed"),
        communities=[],
    ),
    "purpose_set_status": lambda r: purpose_services.purpose_set_status(
        purpose=r.unplaced, status=PurposeStatus.SHORTLISTED, actor=r.facilitator
    ),
    "community_create": lambda r: community_services.community_create(
        organisation=r.org, name="Makers", kind=r.communities[0].kind
    ),
    "community_update": lambda r: community_services.community_update(
        organisation=r.org, community=r.communities[0], name="Renamed", kind="partners"
    ),
    "community_delete": lambda r: community_services.community_delete(
        organisation=r.org, community=r.communities[1]
    ),
    "community_move": lambda r: community_services.community_move(
        organisation=r.org, community=r.communities[1], direction="up"
    ),
    "need_create": lambda r: community_services.need_create(
        organisation=r.org, community=r.communities[0], statement="Answers at night", weight=4
    ),
    "need_update": lambda r: community_services.need_update(
        organisation=r.org, need=r.needs[0], statement=r.needs[0].statement, weight=5
    ),
    "need_delete": lambda r: community_services.need_delete(organisation=r.org, need=r.needs[1]),
    "need_move": lambda r: community_services.need_move(
        organisation=r.org, need=r.needs[1], direction="up"
    ),
    "communities_import_csv": lambda r: community_services.communities_import_csv(
        organisation=r.org, file=_csv("Makers,customers,,,Parts in stock,4,")
    ),
}

# Write functions whose change no roadmap page can have cached, or shows.
EXEMPT = {
    roadmap_services: {
        "roadmap_create",  # a new row: a primary key and a creation time of its own
        "roadmap_delete",  # the page is gone (a 404)
    },
    purpose_services: {"comment_create"},  # comments are not on the roadmap page
    community_services: set(),
}
WRITE_NAME = re.compile(r"^[a-z]+_(create|update|delete|add|remove|move|set_status|import_csv)$")


def _versions(r: Rows) -> tuple[int, int]:
    roadmap_version = Roadmap.objects.with_scopes_disabled().get(pk=r.roadmap.pk).version
    return roadmap_version, Organisation.objects.get(pk=r.org.pk).data_version


@pytest.mark.parametrize("name", ROADMAP_WRITES)
def test_a_roadmap_write_moves_the_roadmap_version_on(rows, name):
    before = _versions(rows)
    ROADMAP_WRITES[name](rows)
    after = _versions(rows)
    assert after[0] == before[0] + 1


@pytest.mark.parametrize("name", ORGANISATION_WRITES)
def test_a_write_the_page_shows_moves_the_organisation_data_version_on(rows, name):
    before = _versions(rows)
    ORGANISATION_WRITES[name](rows)
    after = _versions(rows)
    assert after[1] == before[1] + 1


@pytest.mark.parametrize(
    "module, cases",
    [
        (roadmap_services, ROADMAP_WRITES),
        (purpose_services, ORGANISATION_WRITES),
        (community_services, ORGANISATION_WRITES),
    ],
    ids=["roadmap", "purposes", "communities"],
)
def test_every_write_function_has_a_case(module, cases):
    writes = {
        name
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__ and WRITE_NAME.match(name)
    }
    # The pattern still finds the module's writes.
    assert writes and EXEMPT[module] <= writes
    assert writes - EXEMPT[module] <= set(cases)


def test_platform_staff_edits_move_the_organisation_data_version_on(world, rows):
    staff = world.client(UserFactory(is_staff=True, is_superuser=True))
    before = _versions(rows)
    renamed = staff.post(
        reverse("admin:organisations_user_change", args=[rows.owner.pk]),
        {
            "email": rows.owner.email,
            "first_name": "Renamed",
            "last_name": rows.owner.last_name,
            "is_active": "on",
            "date_joined_0": "2026-01-05",
            "date_joined_1": "09:00:00",
        },
    )
    assert renamed.status_code == 302
    deleted = staff.post(
        reverse("admin:roadmap_milestone_delete", args=[rows.milestones[2].pk]), {"post": "yes"}
    )
    assert deleted.status_code == 302
    with scopes_disabled():
        assert not Milestone.objects.filter(pk=rows.milestones[2].pk).exists()
    assert _versions(rows)[1] == before[1] + 2


def test_an_edit_that_changes_nothing_moves_nothing_on(rows):
    before = _versions(rows)
    purpose_services.purpose_update(
        purpose=rows.unplaced,
        actor=rows.facilitator,
        loaded_version=rows.unplaced.version,
        text=_purpose_text(rows.unplaced),
        communities=[],
    )
    purpose_services.purpose_set_status(
        purpose=rows.unplaced, status=rows.unplaced.status, actor=rows.facilitator
    )
    assert _versions(rows) == before


def test_a_stale_instance_saved_whole_does_not_put_a_version_back(rows):
    stale_roadmap = Roadmap.objects.with_scopes_disabled().get(pk=rows.roadmap.pk)
    stale_org = Organisation.objects.get(pk=rows.org.pk)
    ROADMAP_WRITES["milestone_move"](rows)
    ORGANISATION_WRITES["need_update"](rows)
    moved = _versions(rows)
    stale_roadmap.title = "Saved from an old form"
    stale_roadmap.save()
    stale_org.name = "Saved from an old form"
    stale_org.save()
    assert _versions(rows) == moved


def _detail(roadmap: Roadmap) -> str:
    return reverse(
        "roadmaps:detail",
        kwargs={"org_slug": roadmap.organisation.slug, "roadmap_id": roadmap.pk},
    )


# What a cache hit may read: the session, the user, the membership (with its
# organisation), the roadmap (with its owner, for the page's heading) and the
# user's organisations (the switcher in the header).
HIT_TABLES = {
    "django_session",
    "organisations_user",
    "organisations_membership",
    "roadmap_roadmap",
    "organisations_organisation",
}


def test_a_cache_hit_reads_none_of_the_rows_the_page_is_drawn_from(world):
    roadmap = sample_roadmap(world.ours.org, milestones=40)
    client = world.client(world.ours.user(Role.FACILITATOR))
    first = client.get(_detail(roadmap))
    assert first.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        second = client.get(_detail(roadmap))
    assert second.status_code == 200
    assert second.content.count(b'<tr id="milestone-') == 40
    read = {table for query in queries for table in re.findall(r'FROM "(\w+)"', query["sql"])}
    assert read == HIT_TABLES, [q["sql"] for q in queries]
    assert len(queries) == len(HIT_TABLES)


def test_a_change_is_on_the_next_page_and_then_cached_again(world, rows):
    client = world.client(world.ours.user(Role.FACILITATOR))
    html = client.get(_detail(rows.roadmap)).content.decode()
    assert "Renamed" not in html
    assert rows.unplaced.title in html  # chosen: it may be placed
    ROADMAP_WRITES["milestone_update"](rows)
    assert "Renamed" in client.get(_detail(rows.roadmap)).content.decode()
    ORGANISATION_WRITES["purpose_set_status"](rows)
    # Shortlisted, it may no longer be placed.
    assert rows.unplaced.title not in client.get(_detail(rows.roadmap)).content.decode()
    with CaptureQueriesContext(connection) as queries:
        html = client.get(_detail(rows.roadmap)).content.decode()
    assert "Renamed" in html and rows.unplaced.title not in html
    assert len(queries) == len(HIT_TABLES)
