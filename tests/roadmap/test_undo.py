"""Undo on the roadmap page: a move, a deleted milestone, phase or dependency comes back exactly.

Only for the person who made the change, once, for ten minutes, and never over
someone else's newer change: each refusal says why.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from organisations.models import AuditEntry
from organisations.permissions import Role
from purposes.models import PurposeStatus
from roadmap import services
from roadmap.models import (
    Milestone,
    MilestoneDependency,
    MilestoneKind,
    Phase,
    PhasePurpose,
    Roadmap,
    UndoRecord,
)
from tests.support.factories import CommunityFactory, PurposeFactory
from tests.support.roadmap_factories import (
    MilestoneDependencyFactory,
    MilestoneFactory,
    PhaseFactory,
    PhasePurposeFactory,
    RoadmapFactory,
)

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def roadmap(world):
    return RoadmapFactory(
        organisation=world.ours.org, start=date(2026, 1, 1), end=date(2028, 12, 31)
    )


@pytest.fixture
def alice(world):
    return world.ours.user(Role.FACILITATOR)


@pytest.fixture
def bob(world):
    return world.ours.user(Role.ADMIN)


def _url(name, roadmap, **kwargs):
    return reverse(
        f"roadmaps:{name}",
        kwargs={"org_slug": roadmap.organisation.slug, "roadmap_id": roadmap.pk, **kwargs},
    )


def _row(model, pk) -> dict:
    with scopes_disabled():
        return model.objects.filter(pk=pk).values().get()


def _undo(roadmap, user, record):
    return services.undo_apply(
        organisation=roadmap.organisation, roadmap=roadmap, user=user, token=record.token
    )


def _refused(roadmap, user, record) -> str:
    with pytest.raises(services.ValidationError) as refusal:
        _undo(roadmap, user, record)
    return " ".join(refusal.value.messages)


def _version(roadmap) -> int:
    return Roadmap.objects.with_scopes_disabled().get(pk=roadmap.pk).version


def _dependencies(roadmap) -> set[tuple[int, int, int]]:
    with scopes_disabled():
        return set(
            MilestoneDependency.objects.filter(successor__roadmap=roadmap).values_list(
                "pk", "predecessor_id", "successor_id"
            )
        )


def _rich_milestone(roadmap, world):
    """A risk with every column of its kind filled, an owner, a purpose and a community."""
    return MilestoneFactory(
        roadmap=roadmap,
        risk=True,
        title="Moderation burnout",
        description="Volunteers leave\nafter the launch.",
        start=date(2026, 5, 4),
        end=date(2026, 7, 19),
        owner=world.ours.user(Role.EXECUTIVE),
        purpose=PurposeFactory(organisation=world.ours.org, status=PurposeStatus.CHOSEN),
        community=CommunityFactory(organisation=world.ours.org),
        review_date=date(2026, 6, 1),
    )


# ---------------------------------------------------------------- a move


def test_a_move_is_undone_to_the_exact_earlier_dates(roadmap, alice):
    stretch = MilestoneFactory(roadmap=roadmap, start=date(2026, 3, 1), end=date(2026, 3, 31))
    record = services.milestone_move_with_undo(
        organisation=roadmap.organisation, milestone=stretch, start=date(2026, 5, 10), user=alice
    )
    before = _version(roadmap)
    undone = _undo(roadmap, alice, record)
    stretch.refresh_from_db()
    assert (stretch.start, stretch.end) == (date(2026, 3, 1), date(2026, 3, 31))
    assert undone.message == f"“{stretch.title}” is back on 1 Mar 2026."
    # A write like any other: audited, and the page's cache moves on.
    assert _version(roadmap) == before + 1
    with scopes_disabled():
        entry = AuditEntry.objects.filter(object_pk=str(stretch.pk)).latest("timestamp")
    assert entry.changes["start"] == ["2026-05-10", "2026-03-01"]


def test_an_undo_works_once(roadmap, alice):
    milestone = MilestoneFactory(roadmap=roadmap, start=date(2026, 3, 1))
    record = services.milestone_move_with_undo(
        organisation=roadmap.organisation, milestone=milestone, start=date(2026, 4, 1), user=alice
    )
    _undo(roadmap, alice, record)
    assert _refused(roadmap, alice, record) == "This change has already been undone."


def test_a_move_made_again_by_someone_else_is_not_overwritten(roadmap, alice, bob):
    milestone = MilestoneFactory(roadmap=roadmap, title="Launch", start=date(2026, 3, 1))
    record = services.milestone_move_with_undo(
        organisation=roadmap.organisation, milestone=milestone, start=date(2026, 4, 1), user=alice
    )
    services.milestone_move_with_undo(
        organisation=roadmap.organisation, milestone=milestone, start=date(2026, 6, 15), user=bob
    )
    assert _refused(roadmap, alice, record) == (
        "“Launch” has been moved or changed since (it is now on 15 Jun 2026): undoing would "
        "overwrite that. Move it back to 1 Mar 2026 by hand if that is still right."
    )
    milestone.refresh_from_db()
    assert milestone.start == date(2026, 6, 15)
    # Refused, not used: nothing was written, the record is untouched.
    with scopes_disabled():
        assert UndoRecord.objects.get(pk=record.pk).used_at is None


def test_only_the_author_may_undo(roadmap, alice, bob):
    milestone = MilestoneFactory(roadmap=roadmap, start=date(2026, 3, 1))
    record = services.milestone_move_with_undo(
        organisation=roadmap.organisation, milestone=milestone, start=date(2026, 4, 1), user=alice
    )
    assert _refused(roadmap, bob, record) == "Only the person who made a change can undo it."
    milestone.refresh_from_db()
    assert milestone.start == date(2026, 4, 1)


def test_an_undo_expires_after_ten_minutes(roadmap, alice):
    milestone = MilestoneFactory(roadmap=roadmap, start=date(2026, 3, 1))
    record = services.milestone_move_with_undo(
        organisation=roadmap.organisation, milestone=milestone, start=date(2026, 4, 1), user=alice
    )
    with scopes_disabled():
        UndoRecord.objects.filter(pk=record.pk).update(
            created_at=timezone.now() - timedelta(minutes=10, seconds=1)
        )
    assert _refused(roadmap, alice, record) == (
        "Too late to undo: a change can be undone for 10 minutes."
    )


def test_a_record_of_another_roadmap_is_unknown_here(world, roadmap, alice):
    milestone = MilestoneFactory(roadmap=roadmap, start=date(2026, 3, 1))
    record = services.milestone_move_with_undo(
        organisation=roadmap.organisation, milestone=milestone, start=date(2026, 4, 1), user=alice
    )
    other = RoadmapFactory(organisation=world.ours.org)
    assert _refused(other, alice, record) == "This change can no longer be undone."


def test_old_records_are_cleared_by_the_next_undoable_write(roadmap, alice):
    milestone = MilestoneFactory(roadmap=roadmap, start=date(2026, 3, 1))
    old = services.milestone_move_with_undo(
        organisation=roadmap.organisation, milestone=milestone, start=date(2026, 4, 1), user=alice
    )
    with scopes_disabled():
        UndoRecord.objects.filter(pk=old.pk).update(
            created_at=timezone.now() - services.UNDO_KEPT - timedelta(seconds=1)
        )
    services.milestone_move_with_undo(
        organisation=roadmap.organisation, milestone=milestone, start=date(2026, 5, 1), user=alice
    )
    with scopes_disabled():
        assert not UndoRecord.objects.filter(pk=old.pk).exists()
        assert UndoRecord.objects.count() == 1


# ---------------------------------------------------------------- a deleted milestone


def test_a_deleted_milestone_comes_back_with_every_field_its_key_and_its_dependencies(
    world, roadmap, alice
):
    milestone = _rich_milestone(roadmap, world)
    before = MilestoneDependencyFactory(
        predecessor=MilestoneFactory(roadmap=roadmap, title="Before"), successor=milestone
    )
    after = MilestoneDependencyFactory(
        predecessor=milestone, successor=MilestoneFactory(roadmap=roadmap, title="After")
    )
    row, links = _row(Milestone, milestone.pk), _dependencies(roadmap)
    record = services.milestone_delete_with_undo(
        organisation=roadmap.organisation, milestone=milestone, user=alice
    )
    assert _dependencies(roadmap) == set()

    undone = _undo(roadmap, alice, record)
    restored = _row(Milestone, milestone.pk)
    assert restored.pop("updated_at") >= row.pop("updated_at")
    assert restored == row  # the same key, creation time and every column
    assert (
        _dependencies(roadmap)
        == links
        == {
            (before.pk, before.predecessor_id, milestone.pk),
            (after.pk, milestone.pk, after.successor_id),
        }
    )
    assert undone.message == (
        "Restored the milestone “Moderation burnout”. Its 2 dependencies are back too."
    )
    with scopes_disabled():
        created = AuditEntry.objects.filter(action=AuditEntry.Action.CREATE)
        assert created.filter(object_pk=str(milestone.pk)).exists()
        assert created.filter(object_pk=str(before.pk)).exists()


def test_a_milestone_comes_back_without_a_dependency_whose_other_end_is_gone(roadmap, alice):
    milestone = MilestoneFactory(roadmap=roadmap, title="Launch")
    gone = MilestoneFactory(roadmap=roadmap, title="Design")
    MilestoneDependencyFactory(predecessor=gone, successor=milestone)
    kept = MilestoneDependencyFactory(
        predecessor=milestone, successor=MilestoneFactory(roadmap=roadmap)
    )
    record = services.milestone_delete_with_undo(
        organisation=roadmap.organisation, milestone=milestone, user=alice
    )
    services.milestone_delete(organisation=roadmap.organisation, milestone=gone)

    undone = _undo(roadmap, alice, record)
    assert _dependencies(roadmap) == {(kept.pk, milestone.pk, kept.successor_id)}
    assert undone.message == (
        "Restored the milestone “Launch”. Its dependency is back too. Its dependencies with "
        "“Design” are not: those milestones have been deleted since."
    )


def test_a_dependency_that_would_now_close_a_loop_stays_out(roadmap, alice, bob):
    first = MilestoneFactory(roadmap=roadmap, title="First")
    middle = MilestoneFactory(roadmap=roadmap, title="Middle")
    last = MilestoneFactory(roadmap=roadmap, title="Last")
    MilestoneDependencyFactory(predecessor=first, successor=middle)
    MilestoneDependencyFactory(predecessor=middle, successor=last)
    record = services.milestone_delete_with_undo(
        organisation=roadmap.organisation, milestone=middle, user=alice
    )
    services.dependency_add(organisation=roadmap.organisation, predecessor=last, successor=first)

    undone = _undo(roadmap, alice, record)
    # First → Middle comes back; Middle → Last would close First → Middle → Last → First.
    assert {(p, s) for _pk, p, s in _dependencies(roadmap)} == {
        (first.pk, middle.pk),
        (last.pk, first.pk),
    }
    assert "Its dependencies with “Last” are not: they would now close a loop" in undone.message


def test_a_milestone_is_not_restored_outside_the_roadmaps_new_dates(roadmap, alice):
    milestone = MilestoneFactory(roadmap=roadmap, title="Early", start=date(2026, 1, 5))
    record = services.milestone_delete_with_undo(
        organisation=roadmap.organisation, milestone=milestone, user=alice
    )
    Roadmap.objects.with_scopes_disabled().filter(pk=roadmap.pk).update(
        start=date(2028, 1, 1), end=date(2030, 12, 31)
    )
    roadmap.refresh_from_db()
    message = _refused(roadmap, alice, record)
    assert message.startswith("“Early” cannot come back: the roadmap's dates have changed since.")
    assert not Milestone.objects.with_scopes_disabled().filter(pk=milestone.pk).exists()


def test_restoring_a_milestone_costs_the_same_queries_however_many_dependencies(
    world, roadmap, alice
):
    def restore_with(count: int) -> int:
        milestone = _rich_milestone(roadmap, world)
        for _ in range(count):
            MilestoneDependencyFactory(
                predecessor=milestone, successor=MilestoneFactory(roadmap=roadmap)
            )
        record = services.milestone_delete_with_undo(
            organisation=roadmap.organisation, milestone=milestone, user=alice
        )
        with CaptureQueriesContext(connection) as queries:
            _undo(roadmap, alice, record)
        return len(queries)

    one, eight = restore_with(1), restore_with(8)
    assert one == eight
    assert one <= 25


# ---------------------------------------------------------------- a deleted phase


def test_a_deleted_phase_comes_back_with_its_purposes_in_order(roadmap, alice):
    phase = PhaseFactory(roadmap=roadmap, name="Pilot")
    placements = [
        PhasePurposeFactory(phase=phase, position=position, purpose__status=PurposeStatus.CHOSEN)
        for position in range(3)
    ]
    rows = [_row(PhasePurpose, placement.pk) for placement in placements]
    phase_row = _row(Phase, phase.pk)
    record = services.phase_delete_with_undo(
        organisation=roadmap.organisation, phase=phase, user=alice
    )
    assert not PhasePurpose.objects.with_scopes_disabled().exists()

    undone = _undo(roadmap, alice, record)
    assert _row(Phase, phase.pk) == phase_row
    assert [_row(PhasePurpose, placement.pk) for placement in placements] == rows
    assert undone.message == "Restored the phase “Pilot” with its 3 purposes."


def test_a_purpose_no_longer_chosen_is_not_placed_again(roadmap, alice):
    phase = PhaseFactory(roadmap=roadmap, name="Pilot")
    kept = PhasePurposeFactory(phase=phase, purpose__status=PurposeStatus.CHOSEN)
    dropped = PhasePurposeFactory(
        phase=phase, position=1, purpose__status=PurposeStatus.CHOSEN, purpose__title="Moonshot"
    )
    record = services.phase_delete_with_undo(
        organisation=roadmap.organisation, phase=phase, user=alice
    )
    with scopes_disabled():
        type(dropped.purpose).objects.filter(pk=dropped.purpose_id).update(
            status=PurposeStatus.SHORTLISTED
        )

    undone = _undo(roadmap, alice, record)
    with scopes_disabled():
        assert list(PhasePurpose.objects.values_list("pk", flat=True)) == [kept.pk]
    assert undone.message == (
        "Restored the phase “Pilot” with its purpose. Not placed in it again, as no longer "
        "chosen or deleted since: “Moonshot”."
    )


def test_a_phase_is_not_restored_over_a_phase_added_since(roadmap, alice, bob):
    phase = PhaseFactory(roadmap=roadmap, name="Pilot")
    record = services.phase_delete_with_undo(
        organisation=roadmap.organisation, phase=phase, user=alice
    )
    services.phase_create(
        organisation=roadmap.organisation,
        roadmap=roadmap,
        name="Trial",
        start=date(2026, 2, 1),
        end=date(2026, 8, 31),
    )
    assert _refused(roadmap, alice, record) == (
        "The phase “Pilot” cannot come back: This phase overlaps “Trial” (1 Feb 2026 to "
        "31 Aug 2026)."
    )
    assert not Phase.objects.with_scopes_disabled().filter(pk=phase.pk).exists()


# ---------------------------------------------------------------- a removed dependency


def test_a_removed_dependency_comes_back(roadmap, alice):
    dependency = MilestoneDependencyFactory(
        predecessor=MilestoneFactory(roadmap=roadmap, title="Design"),
        successor__title="Launch",
    )
    record = services.dependency_remove_with_undo(
        organisation=roadmap.organisation, dependency=dependency, user=alice
    )
    undone = _undo(roadmap, alice, record)
    assert {(p, s) for _pk, p, s in _dependencies(roadmap)} == {
        (dependency.predecessor_id, dependency.successor_id)
    }
    assert undone.message == "“Launch” waits for “Design” again."


def test_a_dependency_whose_milestone_is_gone_cannot_come_back(roadmap, alice):
    dependency = MilestoneDependencyFactory(
        predecessor=MilestoneFactory(roadmap=roadmap, title="Design"),
        successor__title="Launch",
    )
    record = services.dependency_remove_with_undo(
        organisation=roadmap.organisation, dependency=dependency, user=alice
    )
    services.milestone_delete(organisation=roadmap.organisation, milestone=dependency.successor)
    assert _refused(roadmap, alice, record) == (
        "“Launch” has been deleted since, so the dependency cannot come back."
    )


def test_a_dependency_that_would_close_a_loop_cannot_come_back(roadmap, alice):
    design = MilestoneFactory(roadmap=roadmap, title="Design")
    launch = MilestoneFactory(roadmap=roadmap, title="Launch")
    dependency = MilestoneDependencyFactory(predecessor=design, successor=launch)
    record = services.dependency_remove_with_undo(
        organisation=roadmap.organisation, dependency=dependency, user=alice
    )
    services.dependency_add(organisation=roadmap.organisation, predecessor=launch, successor=design)
    assert "would wait for each other in a loop" in _refused(roadmap, alice, record)


# ---------------------------------------------------------------- on the page


def test_a_move_answers_beside_the_timeline_with_an_undo_button(world, roadmap, alice):
    milestone = MilestoneFactory(roadmap=roadmap, title="Launch", start=date(2026, 3, 1))
    client = world.client(alice)
    response = client.post(
        _url("milestone_move", roadmap, milestone_id=milestone.pk), {"start": "2027-03-12"}, **HTMX
    )
    html = response.content.decode()
    with scopes_disabled():
        record = UndoRecord.objects.get()
    assert '<div hx-swap-oob="innerHTML:#roadmap-notice">' in html
    assert f'name="token" value="{record.token}"' in html
    # Said once, beside the timeline, not in the messages at the top as well.
    assert html.count("Moved “Launch” to 12 Mar 2027.") == 1

    response = client.post(_url("undo", roadmap), {"token": record.token}, **HTMX)
    assert response.status_code == 200
    assert "“Launch” is back on 1 Mar 2026." in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.start == date(2026, 3, 1)

    again = client.post(_url("undo", roadmap), {"token": record.token}, **HTMX)
    assert again.status_code == 409
    assert "This change has already been undone." in again.content.decode()


def test_without_javascript_the_undo_button_comes_with_the_page_once(world, roadmap, alice):
    phase = PhaseFactory(roadmap=roadmap, name="Pilot")
    client = world.client(alice)
    response = client.post(_url("phase_delete", roadmap, phase_id=phase.pk), {"confirmed": "yes"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Deleted the phase “Pilot”; its milestones stay on the roadmap." in page
    assert '<form method="post" action="' + _url("undo", roadmap) in page
    with scopes_disabled():
        token = UndoRecord.objects.get().token
    # Shown once: a reload does not offer it again.
    assert token not in client.get(response["Location"]).content.decode()

    response = client.post(_url("undo", roadmap), {"token": token})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#phase-{phase.pk}")
    assert "Restored the phase “Pilot”." in client.get(response["Location"]).content.decode()
    assert Phase.objects.with_scopes_disabled().filter(pk=phase.pk).exists()


@pytest.mark.parametrize(
    "token",
    ["", "1" + "0" * 23, str(10**23), "x" * 32, "../" * 11, "a" * 10_000, "\x00" * 32],
    ids=["empty", "10^23 digits", "10^23", "unknown", "path", "long", "nul"],
)
def test_a_garbage_token_is_refused_with_a_message(world, roadmap, alice, token):
    response = world.client(alice).post(_url("undo", roadmap), {"token": token}, **HTMX)
    assert response.status_code == 409
    assert "This change can no longer be undone." in response.content.decode()


def test_someone_else_is_told_they_cannot_undo(world, roadmap, alice, bob):
    dependency = MilestoneDependencyFactory(predecessor=MilestoneFactory(roadmap=roadmap))
    world.client(alice).post(
        _url("dependency_delete", roadmap, dependency_id=dependency.pk), {"confirmed": "yes"}
    )
    with scopes_disabled():
        token = UndoRecord.objects.get().token
    response = world.client(bob).post(_url("undo", roadmap), {"token": token}, **HTMX)
    assert response.status_code == 409
    assert "Only the person who made a change can undo it." in response.content.decode()
    assert not _dependencies(roadmap)


def test_a_refused_drag_is_said_beside_the_timeline(world, roadmap, alice):
    milestone = MilestoneFactory(roadmap=roadmap, start=date(2026, 3, 1))
    response = world.client(alice).post(
        _url("milestone_move", roadmap, milestone_id=milestone.pk), {"start": "2040-01-01"}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 422
    notice = html.split('<div hx-swap-oob="innerHTML:#roadmap-notice">')[1]
    assert notice.startswith('<div class="message message-error">')
    assert "Keep the milestone between" in notice
    with scopes_disabled():
        assert not UndoRecord.objects.exists()


def test_the_timeline_gives_the_dragging_script_its_month_names_and_arrow_ends(
    world, roadmap, alice
):
    design = MilestoneFactory(roadmap=roadmap, kind=MilestoneKind.COMMUNITY)
    launch = MilestoneFactory(roadmap=roadmap, start=date(2026, 9, 1), target_value=Decimal(9))
    MilestoneDependencyFactory(predecessor=design, successor=launch)
    html = world.client(alice).get(_url("detail", roadmap)).content.decode()
    assert 'data-months="Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec"' in html
    assert f'data-from="{design.pk}" data-to="{launch.pk}"' in html


def test_an_undo_on_the_page_costs_no_more_queries_than_the_move_it_undoes(world, roadmap, alice):
    milestone = MilestoneFactory(roadmap=roadmap, start=date(2026, 3, 1))
    MilestoneDependencyFactory(predecessor=milestone, successor__roadmap=roadmap)
    client = world.client(alice)
    client.get(_url("detail", roadmap))  # the session as it is on the page
    url = _url("milestone_move", roadmap, milestone_id=milestone.pk)
    with CaptureQueriesContext(connection) as move:
        client.post(url, {"start": "2026-04-01"}, **HTMX)
    with scopes_disabled():
        token = UndoRecord.objects.get().token
    with CaptureQueriesContext(connection) as undo:
        response = client.post(_url("undo", roadmap), {"token": token}, **HTMX)
    assert response.status_code == 200
    assert len(undo) <= len(move)
