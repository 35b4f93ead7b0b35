"""The audit log: every change to purposes, scores, milestones, memberships and
settings is recorded with who and what; an org admin reads their own, nobody else's."""

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from communities.csv_io import COLUMNS
from communities.models import Community, Need
from communities.services import communities_import_csv
from organisations.models import AuditEntry
from organisations.permissions import Role
from purposes import services as purpose_services
from purposes.models import (
    Characteristic,
    CharacteristicLevel,
    NeedScore,
    PurposeStatus,
    RoundStatus,
)
from purposes.scoring import levels
from purposes.scoring.services import levels_update, round_reveal
from tests.support.factories import MembershipFactory, PurposeFactory
from tests.support.page_text import texts_of_class
from tests.support.roadmap_factories import MilestoneDependencyFactory, MilestoneFactory
from tests.support.scoring import build_round

HTMX = {"HTTP_HX_REQUEST": "true"}


def _entries(org, model=None, after=0):
    with scopes_disabled():
        entries = AuditEntry.objects.filter(organisation=org, pk__gt=after).select_related(
            "actor", "content_type"
        )
        if model is not None:
            entries = entries.filter(content_type__model=model)
        return list(entries.order_by("timestamp", "pk"))


def _last_entry_id() -> int:
    """Setting the world up is logged too; tests look at what came after."""
    with scopes_disabled():
        return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _audit_page(world, query=""):
    client = world.client(world.ours.user(Role.ADMIN))
    return client.get(reverse("organisations:audit", args=[world.ours.org.slug]) + query)


def _sentences(page) -> list[str]:
    """The log's entries as the reader reads them: one sentence each."""
    return texts_of_class(page.text, "audit-sentence")


def test_settings_change_is_logged_with_who_and_what(world):
    admin = world.ours.user(Role.ADMIN)
    org = world.ours.org
    before = _last_entry_id()
    response = world.client(admin).post(
        reverse("organisations:settings", args=[org.slug]),
        {"name": "Ours Group", "brand_colour": "#123456", "paper_size": "Letter"},
    )
    assert response.status_code == 302
    [entry] = _entries(org, "organisation", after=before)
    assert entry.actor == admin
    assert entry.action == AuditEntry.Action.UPDATE
    assert entry.changes["name"] == ["Ours Ltd", "Ours Group"]
    page = _audit_page(world)
    assert page.status_code == 200
    assert "<del>Ours Ltd</del>" in page.text
    assert "<ins>Ours Group</ins>" in page.text
    assert "<ins>US Letter</ins>" in page.text  # choices in words, not codes


def test_role_change_and_removal_are_logged(world):
    admin = world.ours.user(Role.ADMIN)
    org = world.ours.org
    client = world.client(admin)
    executive = world.ours.members[Role.EXECUTIVE]
    before = _last_entry_id()
    client.post(
        reverse("organisations:member_role", args=[org.slug, executive.pk]), {"role": "viewer"}
    )
    client.post(reverse("organisations:member_remove", args=[org.slug, executive.pk]))
    changed, removed = _entries(org, "membership", after=before)
    assert changed.actor == admin and removed.actor == admin
    assert changed.changes == {"role": ["executive", "viewer"]}
    assert removed.action == AuditEntry.Action.DELETE
    page = _audit_page(world)
    assert "<del>Executive</del>" in page.text and "<ins>Viewer</ins>" in page.text
    sentences = _sentences(page)
    who, name = admin.display_name, executive.user.display_name
    assert f"{who} changed the membership of {name}: role from Executive to Viewer." in sentences
    assert f"{who} removed {name} as a member." in sentences


def test_invitations_are_logged_without_their_secret(world):
    admin = world.ours.user(Role.ADMIN)
    org = world.ours.org
    client = world.client(admin)
    client.post(
        reverse("organisations:members", args=[org.slug]),
        {"email": "new@example.com", "role": "viewer"},
    )
    [created] = _entries(org, "invitation")
    assert created.actor == admin
    assert "token_hash" not in created.changes
    with scopes_disabled():
        invitation_id = int(created.object_pk)
    client.post(reverse("organisations:invitation_revoke", args=[org.slug, invitation_id]))
    assert [e.action for e in _entries(org, "invitation")] == [
        AuditEntry.Action.CREATE,
        AuditEntry.Action.UPDATE,
    ]


