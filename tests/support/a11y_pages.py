"""The pages and states the accessibility tests check, and how to reach each one.

A ``Visit`` names a page (or a state of one: a form with errors, an open
dialog, the what-if results), the role that looks at it and, where a state
takes more than a URL, the steps that bring the page there. ``Demo`` holds
the primary keys of the demo organisation's objects the paths need.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_scopes import scope
from playwright.sync_api import Page, expect

from communities.models import Community, Need
from organisations.models import Invitation, Membership, Organisation, User
from organisations.permissions import Role
from purposes.models import Purpose, PurposeRevision, PurposeStatus, RoundStatus, ScoringRound
from purposes.scoring import services as scoring_services
from roadmap.models import Milestone, MilestoneDependency, Phase, PhasePurpose, Roadmap

WIDTHS = {"desktop": 1280, "tablet": 800}
OPEN_ROUND = "Open workshop round"

ANONYMOUS = "anonymous"
ADMIN = "admin@demo.example"
EXECUTIVE = "executive@demo.example"
VIEWER = "viewer@demo.example"


@dataclass(frozen=True)
class Demo:
    """Where things are in the demo organisation (``voltaic``)."""

    slug: str
    community: int
    need: int
    purpose: int
    revisions: tuple[int, int]
    revealed_round: int
    open_round: int
    roadmap: int
    phase: int
    placement: int
    milestone: int
    dependency: int
    invitation_token: str
    reset_uid: str
    reset_token: str


def prepare_demo(org: Organisation) -> Demo:
    """Add to the loaded demo what some pages need: an open round, an invitation."""
    with scope(organisation=org):
        members = Membership.objects.filter(organisation=org).select_related("user")
        executives = [m.user for m in members if m.role == Role.EXECUTIVE]
        admin = next(m.user for m in members if m.role == Role.ADMIN)
        open_round = ScoringRound.objects.filter(name=OPEN_ROUND).first()
        if open_round is None:
            open_round = scoring_services.round_open(
                organisation=org,
                name=OPEN_ROUND,
                purposes=Purpose.objects.filter(
                    status__in=[PurposeStatus.SHORTLISTED, PurposeStatus.CHOSEN]
                ),
                needs=Need.objects.order_by("pk")[:4],
                executives=executives,
                created_by=admin,
            )
        revealed = ScoringRound.objects.filter(status=RoundStatus.REVEALED).order_by("pk").first()
        # Only the hash of an invitation's token is stored: make one whose token we know.
        token, token_hash = Invitation.new_token()
        Invitation.objects.create(
            organisation=org,
            email=f"new.director.{token_hash[:8]}@example.com",
            role=Role.VIEWER,
            token_hash=token_hash,
            invited_by=admin,
        )
        revised = (
            PurposeRevision.objects.values_list("purpose_id", flat=True)
            .order_by("-number", "purpose_id")
            .first()
        )
        revisions = list(
            PurposeRevision.objects.filter(purpose_id=revised)
            .order_by("number")
            .values_list("number", flat=True)
        )
        roadmap = Roadmap.objects.order_by("pk").first()
        dependency = (
            MilestoneDependency.objects.filter(successor__roadmap=roadmap).order_by("pk").first()
        )
        user = User.objects.get(email=ADMIN)
        return Demo(
            slug=org.slug,
            community=Community.objects.order_by("pk").first().pk,
            need=Need.objects.order_by("pk").first().pk,
            purpose=revised,
            revisions=(revisions[0], revisions[-1]),
            revealed_round=revealed.pk,
            open_round=open_round.pk,
            roadmap=roadmap.pk,
            phase=Phase.objects.filter(roadmap=roadmap).order_by("pk").first().pk,
            placement=PhasePurpose.objects.filter(phase__roadmap=roadmap).order_by("pk").first().pk,
            milestone=Milestone.objects.filter(roadmap=roadmap).order_by("pk").first().pk,
            dependency=dependency.pk,
            invitation_token=token,
            reset_uid=urlsafe_base64_encode(force_bytes(user.pk)),
            reset_token=default_token_generator.make_token(user),
        )


@dataclass(frozen=True)
class Visit:
    """One page or state, as one role sees it."""

    name: str
    role: str
    path: Callable[[Demo], str]
    # Brings the page into the state to check (after it has loaded).
    state: Callable[[Page], None] | None = None
    # Rule id → selector of nodes axe is wrong about in this state (see run_axe).
    waived: dict[str, str] | None = None


def org_url(name: str, *args: Callable[[Demo], object]) -> Callable[[Demo], str]:
    return lambda d: reverse(name, args=[d.slug, *(arg(d) for arg in args)])


def url(name: str, *args: Callable[[Demo], object]) -> Callable[[Demo], str]:
    return lambda d: reverse(name, args=[arg(d) for arg in args])


def _roadmap(d: Demo) -> int:
    return d.roadmap


def _sign_in_wrongly(page: Page, email: str) -> None:
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _submit_bad_sign_in(page: Page) -> None:
    # An address of its own each time: failures count towards a lockout.
    _sign_in_wrongly(page, f"nobody.{uuid.uuid4().hex[:8]}@example.com")
    expect(page.locator(".form-errors")).to_be_visible()


def _get_locked_out(page: Page) -> None:
    email = f"locked.{uuid.uuid4().hex[:8]}@example.com"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in_wrongly(page, email)
    page.goto(page.url)
    _sign_in_wrongly(page, email)
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def _submit_bad_roadmap(page: Page) -> None:
    page.get_by_label("Title").fill("Engineers first")
    page.get_by_label("Start", exact=True).fill("2026-01-01")
    page.get_by_label("End", exact=True).fill("2031-06-30")
    page.get_by_role("button", name="Create roadmap").click()
    expect(page.locator("#id_end_error")).to_be_visible()


def _open_milestone_dialog(page: Page) -> None:
    page.locator("#timeline-add-milestone").click()
    expect(page.locator("#roadmap-dialog")).to_be_visible()
    expect(page.locator("#roadmap-dialog #editor-title")).to_be_visible()


def _milestone_dialog_with_errors(page: Page) -> None:
    _open_milestone_dialog(page)
    dialog = page.locator("#roadmap-dialog")
    dialog.get_by_label("Date (or start)").fill("2019-01-01")
    dialog.get_by_role("button", name="Add milestone").click()
    expect(dialog.locator("[aria-invalid=true]").first).to_be_visible()


def _open_phase_dialog(page: Page) -> None:
    page.locator("#add-phase").click()
    expect(page.locator("#roadmap-dialog")).to_be_visible()
    expect(page.locator("#roadmap-dialog #editor-title")).to_be_visible()


def _what_if(page: Page) -> None:
    weight = page.locator(".what-if input[type=number], .what-if input[type=range]").first
    with page.expect_response(lambda r: "/results/" in r.url):
        weight.fill("1")
        weight.dispatch_event("input")
    expect(page.get_by_text("what-if weights, not saved")).to_be_visible()


def _open_export_menu(page: Page) -> None:
    page.locator(".export-menu summary").click()


def _open_user_menu(page: Page) -> None:
    page.locator(".user-menu summary").click()
    expect(page.locator(".user-menu ul")).to_be_visible()


def _open_org_switcher(page: Page) -> None:
    page.locator(".org-switcher summary").click()
    expect(page.locator(".org-switcher ul")).to_be_visible()


# While a header menu is open, Pico lays a transparent layer over the whole
# window (``details.dropdown[open] > summary::before``, position: fixed) that
# takes every click outside the menu and closes it. The section tabs the menu
# half covers are then no pointer targets at all, but axe measures the sliver
# left showing as a too-small target. ``covered_tabs_take_no_clicks`` (in
# test_axe.py) checks that the layer does take those clicks.
UNDER_OPEN_MENU = {"target-size": ".section-nav a"}


VISITS: list[Visit] = [
    # Signed out.
    Visit("sign-in", ANONYMOUS, url("login")),
    Visit("sign-in-errors", ANONYMOUS, url("login"), _submit_bad_sign_in),
    Visit("sign-in-locked-out", ANONYMOUS, url("login"), _get_locked_out),
    Visit("password-reset", ANONYMOUS, url("password_reset")),
    Visit("password-reset-sent", ANONYMOUS, url("password_reset_done")),
    Visit(
        "password-reset-new",
        ANONYMOUS,
        lambda d: reverse("password_reset_confirm", args=[d.reset_uid, d.reset_token]),
    ),
    Visit(
        "password-reset-bad-link", ANONYMOUS, url("password_reset_confirm", *[lambda d: "MQ"] * 2)
    ),
    Visit("password-reset-done", ANONYMOUS, url("password_reset_complete")),
    Visit("invitation", ANONYMOUS, url("invitation_accept", lambda d: d.invitation_token)),
    Visit("invitation-invalid", ANONYMOUS, url("invitation_accept", lambda d: "not-a-token")),
    # The organisation admin sees most.
    Visit("dashboard", ADMIN, url("dashboard")),
    Visit("organisation-new", ADMIN, url("organisation_create")),
    Visit(
        "user-menu-open",
        ADMIN,
        org_url("organisations:home"),
        _open_user_menu,
        waived=UNDER_OPEN_MENU,
    ),
    Visit(
        "org-switcher-open",
        ADMIN,
        org_url("organisations:home"),
        _open_org_switcher,
        waived=UNDER_OPEN_MENU,
    ),
    Visit("org-home", ADMIN, org_url("organisations:home")),
    Visit("members", ADMIN, org_url("organisations:members")),
    Visit("org-settings", ADMIN, org_url("organisations:settings")),
    Visit("audit-log", ADMIN, org_url("organisations:audit")),
    Visit("password-change", ADMIN, url("password_change")),
    Visit("communities", ADMIN, org_url("communities:list")),
    Visit("community-edit", ADMIN, org_url("communities:community_edit", lambda d: d.community)),
    Visit("need-edit", ADMIN, org_url("communities:need_edit", lambda d: d.need)),
    Visit(
        "community-delete", ADMIN, org_url("communities:community_delete", lambda d: d.community)
    ),
    Visit("communities-import", ADMIN, org_url("communities:import")),
    Visit("purposes", ADMIN, org_url("purposes:list")),
    Visit("purpose-new", ADMIN, org_url("purposes:create")),
    Visit("purpose", ADMIN, org_url("purposes:detail", lambda d: d.purpose)),
    Visit("purpose-edit", ADMIN, org_url("purposes:edit", lambda d: d.purpose)),
    Visit("purpose-revisions", ADMIN, org_url("purposes:revisions", lambda d: d.purpose)),
    Visit(
        "purpose-compare",
        ADMIN,
        lambda d: (
            reverse("purposes:compare", args=[d.slug, d.purpose])
            + f"?old={d.revisions[0]}&new={d.revisions[1]}"
        ),
    ),
    Visit("rounds", ADMIN, org_url("scoring:list")),
    Visit("round-new", ADMIN, org_url("scoring:new")),
    Visit("levels", ADMIN, org_url("scoring:levels")),
    Visit("rounds-compare", ADMIN, org_url("scoring:compare")),
    Visit("round-open", ADMIN, org_url("scoring:detail", lambda d: d.open_round)),
    Visit("round-revealed", ADMIN, org_url("scoring:detail", lambda d: d.revealed_round)),
    Visit("results", ADMIN, org_url("scoring:results", lambda d: d.revealed_round)),
    Visit(
        "results-what-if", ADMIN, org_url("scoring:results", lambda d: d.revealed_round), _what_if
    ),
    Visit("roadmaps", ADMIN, org_url("roadmaps:list")),
    Visit("roadmap-new", ADMIN, org_url("roadmaps:create")),
    Visit("roadmap-new-errors", ADMIN, org_url("roadmaps:create"), _submit_bad_roadmap),
    Visit("roadmap", ADMIN, org_url("roadmaps:detail", _roadmap)),
    Visit("roadmap-export-menu", ADMIN, org_url("roadmaps:detail", _roadmap), _open_export_menu),
    Visit(
        "roadmap-milestone-dialog",
        ADMIN,
        org_url("roadmaps:detail", _roadmap),
        _open_milestone_dialog,
    ),
    Visit(
        "roadmap-milestone-dialog-errors",
        ADMIN,
        org_url("roadmaps:detail", _roadmap),
        _milestone_dialog_with_errors,
    ),
    Visit("roadmap-phase-dialog", ADMIN, org_url("roadmaps:detail", _roadmap), _open_phase_dialog),
    Visit("roadmap-edit", ADMIN, org_url("roadmaps:edit", _roadmap)),
    Visit("roadmap-delete", ADMIN, org_url("roadmaps:delete", _roadmap)),
    Visit("phase-new", ADMIN, org_url("roadmaps:phase_create", _roadmap)),
    Visit("phase-edit", ADMIN, org_url("roadmaps:phase_edit", _roadmap, lambda d: d.phase)),
    Visit(
        "placement-remove",
        ADMIN,
        org_url("roadmaps:placement_remove", _roadmap, lambda d: d.placement),
    ),
    Visit("milestone-new", ADMIN, org_url("roadmaps:milestone_create", _roadmap)),
    Visit(
        "milestone-edit", ADMIN, org_url("roadmaps:milestone_edit", _roadmap, lambda d: d.milestone)
    ),
    Visit("dependency-new", ADMIN, org_url("roadmaps:dependency_create", _roadmap)),
    Visit(
        "dependency-delete",
        ADMIN,
        org_url("roadmaps:dependency_delete", _roadmap, lambda d: d.dependency),
    ),
    Visit("calendar-feed", ADMIN, org_url("roadmap_exchange:calendar", _roadmap)),
    Visit("roadmap-import", ADMIN, org_url("roadmap_exchange:import")),
    Visit("briefs", ADMIN, org_url("reports:panel", _roadmap)),
    Visit("not-found", ADMIN, lambda d: f"/o/{d.slug}/purposes/999999/"),
    # An executive scoring in an open round; a viewer's roadmap.
    Visit("score", EXECUTIVE, org_url("scoring:score", lambda d: d.open_round)),
    Visit("round-open-executive", EXECUTIVE, org_url("scoring:detail", lambda d: d.open_round)),
    Visit("roadmap-viewer", VIEWER, org_url("roadmaps:detail", _roadmap)),
    Visit("org-home-viewer", VIEWER, org_url("organisations:home")),
]
