"""The drafting pages: list, create, edit with conflicts, hints, history, diff, comments."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from organisations.permissions import Role
from purposes.models import Purpose, PurposeComment, PurposeStatus
from tests.support.drafting import (
    TEXT,
    create_purpose,
    edit_data,
    reload,
    revisions_of,
)
from tests.support.factories import CommunityFactory, PurposeFactory


def url(name, tenant, **kwargs):
    return reverse(f"purposes:{name}", kwargs={"org_slug": tenant.org.slug, **kwargs})


def purpose_url(name, purpose, tenant):
    return url(name, tenant, purpose_id=purpose.pk)


def purpose_count(org) -> int:
    with scopes_disabled():
        return Purpose.objects.filter(organisation=org).count()


# --- list ---------------------------------------------------------------------------


def test_list_groups_by_status_and_names_missing_parts(world):
    PurposeFactory(organisation=world.ours.org, title="Chosen one", status=PurposeStatus.CHOSEN)
    PurposeFactory(organisation=world.ours.org, title="Half done", issue="", participants="")
    PurposeFactory(organisation=world.foreign.org, title="Not ours")
    response = world.client(world.ours.user(Role.VIEWER)).get(url("list", world.ours))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Chosen one") < html.index("Half done")
    assert html.index('id="group-chosen"') < html.index('id="group-draft"')
    assert "2 parts missing:" in html
    assert "Who participates, The issue or opportunity" in html
    assert "Not ours" not in html
    assert "New purpose" not in html  # a viewer cannot create


def test_list_filters_by_status_and_ignores_an_unknown_one(world):
    PurposeFactory(organisation=world.ours.org, title="Chosen one", status=PurposeStatus.CHOSEN)
    PurposeFactory(organisation=world.ours.org, title="A draft")
    client = world.client(world.ours.user(Role.VIEWER))
    drafts = client.get(url("list", world.ours), {"status": "draft"}).content.decode()
    assert "A draft" in drafts
    assert "Chosen one" not in drafts
    everything = client.get(url("list", world.ours), {"status": "<script>"})
    assert everything.status_code == 200
    assert "Chosen one" in everything.content.decode()


def test_empty_list_invites_the_first_draft(world):
    html = world.client(world.ours.user(Role.EXECUTIVE)).get(url("list", world.ours))
    assert "Draft the first purpose" in html.content.decode()


# --- create -------------------------------------------------------------------------


def test_executive_creates_a_purpose_with_its_first_revision(world):
    community = CommunityFactory(organisation=world.ours.org)
    executive = world.ours.user(Role.EXECUTIVE)
    response = world.client(executive).post(
        url("create", world.ours), {**TEXT, "communities": [community.pk]}
    )
    assert response.status_code == 302
    with scopes_disabled():
        purpose = Purpose.objects.get(organisation=world.ours.org)
    assert response["Location"] == purpose_url("detail", purpose, world.ours)
    assert list(reload(purpose).communities.all()) == [community]
    (first,) = revisions_of(purpose)
    assert first.author == executive


def test_viewer_may_not_create(world):
    response = world.client(world.ours.user(Role.VIEWER)).post(url("create", world.ours), TEXT)
    assert response.status_code == 403
    assert purpose_count(world.ours.org) == 0


def test_create_without_a_statement_is_422_and_saves_nothing(world):
    client = world.client(world.ours.user(Role.EXECUTIVE))
    response = client.post(url("create", world.ours), {**TEXT, "statement": ""})
    assert response.status_code == 422
    assert 'id="id_statement_error"' in response.content.decode()
    assert purpose_count(world.ours.org) == 0


def test_a_foreign_community_on_create_is_a_form_error(world):
    foreign = CommunityFactory(organisation=world.foreign.org)
    client = world.client(world.ours.user(Role.EXECUTIVE))
    response = client.post(url("create", world.ours), {**TEXT, "communities": [foreign.pk]})
    assert response.status_code == 422
    assert "not one of the available choices" in response.content.decode()
    assert purpose_count(world.ours.org) == 0


def test_a_draft_with_vague_words_is_still_saved(world):
    client = world.client(world.ours.user(Role.EXECUTIVE))
    data = {**TEXT, "statement": "Leverage synergy.", "issue": ""}
    assert client.post(url("create", world.ours), data).status_code == 302
    assert purpose_count(world.ours.org) == 1


# --- edit and conflicts -------------------------------------------------------------


def test_editor_carries_the_loaded_version(world):
    purpose = create_purpose(world.ours, world.ours.user(Role.EXECUTIVE))
    response = world.client(world.ours.user(Role.EXECUTIVE)).get(
        purpose_url("edit", purpose, world.ours)
    )
    html = response.content.decode()
    assert '<input type="hidden" name="version" value="1"' in html
    assert TEXT["statement"] in html


def test_each_save_through_the_editor_is_a_revision(world):
    purpose = create_purpose(world.ours, world.ours.user(Role.EXECUTIVE))
    admin = world.ours.user(Role.ADMIN)
    response = world.client(admin).post(
        purpose_url("edit", purpose, world.ours), edit_data(purpose, statement="Sharper.")
    )
    assert response.status_code == 302
    revisions = revisions_of(purpose)
    assert [(r.number, r.author) for r in revisions][-1] == (2, admin)
    assert revisions[-1].statement == "Sharper."


def test_second_of_two_concurrent_saves_is_refused_and_shows_the_first(world):
    purpose = create_purpose(world.ours, world.ours.user(Role.EXECUTIVE))
    alice = world.client(world.ours.user(Role.EXECUTIVE))
    bob = world.client(world.ours.user(Role.FACILITATOR))
    edit = purpose_url("edit", purpose, world.ours)
    # Both open the editor at version 1 ...
    assert 'name="version" value="1"' in alice.get(edit).content.decode()
    assert 'name="version" value="1"' in bob.get(edit).content.decode()
    # ... Alice saves first, then Bob.
    assert alice.post(edit, edit_data(purpose, statement="Alice's words.")).status_code == 302
    response = bob.post(edit, edit_data(purpose, version=1, statement="Bob's words."))

    assert response.status_code == 409
    html = response.content.decode()
    assert "Your changes were not saved" in html
    assert "Alice&#x27;s words." in html  # theirs, beside ...
    assert "Bob&#x27;s words." in html  # ... yours, still in the form
    assert world.ours.user(Role.EXECUTIVE).display_name in html
    assert 'name="version" value="2"' in html  # the next save is a deliberate merge
    assert reload(purpose).statement == "Alice's words."
    assert len(revisions_of(purpose)) == 2

    # Bob merges by hand and saves against the version he has now seen.
    merged = edit_data(purpose, version=2, statement="Alice's and Bob's words.")
    assert bob.post(edit, merged).status_code == 302
    assert reload(purpose).statement == "Alice's and Bob's words."
    assert [r.number for r in revisions_of(purpose)] == [1, 2, 3]


def test_a_foreign_community_on_edit_is_a_form_error_and_nothing_is_saved(world):
    purpose = create_purpose(world.ours, world.ours.user(Role.EXECUTIVE))
    foreign = CommunityFactory(organisation=world.foreign.org)
    response = world.client(world.ours.user(Role.EXECUTIVE)).post(
        purpose_url("edit", purpose, world.ours),
        edit_data(purpose, communities=[foreign], statement="Changed."),
    )
    assert response.status_code == 422
    assert reload(purpose).statement == TEXT["statement"]
    assert reload(purpose).communities.count() == 0
    assert len(revisions_of(purpose)) == 1


@pytest.mark.parametrize("version", ["", "abc", "0"])
def test_a_missing_or_broken_version_is_422_not_500(world, version):
    purpose = create_purpose(world.ours, world.ours.user(Role.EXECUTIVE))
    response = world.client(world.ours.user(Role.EXECUTIVE)).post(
        purpose_url("edit", purpose, world.ours), {**edit_data(purpose), "version": version}
    )
    assert response.status_code == 422
    assert "out of date" in response.content.decode()
    assert len(revisions_of(purpose)) == 1


def test_viewer_may_not_edit(world):
    purpose = create_purpose(world.ours, world.ours.user(Role.EXECUTIVE))
    response = world.client(world.ours.user(Role.VIEWER)).post(
        purpose_url("edit", purpose, world.ours), edit_data(purpose, statement="No.")
    )
    assert response.status_code == 403
    assert reload(purpose).statement == TEXT["statement"]


# --- hints --------------------------------------------------------------------------


def test_hints_fragment_names_vague_words_and_missing_parts(world):
    client = world.client(world.ours.user(Role.EXECUTIVE))
    response = client.post(
        url("hints", world.ours),
        {"statement": "We leverage synergy.", "participants": "Engineers"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "“leverage” is vague" in html
    assert "“synergy” is vague" in html
    assert "Value to the organisation" in html
    assert 'id="hint-count" hx-swap-oob="innerHTML">5 hints' in html


def test_the_editor_shows_hints_without_javascript(world):
    purpose = create_purpose(world.ours, world.ours.user(Role.EXECUTIVE), issue="")
    html = (
        world.client(world.ours.user(Role.EXECUTIVE))
        .get(purpose_url("edit", purpose, world.ours))
        .content.decode()
    )
    assert "Which widely recognised need" in html
    assert 'hx-trigger="input delay:500ms"' in html


# --- detail, status -----------------------------------------------------------------


def test_detail_shows_parts_missing_communities_and_status(world):
    community = CommunityFactory(organisation=world.ours.org, name="Design engineers")
    purpose = create_purpose(
        world.ours, world.ours.user(Role.EXECUTIVE), communities=[community], issue=""
    )
    html = (
        world.client(world.ours.user(Role.VIEWER))
        .get(purpose_url("detail", purpose, world.ours))
        .content.decode()
    )
    assert "Design engineers" in html
    assert "Missing." in html
    assert "status-badge status-draft" in html
    assert "Change status" not in html  # viewers do not decide
    assert 'id="comment-form"' not in html  # nor comment


def test_facilitator_changes_status_from_the_page(world):
    purpose = create_purpose(world.ours, world.ours.user(Role.EXECUTIVE))
    client = world.client(world.ours.user(Role.FACILITATOR))
    page = client.get(purpose_url("detail", purpose, world.ours))
    assert "Change status" in page.content.decode()
    response = client.post(purpose_url("status", purpose, world.ours), {"status": "shortlisted"})
    assert response.status_code == 302
    assert reload(purpose).status == PurposeStatus.SHORTLISTED


def test_executive_may_not_change_status(world):
    purpose = create_purpose(world.ours, world.ours.user(Role.EXECUTIVE))
    response = world.client(world.ours.user(Role.EXECUTIVE)).post(
        purpose_url("status", purpose, world.ours), {"status": "chosen"}
    )
    assert response.status_code == 403
    assert reload(purpose).status == PurposeStatus.DRAFT


def test_an_unknown_status_is_refused_without_a_500(world):
    purpose = create_purpose(world.ours, world.ours.user(Role.EXECUTIVE))
    response = world.client(world.ours.user(Role.ADMIN)).post(
        purpose_url("status", purpose, world.ours), {"status": "won"}
    )
    assert response.status_code == 302
    assert reload(purpose).status == PurposeStatus.DRAFT


# --- history and diff ---------------------------------------------------------------


def make_history(world):
    purpose = create_purpose(world.ours, world.ours.user(Role.EXECUTIVE))
    client = world.client(world.ours.user(Role.FACILITATOR))
    edit = purpose_url("edit", purpose, world.ours)
    client.post(edit, edit_data(purpose, version=1, statement="Help engineers ship boards."))
    client.post(
        edit,
        edit_data(purpose, version=2, statement="Help design engineers ship working boards."),
    )
    return purpose


def test_revision_list_shows_who_changed_what(world):
    purpose = make_history(world)
    html = (
        world.client(world.ours.user(Role.VIEWER))
        .get(purpose_url("revisions", purpose, world.ours))
        .content.decode()
    )
    assert "3 revisions" in html
    assert world.ours.user(Role.FACILITATOR).display_name in html
    assert "First version" in html
    assert "?old=2&amp;new=3" in html


def test_compare_any_two_revisions_marks_words_for_everyone(world):
    purpose = make_history(world)
    client = world.client(world.ours.user(Role.VIEWER))
    response = client.get(purpose_url("compare", purpose, world.ours), {"old": 1, "new": 3})
    assert response.status_code == 200
    html = response.content.decode()
    assert "From revision 1 to revision 3" in html
    hidden = '<span class="visually-hidden">'
    assert f"<ins>{hidden}[added: </span>ship working{hidden}]</span></ins>" in html
    assert f"<del>{hidden}[removed: </span>get their{hidden}]</span></del>" in html
    # Newer against older works too: any two revisions, either way round.
    backwards = client.get(purpose_url("compare", purpose, world.ours), {"old": 3, "new": 1})
    assert backwards.status_code == 200
    assert "From revision 3 to revision 1" in backwards.content.decode()


def test_compare_defaults_to_the_last_change(world):
    purpose = make_history(world)
    response = world.client(world.ours.user(Role.VIEWER)).get(
        purpose_url("compare", purpose, world.ours)
    )
    assert "From revision 2 to revision 3" in response.content.decode()


@pytest.mark.parametrize("params", [{"old": 1, "new": 99}, {"old": "x", "new": 1}, {"old": 1}])
def test_compare_with_bad_numbers_is_422(world, params):
    purpose = make_history(world)
    response = world.client(world.ours.user(Role.VIEWER)).get(
        purpose_url("compare", purpose, world.ours), params
    )
    assert response.status_code == 422


def test_compare_with_one_revision_says_there_is_nothing_yet(world):
    purpose = create_purpose(world.ours, world.ours.user(Role.EXECUTIVE))
    response = world.client(world.ours.user(Role.VIEWER)).get(
        purpose_url("compare", purpose, world.ours)
    )
    assert response.status_code == 200
    assert "nothing to compare yet" in response.content.decode()


# --- comments -----------------------------------------------------------------------


def test_htmx_comment_returns_the_comment_to_append(world):
    purpose = create_purpose(world.ours, world.ours.user(Role.EXECUTIVE))
    executive = world.ours.user(Role.EXECUTIVE)
    response = world.client(executive).post(
        purpose_url("comment", purpose, world.ours),
        {"body": "Strong <b>one</b>."},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<li id="comment-')
    assert "Strong &lt;b&gt;one&lt;/b&gt;." in html
    assert 'id="comments-heading" hx-swap-oob="true">1 comment<' in html
    with scopes_disabled():
        assert PurposeComment.objects.get(purpose=purpose).author == executive


def test_plain_comment_post_redirects_to_the_comment(world):
    purpose = create_purpose(world.ours, world.ours.user(Role.EXECUTIVE))
    client = world.client(world.ours.user(Role.ADMIN))
    response = client.post(purpose_url("comment", purpose, world.ours), {"body": "Agreed."})
    assert response.status_code == 302
    assert "#comment-" in response["Location"]
    viewer_page = world.client(world.ours.user(Role.VIEWER)).get(
        purpose_url("detail", purpose, world.ours)
    )
    assert "Agreed." in viewer_page.content.decode()


def test_an_empty_comment_is_422_with_the_form_retargeted_for_htmx(world):
    purpose = create_purpose(world.ours, world.ours.user(Role.EXECUTIVE))
    client = world.client(world.ours.user(Role.EXECUTIVE))
    response = client.post(
        purpose_url("comment", purpose, world.ours), {"body": "  "}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#comment-form"
    assert 'id="id_body_error"' in response.content.decode()
    plain = client.post(purpose_url("comment", purpose, world.ours), {"body": ""})
    assert plain.status_code == 422
    with scopes_disabled():
        assert not PurposeComment.objects.filter(purpose=purpose).exists()


def test_viewer_may_not_comment(world):
    purpose = create_purpose(world.ours, world.ours.user(Role.EXECUTIVE))
    response = world.client(world.ours.user(Role.VIEWER)).post(
        purpose_url("comment", purpose, world.ours), {"body": "Hello"}
    )
    assert response.status_code == 403