def test_purpose_edits_and_status_changes_are_logged_by_their_author(world):
    org = world.ours.org
    executive = world.ours.user(Role.EXECUTIVE)
    facilitator = world.ours.user(Role.FACILITATOR)
    purpose = purpose_services.purpose_create(
        organisation=org,
        actor=executive,
        text=purpose_services.PurposeText(title="Open library", statement="Share parts data"),
    )
    with scope(organisation=org):
        purpose_services.purpose_update(
            purpose=purpose,
            actor=executive,
            loaded_version=1,
            text=purpose_services.PurposeText(title="Open parts library", statement="Share it"),
            communities=[],
        )
        purpose_services.purpose_set_status(
            purpose=purpose, status=PurposeStatus.CHOSEN, actor=facilitator
        )
    created, edited, chosen = _entries(org, "purpose")
    assert created.action == AuditEntry.Action.CREATE
    assert edited.actor == executive
    assert edited.changes["title"] == ["Open library", "Open parts library"]
    assert edited.changes["statement"] == ["Share parts data", "Share it"]
    assert chosen.actor == facilitator
    assert chosen.changes == {"status": ["draft", "chosen"]}
    page = _audit_page(world, "?model=purposes.purpose")
    assert "<ins>Chosen</ins>" in page.text
    sentences = _sentences(page)
    assert (
        f"{facilitator.display_name} changed the purpose “Open parts library”: "
        "status from Draft to Chosen." in sentences
    )
    assert (
        f"{executive.display_name} changed the purpose “Open parts library”: "
        "title from Open library to Open parts library, "
        "and purpose statement from Share parts data to Share it." in sentences
    )
    assert f"{executive.display_name} added the purpose “Open library”." in sentences


def test_a_milestone_change_reads_as_the_page_shows_it(world):
    org = world.ours.org
    admin = world.ours.user(Role.ADMIN)
    with scopes_disabled():
        milestone = MilestoneFactory(
            roadmap__organisation=org, title="Forum members", target_value=Decimal(50)
        )
    before = _last_entry_id()
    with scopes_disabled():
        milestone.target_value = Decimal(80)
        milestone.save()
    [entry] = _entries(org, "milestone", after=before)
    assert entry.changes["target_value"] == ["50.00", "80"]
    assert "The system changed the milestone “Forum members”: target from 50 to 80." in (
        _sentences(_audit_page(world, "?model=roadmap.milestone"))
    )
    assert admin  # the reader; the change was made by no one signed in


def test_a_long_value_is_shortened_visibly_and_shown_whole_on_a_tap(world):
    org = world.ours.org
    long_statement = " ".join(f"word{i:03d}" for i in range(120))  # 959 characters
    purpose = purpose_services.purpose_create(
        organisation=org,
        actor=world.ours.user(Role.EXECUTIVE),
        text=purpose_services.PurposeText(title="Long one", statement="Short"),
    )
    with scope(organisation=org):
        purpose_services.purpose_update(
            purpose=purpose,
            actor=world.ours.user(Role.EXECUTIVE),
            loaded_version=1,
            text=purpose_services.PurposeText(title="Long one", statement=long_statement),
            communities=[],
        )
    page = _audit_page(world, "?model=purposes.purpose")
    [preview] = texts_of_class(page.text, "preview")
    assert preview.endswith("…") and long_statement.startswith(preview[:-1].rstrip())
    assert "Show all 959 characters" in page.text
    [whole] = texts_of_class(page.text, "long-value")
    assert long_statement in whole  # inside the <details>, one tap away


AT = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # Berlin's clocks went forward at 01:00 UTC


