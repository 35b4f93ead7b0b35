"""Writes for organisations, memberships and invitations."""

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from organisations import audit
from organisations.models import Invitation, Membership, Organisation, User, hash_token
from organisations.permissions import Role


class MembershipError(Exception):
    """A change to memberships that must not happen; the message says why."""


class InvitationInvalid(Exception):
    """The invitation link is unknown, used, revoked or expired."""


class InvitationForAnotherAddress(Exception):
    """The signed-in account's address is not the one invited.

    A forwarded or mis-addressed link must not hand its role (up to admin) to
    whoever opens it: only the invited address may accept.
    """

    def __init__(self, email: str):
        self.email = email
        super().__init__(email)


def invitation_is_for(invitation: Invitation, user: User) -> bool:
    return user.email.strip().lower() == invitation.email.strip().lower()


def organisation_settings_save(*, form: forms.ModelForm) -> Organisation:
    """Save the settings form; a replaced or cleared logo file is deleted once committed."""
    with transaction.atomic():
        old_logo = (
            Organisation.objects.filter(pk=form.instance.pk).values_list("logo", flat=True).first()
        )
        organisation = form.save()
        if old_logo and old_logo != organisation.logo.name:
            storage = organisation.logo.storage
            transaction.on_commit(lambda: storage.delete(old_logo))
    return organisation


class OrganisationCreationRefused(Exception):
    """Only platform staff may create organisations here (``ROADMAP_ORG_CREATION``)."""


def organisation_creation_allowed(user: User) -> bool:
    if not user.is_authenticated:
        return False
    return settings.ROADMAP_ORG_CREATION == "anyone" or user.is_staff


SLUG_MAX_LENGTH = Organisation._meta.get_field("slug").max_length
# Room for a suffix up to "-999999": every candidate for a name starts with
# this much of its slug, so one query finds all that could collide.
_SLUG_STEM = SLUG_MAX_LENGTH - 7
# A slug taken between the look-up and the insert (two people creating
# "Acme" at once) is looked up again; more collisions than this are not a race.
_SLUG_ATTEMPTS = 5


def organisation_slug_base(name: str) -> str:
    """The slug ``name`` asks for: lower-case ASCII words joined by hyphens.

    A name with no ASCII letter or digit ("東京") asks for "organisation".
    """
    return slugify(name)[:SLUG_MAX_LENGTH].strip("-") or "organisation"


