"""Writes for purpose drafting: create, edit (conflict-safe), status, comments.

Every function is keyword-only, atomic, checks that the actor is a member of
the purpose's organisation with the right permission, and refuses objects of
another organisation. Each opens a django-scopes scope on the purpose's own
organisation, so it works the same inside a view, in the demo loader and in
scoring code, and cannot reach another organisation's rows. A create, an edit
or a status change moves the organisation's data version on
(``organisations.services.organisation_data_changed``): roadmap pages show
purposes.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from communities.models import Community
from organisations import audit
from organisations.models import Membership, Organisation, User
from organisations.permissions import Perm
from organisations.services import organisation_data_changed
from purposes.hints import TEXT_FIELDS
from purposes.models import Purpose, PurposeComment, PurposeRevision, PurposeStatus


class PurposeError(Exception):
    """A change to a purpose that must not happen; the message says why."""


class EditConflict(PurposeError):
    """Someone else saved the purpose after the editor loaded it.

    ``current`` is the purpose as it is now saved (communities prefetched) and
    ``revision`` the revision that records the other person's save.
    """

    def __init__(self, *, current: Purpose, revision: PurposeRevision | None) -> None:
        self.current = current
        self.revision = revision
        author = revision.author.display_name if revision and revision.author else _("Someone")
        super().__init__(
            _("%(name)s saved this purpose while you were editing it.") % {"name": author}
        )


@dataclass(frozen=True)
class PurposeText:
    """The text of a purpose as an editor submits it."""

    title: str
    statement: str
    participants: str = ""
    issue: str = ""
    value_to_participants: str = ""
    value_to_organisation: str = ""

    @classmethod
    def from_values(cls, values: dict) -> "PurposeText":
        return cls(**{name: (values.get(name) or "").strip() for name in TEXT_FIELDS})

    def as_dict(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in TEXT_FIELDS}


def _require_perm(*, actor: User, organisation: Organisation, perm: Perm) -> None:
    membership = Membership.objects.filter(organisation=organisation, user=actor).first()
    if membership is None or not membership.has_perm(perm):
        raise PermissionDenied


def _check_communities(*, organisation: Organisation, communities: Iterable[Community]) -> list:
    communities = list(communities)
    if any(c.organisation_id != organisation.pk for c in communities):
        raise PurposeError(_("A purpose can only target communities of its own organisation."))
    return communities


def _write_revision(*, purpose: Purpose, author: User) -> PurposeRevision:
    """Copy the purpose as saved now. Call with the purpose row already updated.

    The UPDATE before it holds the row lock (PostgreSQL) or the write lock
    (SQLite), so two saves cannot compute the same revision number.
    """
    last = PurposeRevision.objects.filter(purpose=purpose).aggregate(last=Max("number"))["last"]
    names = sorted(purpose.communities.values_list("name", flat=True))
    return PurposeRevision.objects.create(
        organisation_id=purpose.organisation_id,
        purpose=purpose,
        number=(last or 0) + 1,
        author=author,
        status=purpose.status,
        community_names=names,
        **{name: getattr(purpose, name) for name in TEXT_FIELDS},
    )


def latest_revision(purpose: Purpose) -> PurposeRevision | None:
    """The newest revision of ``purpose``; call inside a scope of its organisation."""
    return (
        PurposeRevision.objects.filter(purpose=purpose)
        .select_related("author")
        .order_by("-number")
        .first()
    )


def purpose_create(
    *,
    organisation: Organisation,
    actor: User,
    text: PurposeText,
    communities: Iterable[Community] = (),
) -> Purpose:
    communities = _check_communities(organisation=organisation, communities=communities)
    with scope(organisation=organisation), transaction.atomic():
        _require_perm(actor=actor, organisation=organisation, perm=Perm.EDIT_PURPOSES)
        purpose = Purpose.objects.create(
            organisation=organisation, created_by=actor, **text.as_dict()
        )
        purpose.communities.set(communities)
        _write_revision(purpose=purpose, author=actor)
        organisation_data_changed(organisation_id=organisation.pk)
    return purpose


def purpose_update(
    *,
    purpose: Purpose,
    actor: User,
    loaded_version: int,
    text: PurposeText,
    communities: Iterable[Community],
) -> Purpose:
    """Save an edit made to the purpose as it was at ``loaded_version``.

    If anyone saved in between, nothing is written and ``EditConflict`` says
    what they saved. An edit that changes nothing writes no revision.
    """
    organisation = purpose.organisation
    communities = _check_communities(organisation=organisation, communities=communities)
    community_ids = {c.pk for c in communities}
    with scope(organisation=organisation), transaction.atomic():
        _require_perm(actor=actor, organisation=organisation, perm=Perm.EDIT_PURPOSES)
        current = Purpose.objects.filter(pk=purpose.pk).first()
        if current is None:
            raise PurposeError(_("This purpose no longer exists."))
        current_ids = set(current.communities.values_list("pk", flat=True))
        unchanged = text.as_dict() == {n: getattr(current, n) for n in TEXT_FIELDS} and (
            community_ids == current_ids
        )
        if unchanged:
            # Saving what is already saved is no conflict, even from an old page.
            return current
        # The version check and the write are one statement: of two saves that
        # loaded the same version, exactly one matches a row.
        updated = Purpose.objects.filter(pk=purpose.pk, version=loaded_version).update(
            **text.as_dict(), version=F("version") + 1, updated_at=timezone.now()
        )
        if updated == 0:
            raise _conflict(purpose)
        current.refresh_from_db()
        current.communities.set(communities)
        _write_revision(purpose=current, author=actor)
        organisation_data_changed(organisation_id=organisation.pk)
        return current


def _conflict(purpose: Purpose) -> EditConflict:
    current = Purpose.objects.prefetch_related("communities").get(pk=purpose.pk)
    return EditConflict(current=current, revision=latest_revision(current))


def purpose_set_status(*, purpose: Purpose, status: str, actor: User) -> Purpose:
    """Move a purpose to ``status``; only facilitators and admins (Perm.RUN_WORKSHOP).

    Any status may follow any other: the workshop may shortlist a draft, choose
    straight from the shortlist or the drafts, retire, or revive a retired one.
    A decision is not an edit of the text: it writes no revision (the
    history lists only what people wrote) but one audit entry, so the audit
    log shows who decided and when. It does not bump ``version``: an editor's
    open text edit stays valid.
    """
    if status not in PurposeStatus.values:
        raise PurposeError(_("Choose one of the statuses."))
    organisation = purpose.organisation
    with scope(organisation=organisation), transaction.atomic():
        _require_perm(actor=actor, organisation=organisation, perm=Perm.RUN_WORKSHOP)
        before = (
            Purpose.objects.select_for_update()
            .filter(pk=purpose.pk)
            .values_list("status", flat=True)
            .first()
        )
        changed = (
            Purpose.objects.filter(pk=purpose.pk)
            .exclude(status=status)
            .update(status=status, updated_at=timezone.now())
        )
        purpose.refresh_from_db()
        if changed:
            audit.record(
                instance=purpose,
                changes={"status": [before, status]},
                actor=actor,
                object_repr=purpose.title,
            )
            organisation_data_changed(organisation_id=organisation.pk)
    return purpose


def comment_create(*, purpose: Purpose, actor: User, body: str) -> PurposeComment:
    body = body.strip()
    if not body:
        raise PurposeError(_("Write a comment first."))
    with scope(organisation=purpose.organisation), transaction.atomic():
        _require_perm(actor=actor, organisation=purpose.organisation, perm=Perm.COMMENT)
        return PurposeComment.objects.create(
            organisation_id=purpose.organisation_id, purpose=purpose, author=actor, body=body
        )
