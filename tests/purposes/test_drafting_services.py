"""purpose_create, purpose_update, purpose_set_status, comment_create."""

import pytest
from django.core.exceptions import PermissionDenied
from django_scopes import scope, scopes_disabled

from organisations.permissions import Role
from purposes import services
from purposes.models import PurposeComment, PurposeStatus
from purposes.services import PurposeText
from tests.support.drafting import TEXT, create_purpose, reload, revisions_of
from tests.support.factories import CommunityFactory


def update(purpose, user, loaded_version, communities=(), **changes):
    with scope(organisation=purpose.organisation):
        return services.purpose_update(
            purpose=purpose,
            actor=user,
            loaded_version=loaded_version,
            text=PurposeText.from_values({**TEXT, **changes}),
            communities=communities,
        )


def test_create_writes_the_first_revision(world):
    executive = world.ours.user(Role.EXECUTIVE)
    community = CommunityFactory(organisation=world.ours.org)
    purpose = create_purpose(world.ours, executive, communities=[community])
    (first,) = revisions_of(purpose)
    assert (first.number, first.author, first.statement) == (1, executive, TEXT["statement"])
    assert first.community_names == [community.name]
    assert reload(purpose).created_by == executive


def test_each_saved_edit_is_a_revision_by_its_author(world):
    purpose = create_purpose(world.ours, world.ours.user(Role.EXECUTIVE))
    facilitator = world.ours.user(Role.FACILITATOR)
    saved = update(purpose, facilitator, 1, statement="Second wording.")
    update(saved, world.ours.user(Role.ADMIN), 2, statement="Third wording.")
    revisions = revisions_of(purpose)
    assert [(r.number, r.statement) for r in revisions] == [
        (1, TEXT["statement"]),
        (2, "Second wording."),
        (3, "Third wording."),
    ]
    assert revisions[1].author == facilitator
    assert reload(purpose).version == 3


def test_a_save_from_an_old_version_is_a_conflict_and_writes_nothing(world):
    purpose = create_purpose(world.ours, world.ours.user(Role.EXECUTIVE))
    first, second = world.ours.user(Role.EXECUTIVE), world.ours.user(Role.FACILITATOR)
    # Both loaded version 1; the first saves, then the second.
    update(purpose, first, 1, statement="Alice's wording.")
    with pytest.raises(services.EditConflict) as caught:
        update(purpose, second, 1, statement="Bob's wording.")
    assert caught.value.current.statement == "Alice's wording."
    assert caught.value.revision.author == first
    assert first.display_name in str(caught.value)
    assert reload(purpose).statement == "Alice's wording."
    assert len(revisions_of(purpose)) == 2


def test_saving_what_is_already_saved_is_no_conflict_and_no_revision(world):
    purpose = create_purpose(world.ours, world.ours.user(Role.EXECUTIVE))
    update(purpose, world.ours.user(Role.ADMIN), 1, statement="New.")
    same = update(purpose, world.ours.user(Role.FACILITATOR), 1, statement="New.")
    assert same.version == 2
    assert len(revisions_of(purpose)) == 2


def test_communities_of_another_organisation_are_refused(world):
    foreign_community = CommunityFactory(organisation=world.foreign.org)
    with pytest.raises(services.PurposeError):
        create_purpose(world.ours, world.ours.user(Role.EXECUTIVE), [foreign_community])
    purpose = create_purpose(world.ours, world.ours.user(Role.EXECUTIVE))
    with pytest.raises(services.PurposeError):
        update(purpose, world.ours.user(Role.EXECUTIVE), 1, communities=[foreign_community])
    assert reload(purpose).communities.count() == 0
    assert len(revisions_of(purpose)) == 1


@pytest.mark.parametrize("who", ["viewer", "foreign admin", "loner"])
def test_only_members_who_may_edit_can_create_or_update(world, who):
    user = {
        "viewer": world.ours.user(Role.VIEWER),
        "foreign admin": world.foreign.user(Role.ADMIN),
        "loner": world.loner,
    }[who]
    with pytest.raises(PermissionDenied):
        create_purpose(world.ours, user)
    purpose = create_purpose(world.ours, world.ours.user(Role.EXECUTIVE))
    with pytest.raises(PermissionDenied):
        update(purpose, user, 1, statement="Sneaky.")
    assert reload(purpose).statement == TEXT["statement"]


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.ADMIN, True),
        (Role.FACILITATOR, True),
        (Role.EXECUTIVE, False),
        (Role.VIEWER, False),
    ],
)
def test_only_facilitators_and_admins_change_status(world, role, allowed):
    purpose = create_purpose(world.ours, world.ours.user(Role.EXECUTIVE))
    actor = world.ours.user(role)
    if allowed:
        services.purpose_set_status(purpose=purpose, status=PurposeStatus.CHOSEN, actor=actor)
        assert reload(purpose).status == PurposeStatus.CHOSEN
        # A decision, not an edit of the text: no revision.
        assert [r.number for r in revisions_of(purpose)] == [1]
    else:
        with pytest.raises(PermissionDenied):
            services.purpose_set_status(purpose=purpose, status=PurposeStatus.CHOSEN, actor=actor)
        assert reload(purpose).status == PurposeStatus.DRAFT


def test_a_foreign_facilitator_cannot_change_status(world):
    purpose = create_purpose(world.ours, world.ours.user(Role.EXECUTIVE))
    with pytest.raises(PermissionDenied):
        services.purpose_set_status(
            purpose=purpose, status=PurposeStatus.RETIRED, actor=world.foreign.user(Role.ADMIN)
        )
    assert reload(purpose).status == PurposeStatus.DRAFT


def test_setting_the_same_status_writes_no_revision(world):
    purpose = create_purpose(world.ours, world.ours.user(Role.EXECUTIVE))
    facilitator = world.ours.user(Role.FACILITATOR)
    services.purpose_set_status(purpose=purpose, status=PurposeStatus.DRAFT, actor=facilitator)
    assert len(revisions_of(purpose)) == 1


def test_an_unknown_status_is_refused(world):
    purpose = create_purpose(world.ours, world.ours.user(Role.EXECUTIVE))
    with pytest.raises(services.PurposeError):
        services.purpose_set_status(
            purpose=purpose, status="won", actor=world.ours.user(Role.ADMIN)
        )


def test_a_status_change_does_not_invalidate_an_open_text_edit(world):
    purpose = create_purpose(world.ours, world.ours.user(Role.EXECUTIVE))
    services.purpose_set_status(
        purpose=purpose, status=PurposeStatus.SHORTLISTED, actor=world.ours.user(Role.ADMIN)
    )
    saved = update(purpose, world.ours.user(Role.EXECUTIVE), 1, statement="Edited meanwhile.")
    assert (saved.statement, saved.status) == ("Edited meanwhile.", PurposeStatus.SHORTLISTED)
    assert [r.number for r in revisions_of(purpose)] == [1, 2]


def test_comments_need_the_comment_permission_and_text(world):
    purpose = create_purpose(world.ours, world.ours.user(Role.EXECUTIVE))
    comment = services.comment_create(
        purpose=purpose, actor=world.ours.user(Role.EXECUTIVE), body="  Good one.  "
    )
    assert comment.body == "Good one."
    with pytest.raises(PermissionDenied):
        services.comment_create(purpose=purpose, actor=world.ours.user(Role.VIEWER), body="Hi")
    with pytest.raises(services.PurposeError):
        services.comment_create(purpose=purpose, actor=world.ours.user(Role.ADMIN), body="   ")
    with scopes_disabled():
        assert PurposeComment.objects.filter(purpose=purpose).count() == 1
