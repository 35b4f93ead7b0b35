"""Two people edit one roadmap object at once: neither loses a field (common/merge.py)."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from organisations.models import AuditEntry
from organisations.permissions import Role
from roadmap.models import MilestoneStatus
from tests.support.concurrent_edit import Editor
from tests.support.roadmap_factories import MilestoneFactory, RoadmapFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def roadmap(world):
    return RoadmapFactory(
        organisation=world.ours.org, start=date(2026, 1, 1), end=date(2028, 12, 31)
    )


@pytest.fixture
def people(world):
    return (
        world.client(world.ours.user(Role.FACILITATOR)),
        world.client(world.ours.user(Role.ADMIN)),
    )


def _reload(obj) -> None:
    with scopes_disabled():
        obj.refresh_from_db()


def _milestone_url(roadmap, milestone):
    return reverse(
        "roadmaps:milestone_edit",
        kwargs={
            "org_slug": roadmap.organisation.slug,
            "roadmap_id": roadmap.pk,
            "milestone_id": milestone.pk,
        },
    )


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "dialog"])
def test_a_status_change_keeps_the_target_another_person_saved_meanwhile(roadmap, people, headers):
    """The issue's case: target 50 → 80 by one, status by the other; both stay."""
    milestone = MilestoneFactory(roadmap=roadmap, target_value=Decimal(50), description="a\nb")
    facilitator, admin = people
    url = _milestone_url(roadmap, milestone)
    theirs = Editor(facilitator, url, headers=headers)
    mine = Editor(admin, url, headers=headers)
    assert theirs.set(target_value="80").save().status_code in (200, 302)
    response = mine.set(status=MilestoneStatus.DONE).save()
    assert response.status_code in (200, 302)
    _reload(milestone)
    assert (milestone.target_value, milestone.status) == (Decimal(80), MilestoneStatus.DONE)
    assert milestone.description == "a\nb"
    # The audit log says the admin changed the status, not the target.
    with scopes_disabled():
        entry = AuditEntry.objects.filter(object_id=str(milestone.pk)).order_by("-pk").first()
    if entry is not None and entry.changes:
        assert "target_value" not in entry.changes_dict


def test_both_changing_one_field_is_a_clash_shown_side_by_side_and_nothing_is_saved(
    roadmap, people
):
    milestone = MilestoneFactory(roadmap=roadmap, title="Launch", target_value=Decimal(50))
    facilitator, admin = people
    url = _milestone_url(roadmap, milestone)
    theirs = Editor(facilitator, url)
    mine = Editor(admin, url)
    theirs.set(title="Launch the forum", target_value="80").save()
    response = mine.set(title="Open the forum").save()
    assert response.status_code == 409
    html = response.content.decode()
    assert "you both changed it" in html
    assert "Launch the forum" in html and "Open the forum" in html
    _reload(milestone)
    assert milestone.title == "Launch the forum"
    # Keeping mine saves my title and still their target.
    response = mine.reopen_from(response).save()
    assert response.status_code == 302
    _reload(milestone)
    assert (milestone.title, milestone.target_value) == ("Open the forum", Decimal(80))


def test_on_a_clash_the_person_may_take_theirs(roadmap, people):
    milestone = MilestoneFactory(roadmap=roadmap, title="Launch")
    facilitator, admin = people
    url = _milestone_url(roadmap, milestone)
    theirs, mine = Editor(facilitator, url), Editor(admin, url)
    theirs.set(title="Theirs").save()
    response = mine.set(title="Mine", description="My note").save()
    mine.reopen_from(response)
    name = mine.prefixed("title")
    response = mine.save(**{f"keep-{name}": "theirs"})
    assert response.status_code == 302
    _reload(milestone)
    assert (milestone.title, milestone.description) == ("Theirs", "My note")


def test_a_tampered_base_is_refused_with_a_message(roadmap, people):
    milestone = MilestoneFactory(roadmap=roadmap, title="Launch")
    facilitator, _ = people
    url = _milestone_url(roadmap, milestone)
    editor = Editor(facilitator, url).set(title="Changed")
    editor.data["edit_base"] = ["not-a-signed-value"]
    response = editor.save()
    assert response.status_code == 422
    assert "out of date" in response.content.decode()
    _reload(milestone)
    assert milestone.title == "Launch"