@pytest.mark.parametrize(
    ("zone", "day", "clock"),
    [
        ("Europe/Berlin", "Sunday 29 March 2026", "03:30"),
        ("America/Los_Angeles", "Saturday 28 March 2026", "18:30"),
        ("Asia/Kolkata", "Sunday 29 March 2026", "07:00"),
        # Not a zone: the site's own (UTC), named on the page; never a 500.
        ("../../etc/passwd", "Sunday 29 March 2026", "01:30"),
        ("Europe/Berlin\x00", "Sunday 29 March 2026", "01:30"),
        ("x" * 5000, "Sunday 29 March 2026", "01:30"),
    ],
)
def test_times_are_the_viewers_local_time_to_the_minute(world, zone, day, clock):
    org = world.ours.org
    before = _last_entry_id()
    world.client(world.ours.user(Role.ADMIN)).post(
        reverse("organisations:settings", args=[org.slug]),
        {"name": "Ours Group", "brand_colour": "#123456", "paper_size": "A4"},
    )
    [entry] = _entries(org, "organisation", after=before)
    with scopes_disabled():
        AuditEntry.objects.filter(pk=entry.pk).update(timestamp=AT)
    client = world.client(world.ours.user(Role.ADMIN))
    client.cookies["tz"] = zone
    page = client.get(
        reverse("organisations:audit", args=[org.slug]) + "?model=organisations.organisation"
    )
    assert page.status_code == 200
    assert day in texts_of_class(page.text, "audit-day-title")
    assert clock in texts_of_class(page.text, "audit-when")
    shown_zone = zone if "/" in zone and "." not in zone and "\x00" not in zone else "UTC"
    assert f"times in {shown_zone}" in page.text


def test_scores_are_logged_but_hidden_until_the_round_is_revealed(world):
    org = world.ours.org
    executive = world.ours.user(Role.EXECUTIVE)
    scoring_round = build_round(world.ours)
    with scopes_disabled():
        purpose = scoring_round.purposes.order_by("pk").first()
        need = scoring_round.needs.order_by("pk").first()
    url = reverse("scoring:save", args=[org.slug, scoring_round.pk])
    client = world.client(executive)
    for score in (2, 4):
        data = {"purpose": purpose.pk, "need": need.pk, "score": score}
        assert client.post(url, data, **HTMX).status_code == 200
    first, second = _entries(org, "needscore")
    assert first.actor == executive
    assert [first.changes["score"][1], second.changes["score"][1]] == ["2", "4"]
    with scopes_disabled():
        assert second.object_pk == str(NeedScore.objects.get().pk)

    blind = _audit_page(world, "?model=purposes.needscore")
    assert blind.text.count("Hidden until the round is revealed") == 2
    assert f"“{purpose.title}” × “{need.statement}”" in blind.text
    assert "<ins>4</ins>" not in blind.text

    with scopes_disabled():
        type(scoring_round).objects.filter(pk=scoring_round.pk).update(status=RoundStatus.REVEALED)
    revealed = _audit_page(world, "?model=purposes.needscore")
    assert "Hidden until" not in revealed.text
    assert "<ins>4</ins>" in revealed.text


def test_milestones_and_dependencies_are_logged(world):
    org = world.ours.org
    dependency = MilestoneDependencyFactory(
        predecessor__roadmap__organisation=org,
        predecessor__title="Forum opens",
        successor__title="First meetup",
    )
    with scopes_disabled():
        milestone = dependency.successor
        milestone.title = "First meetup in Leeds"
        milestone.save()
        dependency.delete()
        milestone.delete()
    actions = [(e.content_type.model, e.action) for e in _entries(org)]
    assert ("milestone", AuditEntry.Action.CREATE) in actions
    assert ("milestone", AuditEntry.Action.UPDATE) in actions
    assert ("milestone", AuditEntry.Action.DELETE) in actions
    assert ("milestonedependency", AuditEntry.Action.CREATE) in actions
    page = _audit_page(world, "?model=roadmap.milestonedependency")
    assert "“First meetup” waits for “Forum opens”" in page.text


