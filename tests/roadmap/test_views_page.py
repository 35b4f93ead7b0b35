"""The roadmap page: what it shows, how the checks follow a change, and its queries."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from organisations.permissions import Role
from purposes.models import PurposeStatus, RoundStatus
from purposes.services import PurposeText, purpose_update
from roadmap.models import MilestoneKind
from roadmap.page_cache import fragments
from tests.support.factories import PurposeFactory, UserFactory
from tests.support.roadmap_factories import (
    MilestoneDependencyFactory,
    MilestoneFactory,
    PhaseFactory,
    PhasePurposeFactory,
    RoadmapFactory,
    sample_roadmap,
)
from tests.support.scoring import build_round, score_every_cell

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _url(name, roadmap, **kwargs):
    return reverse(
        f"roadmaps:{name}",
        kwargs={"org_slug": roadmap.organisation.slug, "roadmap_id": roadmap.pk, **kwargs},
    )


def _index(html: str, key: str) -> str:
    """The text of one readiness index, tags stripped."""
    block = re.search(rf'id="index-{key}">(.*?)</div>', html, re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", " ", block).split())


def _warning_codes(html: str) -> list[str]:
    return re.findall(r'class="warning" data-code="([a-z_]+)"', html)


def test_the_page_shows_timeline_table_checks_and_charts(world):
    roadmap = RoadmapFactory(organisation=world.ours.org, title="Engineers first")
    pilot = PhaseFactory(roadmap=roadmap, name="Pilot")
    PhasePurposeFactory(phase=pilot, purpose__title="Right first time", purpose__status="chosen")
    first = MilestoneFactory(roadmap=roadmap, title="500 members", start=date(2026, 3, 1))
    second = MilestoneFactory(roadmap=roadmap, title="Spam wave", start=date(2026, 2, 1), risk=True)
    MilestoneDependencyFactory(predecessor=first, successor=second)

    response = world.client(world.ours.user(Role.VIEWER)).get(_url("detail", roadmap))
    html = response.content.decode()
    assert response.status_code == 200
    # The briefs panel (reports app) loads into its slot; without JS, a link.
    assert 'id="briefs" hx-get="/o/ours/briefs/' in html
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    assert '<title id="timeline-title">Engineers first</title>' in html
    # The same rows as a table, numbered as on the chart (by date: the risk first).
    assert re.search(r'<td class="num">1</td>\s*<th scope="row" class="ms-title">Spam wave', html)
    assert re.search(r'<td class="num">2</td>\s*<th scope="row" class="ms-title">500 members', html)
    # The dependency is dated out of order: flagged in the row and in the list.
    assert "Dated before what it depends on" in html
    assert "is dated 28 days before what it depends on is finished" in html
    assert 'id="risk-matrix-title"' in html
    assert 'id="investment-value-title"' in html
    assert "Community targets over time" in html
    assert "Right first time" in html
    # A viewer reads; nothing to edit.
    assert "Add a milestone" not in html
    assert "hx-post" not in html.split('id="roadmap-body"')[1]


def test_undefined_indices_show_a_dash_and_the_reason(world):
    roadmap = RoadmapFactory(organisation=world.ours.org)
    html = world.client(world.ours.user(Role.VIEWER)).get(_url("detail", roadmap)).content
    html = html.decode()
    assert _index(html, "purpose_strength") == (
        "Purpose strength — not defined No scoring round has been revealed yet."
    )
    assert _index(html, "risk_coverage") == "Risk coverage — not defined No risk is recorded yet."
    assert "Nothing is invested in EUR yet." in _index(html, "investment_balance")
    assert "Needs at least two of the indices above." in _index(html, "overall")


def test_indices_come_from_the_latest_revealed_round(world):
    scoring_round = build_round(world.ours, purposes=2, needs=3, status=RoundStatus.REVEALED)
    score_every_cell(scoring_round)
    roadmap = RoadmapFactory(organisation=world.ours.org)
    phase = PhaseFactory(roadmap=roadmap)
    with scopes_disabled():
        purposes = list(scoring_round.purposes.all())
    for purpose in purposes:
        PhasePurposeFactory(phase=phase, purpose=purpose)
    html = world.client(world.ours.user(Role.VIEWER)).get(_url("detail", roadmap)).content
    strength = _index(html.decode(), "purpose_strength")
    assert re.fullmatch(r"Purpose strength \d+ / 100 \d+ / 100 Mean overall score.*", strength)


def test_a_warning_appears_and_goes_when_fixed(world):
    roadmap = RoadmapFactory(organisation=world.ours.org)
    client = world.client(world.ours.user(Role.FACILITATOR))
    investment = {
        "kind": "investment",
        "title": "Forum platform",
        "start": "2026-02-01",
        "status": "planned",
        "investment_amount": "40000",
        "investment_currency": "EUR",
        "investment_kind": "platform",
    }
    response = client.post(_url("milestone_create", roadmap), investment, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#roadmap-body"
    assert response["HX-Trigger"] == "roadmap-saved"
    assert "investment_without_value" in _warning_codes(html)
    # The warning links to what fixes it: a new value milestone, in the dialog.
    new_value = _url("milestone_create", roadmap) + "?kind=value"
    assert f'href="{new_value}" hx-get="{new_value}"' in html
    assert "Add a value milestone" in html

    value = {
        "kind": "value",
        "title": "Support cost saved",
        "start": "2026-09-01",
        "status": "planned",
        "value_metric": "Support tickets answered by members",
        "value_amount": "60000",
        "value_currency": "EUR",
    }
    html = client.post(_url("milestone_create", roadmap), value, **HTMX).content.decode()
    assert "investment_without_value" not in _warning_codes(html)


def test_indices_move_with_a_change(world):
    roadmap = RoadmapFactory(organisation=world.ours.org)
    risk = MilestoneFactory(roadmap=roadmap, risk=True, impact=5, mitigation="")
    MilestoneFactory(roadmap=roadmap, risk=True, impact=4, mitigation="Moderators on call")
    client = world.client(world.ours.user(Role.FACILITATOR))
    html = client.get(_url("detail", roadmap)).content.decode()
    assert _index(html, "risk_coverage").startswith("Risk coverage 50 / 100")
    assert "risk_unmitigated" in _warning_codes(html)

    edit = {
        "kind": "risk",
        "title": risk.title,
        "start": "2026-03-01",
        "status": "planned",
        "risk_category": "reputation",
        "likelihood": "3",
        "impact": "5",
        "mitigation": "Two moderators on call during launch week",
    }
    html = client.post(
        _url("milestone_edit", roadmap, milestone_id=risk.pk), edit, **HTMX
    ).content.decode()
    assert _index(html, "risk_coverage").startswith("Risk coverage 100 / 100")
    assert "risk_unmitigated" not in _warning_codes(html)


def test_warning_links_lead_a_viewer_to_the_thing_not_an_editor(world):
    roadmap = RoadmapFactory(organisation=world.ours.org)
    MilestoneFactory(roadmap=roadmap, title="500 members", owner=None)
    incomplete = PurposeFactory(
        organisation=world.ours.org, status=PurposeStatus.CHOSEN, value_to_organisation=""
    )
    PhasePurposeFactory(phase=PhaseFactory(roadmap=roadmap), purpose=incomplete)
    viewer = world.client(world.ours.user(Role.VIEWER)).get(_url("detail", roadmap))
    html = viewer.content.decode()
    assert set(_warning_codes(html)) == {"purpose_incomplete", "target_without_owner"}
    purpose_url = reverse(
        "purposes:detail", kwargs={"org_slug": "ours", "purpose_id": incomplete.pk}
    )
    assert f'href="{purpose_url}">See the purpose</a>' in html
    assert "Give it an owner" not in html

    facilitator = world.client(world.ours.user(Role.FACILITATOR)).get(_url("detail", roadmap))
    html = facilitator.content.decode()
    assert "Give it an owner</a>" in html
    edit_url = reverse("purposes:edit", kwargs={"org_slug": "ours", "purpose_id": incomplete.pk})
    assert f'href="{edit_url}">Complete the purpose</a>' in html


def test_the_timeline_follows_the_width_the_browser_reports(world):
    roadmap = RoadmapFactory(organisation=world.ours.org)
    client = world.client(world.ours.user(Role.VIEWER))
    client.cookies["roadmap_timeline_width"] = "703"
    response = client.get(
        _url("detail", roadmap), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="timeline-figure"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<figure id="timeline-figure"')
    assert 'data-width="680"' in html
    assert 'viewBox="0 0 680 ' in html
    client.cookies["roadmap_timeline_width"] = "nonsense"
    assert 'data-width="1200"' in client.get(_url("detail", roadmap)).content.decode()


def _page_queries(client, roadmap, *, cold: bool) -> int:
    if cold:  # render every section: an N+1 in a template would show
        cache.clear()
        fragments.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_url("detail", roadmap))
    assert response.status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_milestones(world):
    # Both organisations get a revealed round, so both pages read one.
    for tenant in (world.ours, world.foreign):
        score_every_cell(build_round(tenant, purposes=2, needs=3, status=RoundStatus.REVEALED))
    small = sample_roadmap(world.ours.org, milestones=10, seed=1)
    large = sample_roadmap(world.foreign.org, milestones=200, seed=2)
    ours = world.client(world.ours.user(Role.FACILITATOR))
    theirs = world.client(world.foreign.user(Role.FACILITATOR))
    _page_queries(ours, small, cold=True)  # the sessions settle alike
    _page_queries(theirs, large, cold=True)
    cold = (_page_queries(ours, small, cold=True), _page_queries(theirs, large, cold=True))
    _page_queries(ours, small, cold=False)  # ours again in the cache, which theirs cleared
    warm = (_page_queries(ours, small, cold=False), _page_queries(theirs, large, cold=False))
    assert cold[0] == cold[1]
    assert warm[0] == warm[1]
    assert warm[0] <= cold[0]


def test_milestone_summary_names_each_kinds_details(world):
    roadmap = RoadmapFactory(organisation=world.ours.org)
    MilestoneFactory(roadmap=roadmap, target_value=Decimal(750))
    MilestoneFactory(roadmap=roadmap, investment=True, amount=Decimal("12500.50"))
    MilestoneFactory(roadmap=roadmap, decision=True, decided=True)
    html = world.client(world.ours.user(Role.VIEWER)).get(_url("detail", roadmap)).content
    html = html.decode()
    assert "Members: 750" in html
    assert "12,500.50 EUR · Platform" in html
    assert "Technology selection (decided): Host the forum on our own platform" in html
    assert f'<h3 id="lane-{MilestoneKind.DECISION}">Decisions' in html


def test_the_cached_page_follows_changes_made_anywhere(world):
    """The sections are cached by versions every write moves on: never stale, never shared."""
    roadmap = RoadmapFactory(organisation=world.ours.org)
    placement = PhasePurposeFactory(
        phase=PhaseFactory(roadmap=roadmap), purpose__title="Old title", purpose__status="chosen"
    )
    milestone = MilestoneFactory(roadmap=roadmap, owner=world.ours.user(Role.EXECUTIVE))
    viewer = world.client(world.ours.user(Role.VIEWER))
    assert "Old title" in viewer.get(_url("detail", roadmap)).content.decode()

    # Changes made outside the roadmap's services (another app, the admin).
    purpose = placement.purpose
    with scopes_disabled():
        communities = list(purpose.communities.all())
    purpose_update(
        purpose=purpose,
        actor=world.ours.user(Role.FACILITATOR),
        loaded_version=purpose.version,
        text=PurposeText.from_values({**vars(purpose), "title": "New title"}),
        communities=communities,
    )
    owner = world.ours.user(Role.EXECUTIVE)
    staff = world.client(UserFactory(is_staff=True, is_superuser=True))
    renamed = staff.post(
        reverse("admin:organisations_user_change", args=[owner.pk]),
        {
            "email": owner.email,
            "first_name": "Renamed",
            "last_name": owner.last_name,
            "is_active": "on",
            "date_joined_0": "2026-01-05",
            "date_joined_1": "09:00:00",
        },
    )
    assert renamed.status_code == 302
    owner.refresh_from_db()
    html = viewer.get(_url("detail", roadmap)).content.decode()
    assert "New title" in html and "Old title" not in html
    assert f"Renamed {owner.last_name}" in html
    assert milestone.title in html

    # Someone who may edit gets the editing controls and a token of their own.
    facilitator = world.client(world.ours.user(Role.FACILITATOR))
    response = facilitator.get(_url("detail", roadmap))
    html = response.content.decode()
    assert f'id="m{milestone.pk}-on-week"' in html
    assert "csrf-token-placeholder" not in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    assert len(token) == 64
    assert (
        f'id="m{milestone.pk}-on-week"' not in viewer.get(_url("detail", roadmap)).content.decode()
    )


def test_a_date_conflict_in_the_dependencies_is_a_warning_in_the_check_panel(world):
    roadmap = RoadmapFactory(organisation=world.ours.org)
    first = MilestoneFactory(roadmap=roadmap, title="Forum live", start=date(2026, 6, 1))
    then = MilestoneFactory(roadmap=roadmap, title="First meetup", start=date(2026, 3, 19))
    MilestoneDependencyFactory(predecessor=first, successor=then)
    html = world.client(world.ours.user(Role.VIEWER)).get(_url("detail", roadmap)).text
    assert "dependency_date_conflict" in _warning_codes(html)
    assert "“First meetup” is dated 74 days before “Forum live”" in html
    assert "No “provide and pray” warnings" not in html


def test_an_empty_roadmap_does_not_claim_every_purpose_is_complete(world):
    roadmap = RoadmapFactory(organisation=world.ours.org)
    html = world.client(world.ours.user(Role.VIEWER)).get(_url("detail", roadmap)).text
    assert "every chosen purpose is complete" not in html
    assert "Nothing to check yet" in html