def organisation_slug_for(name: str) -> str:
    """A free slug for ``name``: its base, with "-2", "-3"… if another organisation has it."""
    base = organisation_slug_base(name)
    taken = set(
        Organisation.objects.filter(slug__startswith=base[:_SLUG_STEM]).values_list(
            "slug", flat=True
        )
    )
    if base not in taken:
        return base
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = base[: SLUG_MAX_LENGTH - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
        number += 1


def organisation_create(*, name: str, creator: User) -> Organisation:
    """A new organisation with ``creator`` as its admin, at a free slug made from its name.

    Both rows are written in one transaction and land in the audit log as
    any create does (auditlog's signals, the actor from the request).
    """
    if not organisation_creation_allowed(creator):
        raise OrganisationCreationRefused
    name = name.strip()
    for _attempt in range(_SLUG_ATTEMPTS - 1):
        try:
            return _organisation_insert(name=name, creator=creator)
        except IntegrityError:
            continue  # someone took the slug meanwhile: look for a free one again
    return _organisation_insert(name=name, creator=creator)


def _organisation_insert(*, name: str, creator: User) -> Organisation:
    with transaction.atomic():
        organisation = Organisation.objects.create(name=name, slug=organisation_slug_for(name))
        Membership.objects.with_scopes_disabled().create(
            organisation=organisation, user=creator, role=Role.ADMIN
        )
    return organisation


def membership_hide_checklist(*, membership: Membership, hidden: bool) -> None:
    """Hide (or show again) the setup checklist on the home page, for this member only.

    Not in the audit log: it changes one person's view of a page, nothing
    the organisation decided (an ``update()`` fires no auditlog signal).
    """
    Membership.objects.with_scopes_disabled().filter(pk=membership.pk).update(
        checklist_hidden=hidden
    )
    membership.checklist_hidden = hidden


def organisation_data_changed(*, organisation_id: int) -> None:
    """Move the organisation's data version on: roadmap pages cached before are not served.

    For every write outside the roadmap app that changes what a roadmap page
    shows: purposes, communities and needs, scoring rounds (reveal, close, fit
    weight), people's names. Call it inside the write's transaction and last
    in it (the row stays locked until the commit). One ``UPDATE … + 1``, so two
    writers never end on the same number.
    """
    Organisation.objects.filter(pk=organisation_id).update(data_version=F("data_version") + 1)


def person_changed(*, user_id: int) -> None:
    """A person's name or email changed, or they are deleted: their organisations show them.

    Roadmap pages name milestone owners by ``display_name`` (the full name,
    else the email), so every organisation the person belongs to moves on.
    """
    Organisation.objects.filter(memberships__user_id=user_id).update(
        data_version=F("data_version") + 1
    )


def _lock_admins(organisation: Organisation) -> list[int]:
    """Lock the organisation's admin memberships and return their ids.

    Two admins demoting each other at the same moment must not leave the
    organisation without one: the second waits here for the first.
    """
    return list(
        Membership.objects.with_scopes_disabled()
        .select_for_update()
        .filter(organisation=organisation, role=Role.ADMIN)
        .values_list("pk", flat=True)
    )


def membership_change_role(*, membership: Membership, role: str) -> Membership:
    if role not in Role.values:
        raise MembershipError(_("Choose one of the roles."))
    with transaction.atomic():
        admin_ids = _lock_admins(membership.organisation)
        if membership.pk in admin_ids and role != Role.ADMIN and len(admin_ids) == 1:
            raise MembershipError(
                _(
                    "%(name)s is the last admin of %(org)s. Make someone else an admin "
                    "first; an organisation always needs one."
                )
                % {"name": membership.user.display_name, "org": membership.organisation.name}
            )
        old_role = (
            Membership.objects.with_scopes_disabled()
            .filter(pk=membership.pk)
            .values_list("role", flat=True)
            .first()
        )
        Membership.objects.with_scopes_disabled().filter(pk=membership.pk).update(role=role)
        membership.role = role
        if old_role != role:
            # update() fires no model signal: the audit log is told directly.
            audit.record(instance=membership, changes={"role": [old_role, role]})
    return membership


def membership_remove(*, membership: Membership) -> None:
    with transaction.atomic():
        admin_ids = _lock_admins(membership.organisation)
        if membership.pk in admin_ids and len(admin_ids) == 1:
            raise MembershipError(
                _(
                    "%(name)s is the last admin of %(org)s and cannot be removed. Make "
                    "someone else an admin first."
                )
                % {"name": membership.user.display_name, "org": membership.organisation.name}
            )
        Membership.objects.with_scopes_disabled().filter(pk=membership.pk).delete()


@dataclass(frozen=True)
class NewInvitation:
    invitation: Invitation
    token: str
    replaced: int = 0  # earlier pending invitations to the address, whose links now fail


def invitation_create(
    *, organisation: Organisation, email: str, role: str, invited_by: User, accept_url_for
) -> NewInvitation:
    """Invite ``email`` with ``role``; a pending invitation to the same address is replaced.

    ``accept_url_for(token)`` builds the absolute link; the email is sent by a
    Celery worker once the transaction has committed.
    """
    from organisations.tasks import send_invitation_email

    email = email.strip().lower()
    if (
        Membership.objects.with_scopes_disabled()
        .filter(organisation=organisation, user__email__iexact=email)
        .exists()
    ):
        raise MembershipError(_("%(email)s is already a member.") % {"email": email})
    token, token_hash = Invitation.new_token()
    with transaction.atomic():
        now = timezone.now()
        replaced = (
            Invitation.objects.with_scopes_disabled()
            .filter(organisation=organisation, email__iexact=email)
            .pending()
            .update(revoked_at=now)
        )
        invitation = Invitation.objects.with_scopes_disabled().create(
            organisation=organisation,
            email=email,
            role=role,
            token_hash=token_hash,
            invited_by=invited_by,
        )
        accept_url = accept_url_for(token)
        transaction.on_commit(lambda: send_invitation_email.delay(invitation.pk, accept_url))
    return NewInvitation(invitation=invitation, token=token, replaced=replaced)


def invitation_revoke(*, invitation: Invitation) -> None:
    now = timezone.now()
    revoked = (
        Invitation.objects.with_scopes_disabled()
        .filter(pk=invitation.pk)
        .pending()
        .update(revoked_at=now)
    )
    if revoked:
        audit.record(instance=invitation, changes={"revoked_at": [None, now.isoformat()]})


def invitation_for_token(token: str) -> Invitation:
    invitation = (
        Invitation.objects.with_scopes_disabled()
        .select_related("organisation", "invited_by")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invitation is None or not invitation.is_pending:
        raise InvitationInvalid
    return invitation


def invitation_accept(*, token: str, user: User) -> Membership:
    """Make ``user`` a member; the link works once, even for two clicks at the same time."""
    with transaction.atomic():
        invitation = invitation_for_token(token)
        if not invitation_is_for(invitation, user):
            raise InvitationForAnotherAddress(invitation.email)
        claimed = (
            Invitation.objects.with_scopes_disabled()
            .filter(pk=invitation.pk)
            .pending()
            .update(accepted_at=timezone.now(), accepted_by=user)
        )
        if claimed != 1:
            raise InvitationInvalid
        memberships = Membership.objects.with_scopes_disabled()
        existing = memberships.filter(organisation=invitation.organisation, user=user).first()
        if existing is not None:
            # Already a member: the invitation is used up and the role stays.
            return existing
        try:
            with transaction.atomic():
                return memberships.create(
                    organisation=invitation.organisation, user=user, role=invitation.role
                )
        except IntegrityError:
            return memberships.get(organisation=invitation.organisation, user=user)


def invitation_send_email(*, invitation_id: int, accept_url: str) -> bool:
    """Send the invitation email; returns False if it is no longer pending."""
    from django.core.mail import send_mail
    from django.template.loader import render_to_string

    invitation = (
        Invitation.objects.with_scopes_disabled()
        .select_related("organisation", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.is_pending:
        return False
    context = {"invitation": invitation, "accept_url": accept_url}
    subject = _("Join %(org)s on Purpose Roadmap") % {"org": invitation.organisation.name}
    body = render_to_string("organisations/email/invitation.txt", context)
    send_mail(subject, body, None, [invitation.email])
    Invitation.objects.with_scopes_disabled().filter(pk=invitation.pk).update(
        email_sent_at=timezone.now()
    )
    return True


def user_create_for_invitation(*, invitation: Invitation, full_name: str, password: str) -> User:
    first, _sep, last = full_name.strip().partition(" ")
    return User.objects.create_user(
        email=invitation.email, password=password, first_name=first, last_name=last
    )