def test_admin_of_another_organisation_sees_none_of_ours(world):
    world.client(world.ours.user(Role.ADMIN)).post(
        reverse("organisations:settings", args=[world.ours.org.slug]),
        {"name": "Secret Rename Ltd", "brand_colour": "#123456", "paper_size": "A4"},
    )
    assert _entries(world.ours.org)
    foreign_admin = world.client(world.foreign.user(Role.ADMIN))
    own = foreign_admin.get(reverse("organisations:audit", args=[world.foreign.org.slug]))
    assert own.status_code == 200
    assert "Secret Rename" not in own.text
    ours = foreign_admin.get(reverse("organisations:audit", args=[world.ours.org.slug]))
    assert ours.status_code == 404


@pytest.mark.parametrize("role", [Role.FACILITATOR, Role.EXECUTIVE, Role.VIEWER])
def test_only_admins_read_the_log(world, role):
    response = world.client(world.ours.user(role)).get(
        reverse("organisations:audit", args=[world.ours.org.slug])
    )
    assert response.status_code == 403


def test_filter_by_model_and_by_person(world):
    org = world.ours.org
    admin = world.ours.user(Role.ADMIN)
    world.client(admin).post(
        reverse("organisations:settings", args=[org.slug]),
        {"name": org.name, "brand_colour": org.brand_colour, "paper_size": "Letter"},
    )
    executive = world.ours.user(Role.EXECUTIVE)
    purpose_services.purpose_create(
        organisation=org,
        actor=executive,
        text=purpose_services.PurposeText(title="Exec purpose", statement="S"),
    )
    by_exec = _audit_page(world, f"?user={executive.pk}")
    assert by_exec.status_code == 200
    assert "Exec purpose" in by_exec.text and "US Letter" not in by_exec.text
    by_model = _audit_page(world, "?model=organisations.organisation")
    assert "US Letter" in by_model.text and "Exec purpose" not in by_model.text


@pytest.mark.parametrize("query", ["?model=auth.user", "?user=not-a-number", "?user=999999"])
def test_a_bad_filter_gets_a_message_not_a_500(world, query):
    response = _audit_page(world, query)
    assert response.status_code == 422
    assert "Please correct the fields marked below" in response.text


def test_the_log_is_paginated_newest_first(world):
    org = world.ours.org
    with scopes_disabled():
        for n in range(60):
            PurposeFactory(organisation=org, title=f"Purpose number {n:02d}")
    first = _audit_page(world)
    assert "Purpose number 59" in first.text and "Purpose number 00" not in first.text
    assert "page 1 of 2" in first.text
    second = _audit_page(world, "?page=2")
    assert "Purpose number 00" in second.text
    assert _audit_page(world, "?page=zzz").status_code == 200


def _count(world) -> int:
    client = world.client(world.ours.user(Role.ADMIN))
    client.get("/")
    url = reverse("organisations:audit", args=[world.ours.org.slug])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_queries_do_not_grow_with_the_log(world):
    org = world.ours.org
    scoring_round = build_round(world.ours, purposes=3, needs=4)
    executive = world.ours.user(Role.EXECUTIVE)
    client = world.client(executive)
    url = reverse("scoring:save", args=[org.slug, scoring_round.pk])
    with scopes_disabled():
        purposes = list(scoring_round.purposes.all())
        needs = list(scoring_round.needs.all())

    def save_scores(count):
        for n in range(count):
            data = {"purpose": purposes[n % 3].pk, "need": needs[n % 4].pk, "score": n % 6}
            client.post(url, data, **HTMX)
        MilestoneFactory(roadmap__organisation=org)
        MembershipFactory(organisation=org, role=Role.VIEWER)

    save_scores(3)
    small = _count(world)
    save_scores(40)
    large = _count(world)
    assert small == large


# ---------------------------------------------------------------- bulk writes
# Writes that fire no model signal (update(), bulk_create) log themselves.


def _round_url(name, org, scoring_round):
    return reverse(f"scoring:{name}", args=[org.slug, scoring_round.pk])


