"""A control character typed into any form is refused on its field, as the imports refuse it.

Django's forms refuse only NUL; the CSV and JSON imports refuse every C0
control but tab and line ends (common.text). Data a form stored with a BEL
could then not come back through export and import: every form refuses it.
"""

from dataclasses import dataclass
from datetime import date

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from communities.models import Community, Need
from organisations.models import Organisation
from organisations.permissions import Role
from purposes.models import CharacteristicLevel, Purpose, PurposeComment
from roadmap.models import Milestone, Phase, Roadmap
from tests.support.factories import CommunityFactory, PurposeFactory
from tests.support.roadmap_factories import RoadmapFactory

BEL = "\x07"
BEL_MESSAGE = "Remove the control character (U+0007) from this text."


@dataclass
class Target:
    """Objects a form edits, made in our organisation."""

    community: Community
    purpose: Purpose
    roadmap: Roadmap


@dataclass(frozen=True)
class Case:
    url_name: str
    kwargs: object  # Target -> dict of URL arguments
    data: dict
    stored: object  # Organisation -> what the form would change, to compare before and after


def _roadmap(t: Target) -> dict:
    return {"roadmap_id": t.roadmap.pk}


def _values(model, org, *fields) -> list:
    return list(model.objects.filter(organisation=org).order_by("pk").values_list(*fields))


MILESTONE = {"kind": "community", "start": "2026-05-01", "status": "planned", "metric": "members"}

CASES = {
    "need": Case(
        "communities:need_create",
        lambda t: {"community_id": t.community.pk},
        {"statement": f"Boards{BEL} right first time", "weight": "3"},
        lambda org: _values(Need, org, "statement", "evidence"),
    ),
    "need evidence (multi-line)": Case(
        "communities:need_create",
        lambda t: {"community_id": t.community.pk},
        {"statement": "Boards right", "weight": "3", "evidence": f"Survey\r\n{BEL}"},
        lambda org: _values(Need, org, "statement", "evidence"),
    ),
    "community": Case(
        "communities:community_create",
        lambda t: {},
        {"name": f"Design{BEL} engineers", "kind": "customers"},
        lambda org: _values(Community, org, "name", "description"),
    ),
    "community description (multi-line)": Case(
        "communities:community_edit",
        lambda t: {"community_id": t.community.pk},
        {"name": "Design engineers", "kind": "customers", "description": f"Who{BEL}\nthey are"},
        lambda org: _values(Community, org, "name", "description"),
    ),
    "purpose": Case(
        "purposes:create",
        lambda t: {},
        {"title": "Right first time", "statement": f"Help engineers{BEL}."},
        lambda org: _values(Purpose, org, "title", "statement"),
    ),
    "comment": Case(
        "purposes:comment",
        lambda t: {"purpose_id": t.purpose.pk},
        {"body": f"Looks good{BEL}"},
        lambda org: _values(PurposeComment, org, "body"),
    ),
    "roadmap": Case(
        "roadmaps:edit",
        _roadmap,
        {
            "title": f"Three{BEL} years",
            "start": "2026-01-01",
            "end": "2028-12-31",
            "status": "draft",
            "currency": "EUR",
        },
        lambda org: _values(Roadmap, org, "title", "description"),
    ),
    "milestone": Case(
        "roadmaps:milestone_create",
        _roadmap,
        {**MILESTONE, "title": f"Launch{BEL}", "target_value": "250"},
        lambda org: _values(Milestone, org, "title", "metric_label"),
    ),
    "milestone measure name": Case(
        "roadmaps:milestone_create",
        _roadmap,
        {**MILESTONE, "title": "Launch", "metric": "other", "metric_label": f"Answers{BEL}"},
        lambda org: _values(Milestone, org, "title", "metric_label"),
    ),
    "phase": Case(
        "roadmaps:phase_create",
        _roadmap,
        {"name": f"Pilot{BEL}", "start": "2026-01-01", "end": "2026-06-30"},
        lambda org: _values(Phase, org, "name"),
    ),
    "organisation settings": Case(
        "organisations:settings",
        lambda t: {},
        {"name": f"Ours{BEL} Ltd", "brand_colour": "#123abc", "paper_size": "A4"},
        lambda org: list(Organisation.objects.filter(pk=org.pk).values_list("name")),
    ),
    "scoring levels": Case(
        "scoring:levels",
        lambda t: {},
        {"risk_5": f"Could sink us{BEL}"},
        lambda org: _values(CharacteristicLevel, org, "characteristic", "level", "description"),
    ),
}


@pytest.fixture
def target(world) -> Target:
    org = world.ours.org
    return Target(
        community=CommunityFactory(organisation=org, name="Design engineers"),
        purpose=PurposeFactory(organisation=org),
        roadmap=RoadmapFactory(organisation=org, start=date(2026, 1, 1), end=date(2028, 12, 31)),
    )


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_a_bell_is_refused_on_its_field_and_nothing_is_saved(world, target, name, htmx):
    case = CASES[name]
    org = world.ours.org
    client = world.client(world.ours.user(Role.ADMIN))
    url = reverse(case.url_name, kwargs={"org_slug": org.slug, **case.kwargs(target)})
    with scopes_disabled():
        before = case.stored(org)

    response = client.post(url, case.data, **({"HTTP_HX_REQUEST": "true"} if htmx else {}))

    assert response.status_code == 422, response.status_code
    assert BEL_MESSAGE in response.content.decode()
    with scopes_disabled():
        assert case.stored(org) == before


@pytest.mark.parametrize("text", ["Tab\tseparated", "Two\r\nlines", "Old\rMac", "Unix\nline"])
def test_tab_and_line_ends_are_kept_as_the_imports_keep_them(world, target, text):
    client = world.client(world.ours.user(Role.ADMIN))
    url = reverse(
        "communities:community_edit",
        kwargs={"org_slug": world.ours.org.slug, "community_id": target.community.pk},
    )
    data = {"name": "Design engineers", "kind": "customers", "description": text}
    response = client.post(url, data)
    assert response.status_code == 302
    target.community.refresh_from_db()
    assert target.community.description == text
