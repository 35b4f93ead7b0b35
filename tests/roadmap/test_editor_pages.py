"""The roadmap's editors opened as pages of their own: a new tab, a bookmark, a refresh.

Without htmx each editor is a page whose form posts to its own URL: a refusal
comes back as that page with status 422, a save redirects to the roadmap at
the object. Asked for by the roadmap page (htmx), the same URL answers with
the dialog's form, aimed at the dialog.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from organisations.permissions import Role
from roadmap.models import Milestone, MilestoneDependency, Phase, Roadmap
from tests.support.forms import forms_on
from tests.support.htmx_targets import forms, links, missing_targets, parse
from tests.support.roadmap_factories import MilestoneFactory, PhaseFactory, RoadmapFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _url(name: str, roadmap: Roadmap, **kwargs) -> str:
    return reverse(
        f"roadmaps:{name}",
        kwargs={"org_slug": roadmap.organisation.slug, "roadmap_id": roadmap.pk, **kwargs},
    )


def _detail(roadmap: Roadmap, anchor: str) -> str:
    return f"{_url('detail', roadmap)}#{anchor}"


@pytest.fixture
def roadmap(world):
    roadmap = RoadmapFactory(
        organisation=world.ours.org, start=date(2026, 1, 1), end=date(2028, 12, 31)
    )
    PhaseFactory(roadmap=roadmap, name="Pilot", start=date(2026, 1, 1), end=date(2026, 6, 30))
    MilestoneFactory(roadmap=roadmap, title="Design", start=date(2026, 2, 1))
    MilestoneFactory(roadmap=roadmap, title="Launch", start=date(2026, 3, 1))
    return roadmap


@pytest.fixture
def facilitator(world):
    return world.client(world.ours.user(Role.FACILITATOR))


def _phase(roadmap: Roadmap, name: str) -> Phase | None:
    with scopes_disabled():
        return Phase.objects.filter(roadmap=roadmap, name=name).first()


def _milestone(roadmap: Roadmap, title: str) -> Milestone | None:
    with scopes_disabled():
        return Milestone.objects.filter(roadmap=roadmap, title=title).first()


def _pk(roadmap: Roadmap, title: str) -> int:
    return _milestone(roadmap, title).pk


@dataclass(frozen=True)
class Editor:
    url_name: str
    kwargs: Callable[[Roadmap], dict]
    # What the person changes on the form as the page shows it.
    changes: Callable[[Roadmap], dict]
    refused: dict
    refusal: str
    # Where the roadmap page opens after the save (None: not saved).
    anchor_of_saved: Callable[[Roadmap], str | None]


def _dependency_anchor(roadmap: Roadmap) -> str | None:
    with scopes_disabled():
        saved = MilestoneDependency.objects.filter(
            predecessor__title="Design", successor__title="Launch", successor__roadmap=roadmap
        ).exists()
    return "dependencies" if saved else None


def _anchor(prefix: str, row) -> str | None:
    return f"{prefix}-{row.pk}" if row is not None else None


EDITORS = {
    "new phase": Editor(
        "phase_create",
        kwargs=lambda roadmap: {},
        changes=lambda roadmap: {"name": "Launch", "start": "2026-07-01", "end": "2026-12-31"},
        refused={"name": "Overlap", "start": "2026-06-01", "end": "2026-12-31"},
        refusal="This phase overlaps “Pilot”",
        anchor_of_saved=lambda roadmap: _anchor("phase", _phase(roadmap, "Launch")),
    ),
    "edit phase": Editor(
        "phase_edit",
        kwargs=lambda roadmap: {"phase_id": _phase(roadmap, "Pilot").pk},
        changes=lambda roadmap: {"name": "Pilot in Lyon"},
        refused={"name": ""},
        refusal="This field is required.",
        anchor_of_saved=lambda roadmap: _anchor("phase", _phase(roadmap, "Pilot in Lyon")),
    ),
    "new milestone": Editor(
        "milestone_create",
        kwargs=lambda roadmap: {},
        changes=lambda roadmap: {
            "kind": "community",
            "title": "Forum opens",
            "start": "2026-04-01",
            "metric": "members",
            "target_value": "300",
        },
        refused={"kind": "community", "title": "", "metric": "members", "target_value": "300"},
        refusal="This field is required.",
        anchor_of_saved=lambda roadmap: _anchor("milestone", _milestone(roadmap, "Forum opens")),
    ),
    "edit milestone": Editor(
        "milestone_edit",
        kwargs=lambda roadmap: {"milestone_id": _pk(roadmap, "Design")},
        changes=lambda roadmap: {"title": "Design agreed"},
        refused={"title": ""},
        refusal="This field is required.",
        anchor_of_saved=lambda roadmap: _anchor("milestone", _milestone(roadmap, "Design agreed")),
    ),
    "new dependency": Editor(
        "dependency_create",
        kwargs=lambda roadmap: {},
        changes=lambda roadmap: {
            "predecessor": _pk(roadmap, "Design"),
            "successor": _pk(roadmap, "Launch"),
        },
        refused={"predecessor": "", "successor": ""},
        refusal="This field is required.",
        anchor_of_saved=_dependency_anchor,
    ),
}


def _open(client, editor: Editor, roadmap: Roadmap) -> tuple[str, str]:
    """The editor's URL and its page, opened directly (no htmx)."""
    url = _url(editor.url_name, roadmap, **editor.kwargs(roadmap))
    response = client.get(url)
    assert response.status_code == 200
    return url, response.content.decode()