def test_reveal_and_close_are_logged_with_the_facilitator(world):
    org = world.ours.org
    facilitator = world.ours.user(Role.FACILITATOR)
    scoring_round = build_round(world.ours)
    before = _last_entry_id()
    client = world.client(facilitator)
    reveal = _round_url("reveal", org, scoring_round)
    assert client.post(reveal, {"confirmed": "yes"}).status_code == 302
    assert client.post(_round_url("close", org, scoring_round)).status_code == 302
    revealed, closed = _entries(org, "scoringround", after=before)
    assert revealed.actor == facilitator and closed.actor == facilitator
    assert revealed.organisation_id == org.pk
    assert revealed.object_pk == str(scoring_round.pk)
    assert revealed.changes == {"status": ["open", "revealed"]}
    assert closed.changes == {"status": ["revealed", "closed"]}
    page = _audit_page(world, "?model=purposes.scoringround")
    assert scoring_round.name in page.text
    assert "<del>Open for scoring</del>" in page.text and "<ins>Revealed</ins>" in page.text
    assert "<del>Revealed</del>" in page.text and "<ins>Closed</ins>" in page.text


def test_a_refused_reveal_logs_nothing(world):
    scoring_round = build_round(world.ours, status=RoundStatus.CLOSED)
    before = _last_entry_id()
    world.client(world.ours.user(Role.FACILITATOR)).post(
        _round_url("reveal", world.ours.org, scoring_round)
    )
    assert _entries(world.ours.org, "scoringround", after=before) == []


def test_fit_weight_change_is_logged_old_and_new(world):
    org = world.ours.org
    facilitator = world.ours.user(Role.FACILITATOR)
    scoring_round = build_round(world.ours)
    before = _last_entry_id()
    client = world.client(facilitator)
    url = _round_url("fit_weight", org, scoring_round)
    client.post(url, {"fit_weight_percent": 70})
    client.post(url, {"fit_weight_percent": 70})  # no change: nothing to log
    [entry] = _entries(org, "scoringround", after=before)
    assert entry.actor == facilitator
    assert entry.changes == {"fit_weight_percent": ["50", "70"]}
    page = _audit_page(world, "?model=purposes.scoringround")
    assert "Share of need fit (%)" in page.text
    assert "<del>50</del>" in page.text and "<ins>70</ins>" in page.text


def test_level_wording_changes_are_logged_as_sentences(world):
    org = world.ours.org
    facilitator = world.ours.user(Role.FACILITATOR)
    client = world.client(facilitator)
    url = reverse("scoring:levels", args=[org.slug])
    default = str(levels.CHARACTERISTIC_LEVELS[Characteristic.RISK][5])
    before = _last_entry_id()
    assert client.post(url, {"risk_5": "Could end the company."}).status_code == 302
    [reworded] = _entries(org, "characteristiclevel", after=before)
    assert reworded.actor == facilitator
    assert reworded.organisation_id == org.pk
    assert reworded.object_repr == "Community risk, level 5"
    assert reworded.changes == {"description": [default, "Could end the company."]}
    page = _audit_page(world, "?model=purposes.characteristiclevel")
    assert "Community risk, level 5" in page.text
    assert "<ins>Could end the company.</ins>" in page.text

    after_first = _last_entry_id()
    client.post(url, {"risk_5": ""})  # back to the product's sentence
    [restored] = _entries(org, "characteristiclevel", after=after_first)
    assert restored.changes == {"description": ["Could end the company.", default]}


def test_csv_import_logs_every_community_and_need_it_adds_or_changes(world):
    org = world.ours.org
    facilitator = world.ours.user(Role.FACILITATOR)
    client = world.client(facilitator)
    url = reverse("communities:import", args=[org.slug])
    before = _last_entry_id()
    first = _communities_csv([("Design engineers", "Right first time", 3)])
    assert client.post(url, {"file": first}).status_code == 302
    community, need = _entries(org, after=before)
    assert (community.content_type.model, community.action) == (
        "community",
        AuditEntry.Action.CREATE,
    )
    assert (need.content_type.model, need.action) == ("need", AuditEntry.Action.CREATE)
    assert community.actor == facilitator and need.actor == facilitator
    assert need.organisation_id == org.pk
    # As auditlog logs a created row (its "None" reads as nothing on the page).
    assert need.changes["statement"] == ["None", "Right first time"]
    assert need.changes["weight"] == ["None", "3"]
    assert need.changes["community"] == ["None", "Design engineers"]
    with scopes_disabled():
        assert need.object_pk == str(Need.objects.get(statement="Right first time").pk)

    after_first = _last_entry_id()
    second = _communities_csv([("Design engineers", "Right first time", 5)])
    assert client.post(url, {"file": second}).status_code == 302
    [reweighted] = _entries(org, after=after_first)
    assert reweighted.actor == facilitator
    assert reweighted.action == AuditEntry.Action.UPDATE
    assert reweighted.changes == {"weight": ["3", "5"]}
    page = _audit_page(world, "?model=communities.need")
    assert "Right first time" in page.text
    assert "<del>3</del>" in page.text and "<ins>5</ins>" in page.text


