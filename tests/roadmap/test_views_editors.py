"""Editing on the roadmap page: phases, placed purposes, milestones, dates, dependencies."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from organisations.permissions import Role
from purposes.models import PurposeStatus
from roadmap import services
from roadmap.models import Milestone, MilestoneDependency, MilestoneKind, Phase, PhasePurpose
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


def _url(name, roadmap, **kwargs):
    return reverse(
        f"roadmaps:{name}",
        kwargs={"org_slug": roadmap.organisation.slug, "roadmap_id": roadmap.pk, **kwargs},
    )


@pytest.fixture
def roadmap(world):
    return RoadmapFactory(
        organisation=world.ours.org, start=date(2026, 1, 1), end=date(2028, 12, 31)
    )


@pytest.fixture
def facilitator(world):
    return world.client(world.ours.user(Role.FACILITATOR))


# ---------------------------------------------------------------- phases


def test_the_phase_editor_opens_in_the_dialog_with_the_next_dates(roadmap, facilitator):
    PhaseFactory(roadmap=roadmap, start=date(2026, 1, 1), end=date(2026, 6, 30))
    response = facilitator.get(_url("phase_create", roadmap), **HTMX)
    html = response.content.decode()
    assert response["HX-Retarget"] == "#roadmap-dialog-body"
    assert '<h2 id="editor-title" class="editor-title">Add a phase</h2>' in html
    assert 'value="2026-07-01"' in html and 'value="2026-12-31"' in html
    # Without JavaScript the same editor is a page of its own.
    page = facilitator.get(_url("phase_create", roadmap)).content.decode()
    assert '<h1 id="editor-title">Add a phase</h1>' in page


def test_a_phase_is_added_and_the_page_body_comes_back(roadmap, facilitator):
    data = {"name": "Pilot", "start": "2026-01-01", "end": "2026-06-30"}
    response = facilitator.post(_url("phase_create", roadmap), data, **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#roadmap-body"
    assert 'id="roadmap-body"' in response.content.decode()
    with scopes_disabled():
        assert Phase.objects.get(roadmap=roadmap).name == "Pilot"
    # Without htmx: a redirect to the phase on the page.
    data = {"name": "Launch", "start": "2026-07-01", "end": "2026-12-31"}
    response = facilitator.post(_url("phase_create", roadmap), data)
    assert response.status_code == 302
    assert "#phase-" in response["Location"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"name": "Launch", "start": "2026-06-01", "end": "2026-12-31"},
            "This phase overlaps “Pilot” (1 Jan 2026 to 30 Jun 2026).",
        ),
        (
            {"name": "Later", "start": "2028-07-01", "end": "2029-06-30"},
            "A phase must lie within the roadmap (1 Jan 2026 to 31 Dec 2028).",
        ),
        ({"name": "Backwards", "start": "2027-06-01", "end": "2027-01-01"}, "cannot come before"),
        ({"name": "", "start": "2027-01-01", "end": "2027-06-01"}, "This field is required."),
    ],
)
def test_a_bad_phase_is_refused_with_its_reason(roadmap, facilitator, data, message):
    PhaseFactory(roadmap=roadmap, name="Pilot", start=date(2026, 1, 1), end=date(2026, 6, 30))
    response = facilitator.post(_url("phase_create", roadmap), data, **HTMX)
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#roadmap-dialog-body"
    assert message in response.content.decode()
    with scopes_disabled():
        assert Phase.objects.filter(roadmap=roadmap).count() == 1


def test_a_phase_of_another_roadmap_is_not_found(world, roadmap, facilitator):
    other = PhaseFactory(roadmap=RoadmapFactory(organisation=world.ours.org))
    response = facilitator.get(_url("phase_edit", roadmap, phase_id=other.pk))
    assert response.status_code == 404


def test_a_phase_is_deleted_after_confirmation_and_its_milestones_stay(roadmap, facilitator):
    phase = PhaseFactory(roadmap=roadmap, name="Pilot")
    placement = PhasePurposeFactory(phase=phase, purpose__status=PurposeStatus.CHOSEN)
    milestone = MilestoneFactory(roadmap=roadmap, start=phase.start)
    url = _url("phase_delete", roadmap, phase_id=phase.pk)
    page = facilitator.get(url).content.decode()
    assert "Delete the phase “Pilot”?" in page
    assert "The 1 purpose placed in it is taken off the roadmap; milestones stay." in page
    response = facilitator.post(url, {"confirmed": "yes"}, **HTMX)
    assert response.status_code == 200
    with scopes_disabled():
        assert not Phase.objects.filter(pk=phase.pk).exists()
        assert not PhasePurpose.objects.filter(pk=placement.pk).exists()
        assert Milestone.objects.filter(pk=milestone.pk).exists()


# ---------------------------------------------------------------- placements


def test_purposes_are_placed_in_sequence_and_reordered(world, roadmap, facilitator):
    phase = PhaseFactory(roadmap=roadmap)
    first, second = (
        PurposeFactory(organisation=world.ours.org, status=PurposeStatus.CHOSEN, title=title)
        for title in ("Magnetic first", "Riskier later")
    )
    for purpose in (first, second):
        response = facilitator.post(
            _url("placement_add", roadmap, phase_id=phase.pk), {"purpose": purpose.pk}, **HTMX
        )
        assert response.status_code == 200
    with scopes_disabled():
        order = list(PhasePurpose.objects.filter(phase=phase).order_by("position"))
    assert [p.purpose_id for p in order] == [first.pk, second.pk]

    facilitator.post(
        _url("placement_move", roadmap, placement_id=order[1].pk), {"direction": "up"}, **HTMX
    )
    with scopes_disabled():
        order = list(PhasePurpose.objects.filter(phase=phase).order_by("position"))
    assert [p.purpose_id for p in order] == [second.pk, first.pk]

    url = _url("placement_remove", roadmap, placement_id=order[0].pk)
    assert "Take “Riskier later” out of" in facilitator.get(url).content.decode()
    facilitator.post(url, {"confirmed": "yes"}, **HTMX)
    with scopes_disabled():
        left = list(PhasePurpose.objects.filter(phase=phase).values_list("purpose", "position"))
    assert left == [(first.pk, 0)]


@pytest.mark.parametrize("which", ["draft", "foreign"])
def test_only_our_chosen_purposes_can_be_placed(world, roadmap, facilitator, which):
    phase = PhaseFactory(roadmap=roadmap)
    purpose = (
        PurposeFactory(organisation=world.ours.org, status=PurposeStatus.DRAFT)
        if which == "draft"
        else PurposeFactory(organisation=world.foreign.org, status=PurposeStatus.CHOSEN)
    )
    response = facilitator.post(
        _url("placement_add", roadmap, phase_id=phase.pk), {"purpose": purpose.pk}, **HTMX
    )
    assert response.status_code == 422
    assert "Choose one of the chosen purposes." in response.content.decode()
    assert 'aria-invalid="true" aria-describedby="place-' in response.content.decode()
    with scopes_disabled():
        assert not PhasePurpose.objects.exists()


def test_the_service_refuses_a_purpose_that_is_not_chosen(world, roadmap):
    phase = PhaseFactory(roadmap=roadmap)
    draft = PurposeFactory(organisation=world.ours.org, title="Half-baked")
    with pytest.raises(services.ValidationError, match="Only chosen purposes"):
        services.placement_add(organisation=world.ours.org, phase=phase, purpose=draft)


# ---------------------------------------------------------------- milestones

KIND_DATA = {
    MilestoneKind.COMMUNITY: (
        {"metric": "custom", "metric_label": "Answers by members", "target_value": "300"},
        {"metric": "custom", "metric_label": "Answers by members", "target_value": Decimal(300)},
    ),
    MilestoneKind.RISK: (
        {
            "risk_category": "security",
            "likelihood": "2",
            "impact": "5",
            "mitigation": "Privacy review",
            "review_date": "2026-09-01",
        },
        {
            "risk_category": "security",
            "likelihood": 2,
            "impact": 5,
            "review_date": date(2026, 9, 1),
        },
    ),
    MilestoneKind.INVESTMENT: (
        {"investment_amount": "25000", "investment_currency": "usd", "investment_kind": "content"},
        {"amount": Decimal(25000), "currency": "USD", "investment_kind": "content"},
    ),
    MilestoneKind.VALUE: (
        {"value_metric": "Qualified leads", "value_amount": "120", "value_currency": ""},
        {"value_metric": "Qualified leads", "amount": Decimal(120), "currency": None},
    ),
    MilestoneKind.DECISION: (
        {"decision_area": "moderation", "decision_text": "Members moderate", "decided": "on"},
        {"decision_area": "moderation", "decision_text": "Members moderate", "decided": True},
    ),
}


def _milestone_data(kind, **extra):
    fields, _ = KIND_DATA[kind]
    return {
        "kind": kind,
        "title": f"A {kind} milestone",
        "start": "2026-04-01",
        "status": "on_track",
        **fields,
        **extra,
    }


@pytest.mark.parametrize("kind", list(KIND_DATA))
def test_a_milestone_of_each_kind_is_saved_with_its_own_fields(world, roadmap, facilitator, kind):
    # Fields of the other kinds are typed in too: they are ignored.
    noise = {"metric": "members", "target_value": "9", "investment_amount": "1", "impact": "1"}
    noise = {k: v for k, v in noise.items() if k not in KIND_DATA[kind][0]}
    data = {**noise, **_milestone_data(kind, owner=world.ours.user(Role.EXECUTIVE).pk)}
    response = facilitator.post(_url("milestone_create", roadmap), data, **HTMX)
    assert response.status_code == 200, response.content.decode()[:2000]
    with scopes_disabled():
        milestone = Milestone.objects.get(roadmap=roadmap)
    assert milestone.kind == kind
    assert milestone.owner == world.ours.user(Role.EXECUTIVE)
    for field, value in KIND_DATA[kind][1].items():
        assert getattr(milestone, field) == value, field
    if kind != MilestoneKind.COMMUNITY:
        assert milestone.metric is None and milestone.target_value is None
    if kind != MilestoneKind.RISK:
        assert milestone.impact is None


@pytest.mark.parametrize(
    ("kind", "blank", "field", "message"),
    [
        ("community", {"target_value": ""}, "target_value", "Give a target of zero or more."),
        ("community", {"metric_label": ""}, "metric_label", "Name the measure"),
        ("risk", {"likelihood": ""}, "likelihood", "Rate the likelihood from 1"),
        ("risk", {"impact": "7"}, "impact", "Select a valid choice"),
        ("investment", {"investment_currency": ""}, "investment_currency", "Give the currency"),
        ("investment", {"investment_amount": "-5"}, "investment_amount", "greater than or equal"),
        ("value", {"value_metric": ""}, "value_metric", "Say what the value is"),
        ("decision", {"decision_text": ""}, "decision_text", "Say what is (or is to be) decided."),
        ("decision", {"decision_area": ""}, "decision_area", "one of the five implementation"),
    ],
)
def test_a_milestone_missing_its_kinds_details_is_refused_on_that_field(
    roadmap, facilitator, kind, blank, field, message
):
    response = facilitator.post(
        _url("milestone_create", roadmap), _milestone_data(kind, **blank), **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert f'id="id_msnew_{field}_error" class="field-error">' in html
    assert message in html
    with scopes_disabled():
        assert not Milestone.objects.exists()


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        ("community", "metric_label"),
        ("value", "value_metric"),
        ("decision", "decision_text"),
    ],
)
@pytest.mark.parametrize("bad", ["x" * 100_000, "nul \x00 inside"])
def test_a_text_the_form_refuses_gets_its_message_not_a_500(roadmap, facilitator, kind, field, bad):
    response = facilitator.post(
        _url("milestone_create", roadmap), _milestone_data(kind, **{field: bad}), **HTMX
    )
    assert response.status_code == 422
    assert f'id="id_msnew_{field}_error" class="field-error">' in response.content.decode()
    with scopes_disabled():
        assert not Milestone.objects.exists()


@pytest.mark.parametrize("start", ["0001-01-01", "9999-12-31", "2020-01-01"])
def test_a_milestone_far_outside_the_roadmap_is_refused_on_its_date(roadmap, facilitator, start):
    data = _milestone_data("community", start=start)
    response = facilitator.post(_url("milestone_create", roadmap), data, **HTMX)
    assert response.status_code == 422
    assert "Keep the milestone between" in response.content.decode()
    with scopes_disabled():
        assert not Milestone.objects.exists()


def test_a_milestone_without_a_kind_says_so(roadmap, facilitator):
    response = facilitator.post(
        _url("milestone_create", roadmap), {"title": "Something", "start": "2026-01-01"}, **HTMX
    )
    assert response.status_code == 422
    assert "id_msnew_kind_error" in response.content.decode()


@pytest.mark.parametrize("field", ["owner", "purpose", "community"])
def test_a_foreign_owner_purpose_or_community_is_refused(world, roadmap, facilitator, field):
    foreign = {
        "owner": world.foreign.user(Role.EXECUTIVE).pk,
        "purpose": PurposeFactory(organisation=world.foreign.org).pk,
        "community": CommunityFactory(organisation=world.foreign.org).pk,
    }[field]
    data = _milestone_data(MilestoneKind.COMMUNITY, **{field: foreign})
    response = facilitator.post(_url("milestone_create", roadmap), data, **HTMX)
    assert response.status_code == 422
    assert f"id_msnew_{field}_error" in response.content.decode()
    with scopes_disabled():
        assert not Milestone.objects.exists()


def test_changing_a_milestones_kind_clears_the_old_kinds_fields(roadmap, facilitator):
    milestone = MilestoneFactory(roadmap=roadmap, risk=True)
    form = facilitator.get(_url("milestone_edit", roadmap, milestone_id=milestone.pk), **HTMX)
    assert f'id="id_ms{milestone.pk}_mitigation"' in form.content.decode()
    assert "Moderators on call" in form.content.decode()
    data = _milestone_data(MilestoneKind.DECISION)
    response = facilitator.post(
        _url("milestone_edit", roadmap, milestone_id=milestone.pk), data, **HTMX
    )
    assert response.status_code == 200
    milestone.refresh_from_db()
    assert milestone.kind == MilestoneKind.DECISION
    assert (milestone.risk_category, milestone.likelihood, milestone.mitigation) == (None, None, "")


def test_a_milestone_is_deleted_after_confirmation(roadmap, facilitator):
    milestone = MilestoneFactory(roadmap=roadmap, title="Obsolete")
    url = _url("milestone_delete", roadmap, milestone_id=milestone.pk)
    assert "Delete the milestone “Obsolete”?" in facilitator.post(url).content.decode()
    response = facilitator.post(url, {"confirmed": "yes"}, **HTMX)
    assert response["HX-Trigger"] == "roadmap-saved"
    with scopes_disabled():
        assert not Milestone.objects.exists()


# ---------------------------------------------------------------- moving dates


@pytest.mark.parametrize(
    ("shift", "start", "expected"),
    [
        ("+1w", date(2026, 3, 1), date(2026, 3, 8)),
        ("-1w", date(2026, 3, 1), date(2026, 2, 22)),
        ("+1m", date(2026, 1, 31), date(2026, 2, 28)),
        ("-1m", date(2026, 3, 31), date(2026, 2, 28)),
        ("+1m", date(2027, 12, 15), date(2028, 1, 15)),
    ],
)
def test_a_milestone_moves_by_a_week_or_a_month(roadmap, facilitator, shift, start, expected):
    milestone = MilestoneFactory(roadmap=roadmap, start=start)
    response = facilitator.post(
        _url("milestone_move", roadmap, milestone_id=milestone.pk), {"shift": shift}, **HTMX
    )
    assert response.status_code == 200
    milestone.refresh_from_db()
    assert milestone.start == expected
    # The keyboard stays where it was: the button keeps its id in the new body.
    assert f'id="m{milestone.pk}-on-week"' in response.content.decode()


def test_a_dragged_stretch_keeps_its_length(roadmap, facilitator):
    milestone = MilestoneFactory(roadmap=roadmap, start=date(2026, 3, 1), end=date(2026, 3, 31))
    facilitator.post(
        _url("milestone_move", roadmap, milestone_id=milestone.pk),
        {"start": "2026-05-10"},
        **HTMX,
    )
    milestone.refresh_from_db()
    assert (milestone.start, milestone.end) == (date(2026, 5, 10), date(2026, 6, 9))


@pytest.mark.parametrize("data", [{"start": "2040-01-01"}, {"shift": "+9y"}, {}])
def test_a_move_far_away_or_unclear_is_refused(roadmap, facilitator, data):
    milestone = MilestoneFactory(roadmap=roadmap, start=date(2026, 3, 1))
    response = facilitator.post(
        _url("milestone_move", roadmap, milestone_id=milestone.pk), data, **HTMX
    )
    assert response.status_code == 422
    assert 'class="message message-error"' in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.start == date(2026, 3, 1)


def test_a_move_without_javascript_redirects_to_the_row(roadmap, facilitator):
    milestone = MilestoneFactory(roadmap=roadmap, start=date(2026, 3, 1))
    response = facilitator.post(
        _url("milestone_move", roadmap, milestone_id=milestone.pk), {"shift": "+1m"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#milestone-{milestone.pk}")


# ---------------------------------------------------------------- dependencies


def test_a_dependency_is_added_and_a_date_conflict_flagged(roadmap, facilitator):
    design = MilestoneFactory(roadmap=roadmap, title="Design", start=date(2026, 6, 1))
    launch = MilestoneFactory(roadmap=roadmap, title="Launch", start=date(2026, 5, 1))
    response = facilitator.post(
        _url("dependency_create", roadmap),
        {"predecessor": design.pk, "successor": launch.pk},
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "“Launch” is dated 31 days before what it depends on is finished." in html
    with scopes_disabled():
        assert MilestoneDependency.objects.filter(predecessor=design, successor=launch).exists()


def test_a_loop_is_refused_with_a_message_naming_it(roadmap, facilitator):
    a, b, c = (MilestoneFactory(roadmap=roadmap, title=title) for title in "ABC")
    MilestoneDependencyFactory(predecessor=a, successor=b)
    MilestoneDependencyFactory(predecessor=b, successor=c)
    response = facilitator.post(
        _url("dependency_create", roadmap), {"predecessor": c.pk, "successor": a.pk}, **HTMX
    )
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#roadmap-dialog-body"
    assert "in a loop: C → A → B → C" in response.content.decode()
    with scopes_disabled():
        assert MilestoneDependency.objects.count() == 2


@pytest.mark.parametrize("where", ["other roadmap", "other organisation", "itself"])
def test_a_dependency_on_a_milestone_out_of_reach_is_refused(world, roadmap, facilitator, where):
    ours = MilestoneFactory(roadmap=roadmap)
    other = {
        "other roadmap": lambda: MilestoneFactory(
            roadmap=RoadmapFactory(organisation=world.ours.org)
        ),
        "other organisation": lambda: MilestoneFactory(
            roadmap=RoadmapFactory(organisation=world.foreign.org)
        ),
        "itself": lambda: ours,
    }[where]()
    response = facilitator.post(
        _url("dependency_create", roadmap),
        {"predecessor": other.pk, "successor": ours.pk},
        **HTMX,
    )
    assert response.status_code == 422
    with scopes_disabled():
        assert not MilestoneDependency.objects.exists()


def test_a_dependency_is_removed_after_confirmation(roadmap, facilitator):
    dependency = MilestoneDependencyFactory(
        predecessor=MilestoneFactory(roadmap=roadmap, title="Before"),
        successor__title="After",
    )
    url = _url("dependency_delete", roadmap, dependency_id=dependency.pk)
    assert "Stop “After” waiting for “Before”?" in facilitator.get(url).content.decode()
    facilitator.post(url, {"confirmed": "yes"}, **HTMX)
    with scopes_disabled():
        assert not MilestoneDependency.objects.exists()


# ---------------------------------------------------------------- services


def test_services_refuse_rows_of_two_organisations(world, roadmap):
    foreign_milestone = MilestoneFactory(roadmap=RoadmapFactory(organisation=world.foreign.org))
    ours = MilestoneFactory(roadmap=roadmap)
    with pytest.raises(services.WrongOrganisation):
        services.dependency_add(
            organisation=world.ours.org, predecessor=foreign_milestone, successor=ours
        )
    with pytest.raises(services.WrongOrganisation):
        services.milestone_move(
            organisation=world.ours.org, milestone=foreign_milestone, start=date(2026, 1, 1)
        )
    with pytest.raises(services.WrongOrganisation):
        services.phase_create(
            organisation=world.foreign.org,
            roadmap=roadmap,
            name="Pilot",
            start=date(2026, 1, 1),
            end=date(2026, 2, 1),
        )
    with pytest.raises(services.WrongOrganisation):
        services.milestone_create(
            organisation=world.ours.org,
            roadmap=roadmap,
            kind=MilestoneKind.COMMUNITY,
            title="Foreign purpose",
            start=date(2026, 1, 1),
            purpose=PurposeFactory(organisation=world.foreign.org),
            details=services.MilestoneDetails(metric="members", target_value=Decimal(1)),
        )


def test_the_service_validates_kind_fields_before_the_database_does(world, roadmap):
    with pytest.raises(services.ValidationError) as refused:
        services.milestone_create(
            organisation=world.ours.org,
            roadmap=roadmap,
            kind=MilestoneKind.RISK,
            title="Vague risk",
            start=date(2026, 1, 1),
            details=services.MilestoneDetails(risk_category="culture", likelihood=9),
        )
    assert set(refused.value.message_dict) == {"likelihood", "impact"}
    with scopes_disabled():
        assert not Milestone.objects.exists()


@pytest.mark.parametrize("shift", ["-1m", "-1w", "+1w", "+1m"])
@pytest.mark.parametrize("day", [date(1, 1, 3), date(9999, 12, 28)])
def test_a_milestone_stored_at_the_calendars_edge_moves_with_a_message(
    roadmap, facilitator, shift, day
):
    # Rows stored before dates were bounded: the move says no, it does not fail.
    milestone = MilestoneFactory(roadmap=roadmap, start=day)
    response = facilitator.post(
        _url("milestone_move", roadmap, milestone_id=milestone.pk), {"shift": shift}, **HTMX
    )
    assert response.status_code == 422
    assert "Keep the milestone between" in response.content.decode()


def test_a_roadmap_full_of_milestones_says_so_on_the_form(roadmap, facilitator, monkeypatch):
    MilestoneFactory.create_batch(3, roadmap=roadmap)
    monkeypatch.setattr("roadmap.services.MAX_MILESTONES", 3)
    response = facilitator.post(
        _url("milestone_create", roadmap), _milestone_data("community"), **HTMX
    )
    assert response.status_code == 422
    assert "A roadmap has at most 3 milestones." in response.content.decode()
