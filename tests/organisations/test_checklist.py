"""A new organisation's home walks its facilitators through the workshop, step by step."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from organisations.checklist import checklist_from
from organisations.models import AuditEntry, Membership, Organisation
from organisations.permissions import Role
from organisations.workshop import Step, StepState
from purposes.models import PurposeStatus, RoundStatus, ScoringRound
from tests.support.factories import (
    CommunityFactory,
    MembershipFactory,
    NeedFactory,
    PurposeFactory,
)
from tests.support.report_factories import ReportFactory
from tests.support.roadmap_factories import MilestoneFactory, PhaseFactory, PhasePurposeFactory
from tests.support.scoring import build_round
from tests.support.world import Tenant

HTMX = {"HTTP_HX_REQUEST": "true"}
SCORERS = [Role.EXECUTIVE, Role.FACILITATOR]


def _home(client, org):
    return client.get(reverse("organisations:home", args=[org.slug]))


def _items(html: str) -> list[tuple[str, str]]:
    """(state, title) of each checklist item as the page prints it.

    The state is "done", else "next" (outlined, its link the button), else
    "begun", else "todo", as the item's classes say.
    """
    items = []
    for classes, title in re.findall(
        r'<li class="checklist-item([^"]*)".*?</span>\s*([^<]+)</p>', html, re.S
    ):
        marks = set(classes.split())
        state = next(
            (name for name in ("done", "next", "started") if f"is-{name}" in marks), "todo"
        )
        items.append(({"started": "begun"}.get(state, state), title.strip()))
    return items


def _states(html: str) -> list[str]:
    return [state for state, _title in _items(html)]


# ------------------------------------------------------------- on the page


@pytest.mark.django_db
def test_the_checklist_ticks_each_step_as_its_data_appears(world):
    """A plain user creates an organisation and walks it through all five steps."""
    client = world.client(world.loner)
    assert client.post("/organisations/new/", {"name": "Acme"})["Location"] == "/o/acme/"
    org = Organisation.objects.get(slug="acme")
    slug = org.slug

    page = _home(client, org).text
    assert _items(page) == [
        ("next", "Add the stakeholder communities and their needs"),
        ("todo", "Draft purposes and shortlist them"),
        ("todo", "Open a scoring round, then reveal it"),
        ("todo", "Place the chosen purposes on a roadmap"),
        ("todo", "Make a board brief"),
    ]
    assert "0 of 5 done" in page
    assert 'aria-current="step"' in page
    assert f'href="/o/{slug}/communities/" role="button">Add communities</a>' in page

    # 1. A community alone is a start; its needs finish the step.
    community = CommunityFactory(organisation=org, name="Design engineers")
    assert _states(_home(client, org).text)[0] == "next"
    assert "Add their needs" in _home(client, org).text
    NeedFactory(community=community)
    page = _home(client, org).text
    assert _states(page) == ["done", "next", "todo", "todo", "todo"]
    assert "1 of 5 done" in page
    assert "1 community, 1 weighted need" in page

    # 2. Purposes drafted, then shortlisted.
    purpose = PurposeFactory(organisation=org)
    assert _states(_home(client, org).text)[1] == "next"
    with scopes_disabled():
        type(purpose).objects.filter(pk=purpose.pk).update(status=PurposeStatus.SHORTLISTED)
    assert _states(_home(client, org).text) == ["done", "done", "next", "todo", "todo"]

    # 3. A round opened is under way; revealed, it is done.
    team = Tenant(
        org=org,
        members={role: MembershipFactory(organisation=org, role=role) for role in SCORERS},
    )
    scoring_round = build_round(team, status=RoundStatus.OPEN)
    page = _home(client, org).text
    assert _states(page)[2] == "next"
    assert "1 round open for scoring" in page
    assert "Go to the open round" in page
    with scopes_disabled():
        ScoringRound.objects.filter(pk=scoring_round.pk).update(status=RoundStatus.REVEALED)
    assert _states(_home(client, org).text) == ["done", "done", "done", "next", "todo"]

    # 4. The chosen purposes placed on a roadmap, with its milestones.
    phase = PhaseFactory(roadmap__organisation=org)
    PhasePurposeFactory(phase=phase, purpose=PurposeFactory(organisation=org, status="chosen"))
    assert _states(_home(client, org).text)[3] == "next"
    MilestoneFactory(roadmap=phase.roadmap)
    page = _home(client, org).text
    assert _states(page) == ["done", "done", "done", "done", "next"]
    assert f'href="/o/{slug}/roadmaps/{phase.roadmap.pk}/#briefs" role="button"' in page

    # 5. A brief being made is under way; once made, the checklist is gone.
    ReportFactory(roadmap=phase.roadmap, version=1)
    page = _home(client, org).text
    assert _states(page)[4] == "next"
    assert "Board brief version 1: queued." in page
    ReportFactory(roadmap=phase.roadmap, version=2, done=True)
    page = _home(client, org).text
    assert _items(page) == []
    assert 'id="checklist-heading"' not in page
    assert "The workshop, step by step" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "shown"),
    [(Role.ADMIN, True), (Role.FACILITATOR, True), (Role.EXECUTIVE, False), (Role.VIEWER, False)],
)
def test_only_those_who_run_the_workshop_see_it(world, role, shown):
    page = _home(world.client(world.ours.user(role)), world.ours.org).text
    assert ('id="checklist-heading"' in page) is shown
    assert ("Hide the checklist" in page) is shown


@pytest.mark.django_db
def test_hiding_it_hides_it_for_this_member_only(world):
    facilitator = world.client(world.ours.user(Role.FACILITATOR))
    url = reverse("organisations:checklist", args=[world.ours.org.slug])
    response = facilitator.post(url, {"hidden": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("organisations:home", args=[world.ours.org.slug])

    page = _home(facilitator, world.ours.org).text
    assert 'id="checklist-heading"' not in page
    assert "Setup checklist hidden (0 of 5 done)." in page
    assert 'name="hidden" value="0"' in page
    # The admin still sees theirs.
    admin_page = _home(world.client(world.ours.user(Role.ADMIN)), world.ours.org).text
    assert 'id="checklist-heading"' in admin_page
    with scopes_disabled():
        assert Membership.objects.filter(checklist_hidden=True).count() == 1

    facilitator.post(url, {"hidden": "0"})
    assert 'id="checklist-heading"' in _home(facilitator, world.ours.org).text


@pytest.mark.django_db
def test_htmx_swaps_the_checklist_for_its_hidden_line_and_back(world):
    client = world.client(world.ours.user(Role.ADMIN))
    url = reverse("organisations:checklist", args=[world.ours.org.slug])

    hidden = client.post(url, {"hidden": "1"}, **HTMX)
    assert hidden.status_code == 200
    html = hidden.text.strip()
    assert html.startswith('<div id="setup-checklist">')
    assert "<html" not in html
    # The button keeps its id, so htmx gives the focus back to it after the swap.
    assert 'id="checklist-toggle" name="hidden" value="0"' in html

    shown = client.post(url, {"hidden": "0"}, **HTMX).text
    assert 'id="checklist-toggle" name="hidden" value="1"' in shown
    assert len(_items(shown)) == 5


@pytest.mark.django_db
def test_hiding_it_is_not_in_the_audit_log(world):
    client = world.client(world.ours.user(Role.ADMIN))
    with scopes_disabled():
        before = AuditEntry.objects.count()
    client.post(reverse("organisations:checklist", args=[world.ours.org.slug]), {"hidden": "1"})
    with scopes_disabled():
        assert AuditEntry.objects.count() == before
        # …and a new membership's entry does not mention it either.
        membership = MembershipFactory(organisation=world.ours.org)
        entry = AuditEntry.objects.filter(object_pk=str(membership.pk)).latest("pk")
    assert "checklist_hidden" not in entry.changes


@pytest.mark.django_db
def test_the_checklist_costs_no_query_and_the_count_stays_flat(world):
    org = world.ours.org

    def count(role):
        client = world.client(world.ours.user(role))
        with CaptureQueriesContext(connection) as queries:
            assert _home(client, org).status_code == 200
        return len(queries)

    def grow(size):
        community = CommunityFactory(organisation=org)
        for _ in range(size):
            NeedFactory(community=community)
            PurposeFactory(organisation=org, status=PurposeStatus.SHORTLISTED)
        phase = PhaseFactory(roadmap=roadmap)
        for _ in range(size):
            PhasePurposeFactory(phase=phase, purpose__status=PurposeStatus.CHOSEN)
            MilestoneFactory(roadmap=roadmap)

    phase = PhaseFactory(roadmap__organisation=org)
    roadmap = phase.roadmap
    grow(1)
    build_round(world.ours, status=RoundStatus.OPEN)
    small = count(Role.ADMIN)
    # The viewer's page is the same page without the checklist.
    assert count(Role.VIEWER) == small
    assert 'id="checklist-heading"' in _home(world.client(world.ours.user(Role.ADMIN)), org).text

    grow(10)
    build_round(world.ours, purposes=5, needs=8, status=RoundStatus.OPEN)
    assert count(Role.ADMIN) == small


# ------------------------------------------------------- from the steps alone


def _step(number, state, url="", summary="Where it stands."):
    return Step(number=number, title=f"Step {number}", summary=summary, state=state, url=url)


def _steps(*states, urls=None):
    urls = urls or {}
    return [
        _step(number, state, urls.get(number, f"/step/{number}/"))
        for number, state in zip([1, 2, 3, 4, 5, 6, 7], states, strict=True)
    ]


def test_the_next_item_is_the_first_not_done_even_if_a_later_one_is():
    todo, begun, done = StepState.TODO, StepState.STARTED, StepState.DONE
    checklist = checklist_from(_steps(done, todo, done, done, begun, todo, todo))
    assert [(item.state, item.is_next) for item in checklist.items] == [
        (done, False),
        (todo, True),
        (done, False),
        (begun, False),
        (todo, False),
    ]
    assert checklist.done_count == 2
    assert not checklist.complete


def test_it_takes_steps_1_2_3_5_and_7_with_their_links():
    checklist = checklist_from(_steps(*[StepState.TODO] * 7))
    assert [item.url for item in checklist.items] == [
        "/step/1/",
        "/step/2/",
        "/step/3/",
        "/step/5/",
        "/step/7/",
    ]
    assert [item.number for item in checklist.items] == [1, 2, 3, 4, 5]


def test_a_step_that_cannot_begin_yet_links_to_the_one_it_waits_for():
    checklist = checklist_from(_steps(*[StepState.TODO] * 7, urls={7: ""}))
    assert checklist.items[-1].url == "/step/5/"


def test_an_item_says_what_to_do_until_begun_then_where_it_stands():
    checklist = checklist_from(_steps(StepState.TODO, StepState.STARTED, *[StepState.DONE] * 5))
    first, second, third = checklist.items[:3]
    assert first.detail.startswith("Who should take part (customers, suppliers")
    assert first.action == "Add communities"
    assert second.detail == "Where it stands."
    assert second.action == "Shortlist purposes"
    assert third.detail == "Where it stands."
    assert third.action == "Open a round"


def test_all_done_is_complete_and_a_missing_step_is_left_out():
    checklist = checklist_from([_step(n, StepState.DONE) for n in (1, 2, 3, 7)])
    assert [item.title for item in checklist.items][-1] == "Make a board brief"
    assert len(checklist.items) == 4
    assert checklist.complete
    assert not any(item.is_next for item in checklist.items)