def _communities_csv(rows) -> SimpleUploadedFile:
    lines = [",".join(COLUMNS)]
    lines += [f"{name},customers,,,{need},{weight}," for name, need, weight in rows]
    return SimpleUploadedFile("needs.csv", ("\r\n".join(lines) + "\r\n").encode())


def _import_queries(org, communities: int, weight: int) -> tuple[int, int]:
    """Queries of one import of ``communities`` × 3 needs, and entries it logged."""
    rows = [
        (f"Community {c}", f"Need {c}.{n}", weight) for c in range(communities) for n in range(3)
    ]
    data = _communities_csv(rows).read()
    before = _last_entry_id()
    with CaptureQueriesContext(connection) as queries:
        communities_import_csv(organisation=org, file=io.BytesIO(data))
    return len(queries), len(_entries(org, after=before))


def test_csv_import_queries_do_not_grow_with_the_file(world):
    # Sizes below SQLite's 999 parameters per statement, past which Django
    # splits a bulk INSERT in batches (about 70 audit entries each); PostgreSQL
    # takes any size in one.
    org = world.ours.org
    for model in (Community, Need):
        ContentType.objects.get_for_model(model)  # cached from here on, as in a server
    small = _import_queries(org, 2, weight=2)
    large = _import_queries(world.foreign.org, 12, weight=2)
    assert small[0] == large[0]
    assert (small[1], large[1]) == (2 + 6, 12 + 36)
    # Changing every need's weight: still the same number of queries.
    changed_small = _import_queries(org, 2, weight=4)
    changed_large = _import_queries(world.foreign.org, 12, weight=4)
    assert changed_small[0] == changed_large[0]
    assert (changed_small[1], changed_large[1]) == (6, 36)


def test_level_wording_queries_do_not_grow_with_the_changes(world):
    org = world.ours.org
    keys = [(c, level) for c in Characteristic.values for level in range(1, 6)]

    def queries(count: int, text: str) -> int:
        wording = {key: f"{text} {n}" for n, key in enumerate(keys[:count])}
        with CaptureQueriesContext(connection) as captured:
            levels_update(organisation=org, descriptions=wording)
        return len(captured)

    ContentType.objects.get_for_model(CharacteristicLevel)
    assert queries(1, "One") == queries(25, "All") == queries(25, "Again")
    assert len(_entries(org, "characteristiclevel")) == 1 + 25 + 25


def test_reveal_queries_do_not_grow_with_the_round(world):
    def queries(tenant, purposes: int) -> int:
        scoring_round = build_round(tenant, purposes=purposes, needs=purposes)
        with scope(organisation=tenant.org), CaptureQueriesContext(connection) as captured:
            round_reveal(scoring_round=scoring_round)
        return len(captured)

    assert queries(world.ours, 2) == queries(world.foreign, 12)


def test_amounts_and_dates_read_as_the_pages_show_them(world):
    org = world.ours.org
    milestone = MilestoneFactory(
        roadmap__organisation=org, target_value=Decimal("50.00"), start=date(2026, 3, 1)
    )
    with scopes_disabled():
        milestone.target_value = Decimal(80)
        milestone.start = date(2027, 1, 1)
        milestone.save()
    html = _audit_page(world, "?model=roadmap.milestone").text
    assert "<del>50</del>" in html and "<ins>80</ins>" in html
    assert "50.00" not in html
    assert "<del>1 Mar 2026</del>" in html and "<ins>1 Jan 2027</ins>" in html