def _form_data(html: str, url: str) -> dict:
    """What the page's form would send untouched (hidden fields included)."""
    [form] = [form for form in forms_on(html) if form.action == url]
    return form.valid_data()


def _assert_is_a_working_page(html: str, url: str, roadmap: Roadmap) -> None:
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert missing_targets(html) == []
    [form] = [form for form in forms(html) if form.attrs.get("action") == url]
    assert form.attrs["method"] == "post"
    assert not any(name.startswith("hx-") for name in form.attrs), form.attrs
    # Cancel leads back to the roadmap; there is no dialog here to close.
    [cancel] = links(html, "Cancel")
    assert cancel.attrs["href"].startswith(_url("detail", roadmap))
    assert "data-close-dialog" not in cancel.attrs


@pytest.mark.parametrize("which", list(EDITORS))
def test_the_editor_opened_directly_is_a_page_whose_form_posts_to_itself(
    roadmap, facilitator, which
):
    editor = EDITORS[which]
    url, html = _open(facilitator, editor, roadmap)
    _assert_is_a_working_page(html, url, roadmap)
    # The roadmap is in the breadcrumb, as a link.
    assert any(a.attrs.get("href") == _url("detail", roadmap) for a in links(html, roadmap.title))


@pytest.mark.parametrize("which", list(EDITORS))
def test_saving_without_htmx_redirects_to_the_object_on_the_roadmap(roadmap, facilitator, which):
    editor = EDITORS[which]
    url, html = _open(facilitator, editor, roadmap)
    assert editor.anchor_of_saved(roadmap) is None
    response = facilitator.post(url, {**_form_data(html, url), **editor.changes(roadmap)})
    assert response.status_code == 302, response.content.decode()[:3000]
    anchor = editor.anchor_of_saved(roadmap)
    assert anchor is not None
    assert response["Location"] == _detail(roadmap, anchor)
    # The roadmap page then shows what was saved, and where the anchor points.
    page = facilitator.get(response["Location"]).content.decode()
    assert anchor in parse(page).ids


@pytest.mark.parametrize("which", list(EDITORS))
def test_a_refusal_without_htmx_is_the_page_again_with_422(roadmap, facilitator, which):
    editor = EDITORS[which]
    url, html = _open(facilitator, editor, roadmap)
    response = facilitator.post(url, {**_form_data(html, url), **editor.refused})
    assert response.status_code == 422
    page = response.content.decode()
    assert editor.refusal in page
    _assert_is_a_working_page(page, url, roadmap)
    assert editor.anchor_of_saved(roadmap) is None


@pytest.mark.parametrize("which", list(EDITORS))
def test_the_same_url_asked_by_the_roadmap_page_is_the_dialogs_form(roadmap, facilitator, which):
    editor = EDITORS[which]
    url = _url(editor.url_name, roadmap, **editor.kwargs(roadmap))
    response = facilitator.get(url, **HTMX)
    assert response["HX-Retarget"] == "#roadmap-dialog-body"
    fragment = response.content.decode()
    assert "<html" not in fragment
    [form] = [form for form in forms(fragment) if form.attrs.get("action") == url]
    assert form.attrs["hx-post"] == url
    assert form.attrs["hx-target"] == "#roadmap-dialog-body"
    [cancel] = links(fragment, "Cancel")
    assert "data-close-dialog" in cancel.attrs
    # Everything it aims at is on the roadmap page it is swapped into.
    host = parse(facilitator.get(_url("detail", roadmap)).content.decode()).ids
    assert missing_targets(fragment, host_ids=frozenset(host)) == []


def test_a_milestone_is_deleted_from_its_page_through_the_confirmation_page(roadmap, facilitator):
    milestone = _milestone(roadmap, "Design")
    _, html = _open(facilitator, EDITORS["edit milestone"], roadmap)
    delete_url = _url("milestone_delete", roadmap, milestone_id=milestone.pk)
    [delete_form] = [form for form in forms(html) if form.attrs.get("action") == delete_url]
    # A plain link to the confirmation page: nothing aimed at the roadmap's body.
    assert delete_form.attrs.get("method") == "get"
    assert not any(name.startswith("hx-") for name in delete_form.attrs)

    confirm = facilitator.get(delete_url).content.decode()
    assert "Delete the milestone “Design”?" in confirm
    assert missing_targets(confirm) == []
    [cancel] = links(confirm, "Cancel")
    assert cancel.attrs["href"] == _detail(roadmap, f"milestone-{milestone.pk}")
    [confirm_form] = [form for form in forms(confirm) if form.attrs.get("action") == delete_url]
    assert confirm_form.attrs["method"] == "post"

    response = facilitator.post(delete_url, _form_data(confirm, delete_url))
    assert response.status_code == 302
    assert response["Location"] == _detail(roadmap, "milestones")
    assert _milestone(roadmap, "Design") is None


def test_in_the_dialog_the_milestones_delete_button_asks_and_swaps_the_roadmap(
    roadmap, facilitator
):
    milestone = _milestone(roadmap, "Design")
    url = _url("milestone_edit", roadmap, milestone_id=milestone.pk)
    fragment = facilitator.get(url, **HTMX).content.decode()
    delete_url = _url("milestone_delete", roadmap, milestone_id=milestone.pk)
    [delete_form] = [form for form in forms(fragment) if form.attrs.get("action") == delete_url]
    assert delete_form.attrs["hx-post"] == delete_url
    assert delete_form.attrs["hx-target"] == "#roadmap-body"
    assert "hx-confirm" in delete_form.attrs
