"""Writes for communities and their needs.

Every function takes the acting ``organisation`` and refuses rows of any other
one, so a caller that looked an object up in the wrong place cannot change it.
Queries filter by organisation explicitly and so run with or without a scope.
Every write moves the organisation's data version on
(``organisations.services.organisation_data_changed``): roadmap pages show
communities and needs (milestones' communities, the needs' weights).
"""

import copy
from dataclasses import dataclass
from typing import IO, Literal

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from common.limits import MAX_COMMUNITIES, MAX_NEEDS
from communities import csv_io
from communities.models import Community, Need
from organisations import audit
from organisations.models import AuditEntry, Organisation
from organisations.services import organisation_data_changed

Direction = Literal["up", "down"]


class WrongOrganisation(Exception):
    """A community or need of another organisation was passed in."""


class Refused(Exception):
    """A write the user can put right: the message says how."""


class DuplicateName(Refused):
    """The name is taken: the message says by what."""


class TooMany(Refused):
    """The organisation already has as many communities or needs as allowed."""


def _check_room(organisation: Organisation, *, communities: int = 0, needs: int = 0) -> None:
    """Refuse a write that would take the organisation past its limits (common.limits)."""
    if communities:
        count = _communities(organisation).count() + communities
        if count > MAX_COMMUNITIES:
            raise TooMany(
                _("An organisation has at most %(limit)d communities; this would make %(count)d.")
                % {"limit": MAX_COMMUNITIES, "count": count}
            )
    if needs:
        count = Need.objects.with_scopes_disabled().filter(organisation=organisation).count()
        count += needs
        if count > MAX_NEEDS:
            raise TooMany(
                _("An organisation has at most %(limit)d needs; this would make %(count)d.")
                % {"limit": MAX_NEEDS, "count": count}
            )


def _communities(organisation: Organisation):
    return Community.objects.with_scopes_disabled().filter(organisation=organisation)


def _needs(community: Community):
    return Need.objects.with_scopes_disabled().filter(community=community)


def _check_org(organisation: Organisation, *objects: Community | Need) -> None:
    for obj in objects:
        if obj.organisation_id != organisation.pk:
            raise WrongOrganisation(f"{obj!r} is not of organisation {organisation.pk}")


def _check_name_free(organisation: Organisation, name: str, exclude_pk: int | None = None) -> None:
    taken = _communities(organisation).filter(name__iexact=name).exclude(pk=exclude_pk)
    if taken.exists():
        raise DuplicateName(_("There is already a community called “%(name)s”.") % {"name": name})


def _check_statement_free(community: Community, statement: str, exclude_pk: int | None = None):
    taken = _needs(community).filter(statement__iexact=statement).exclude(pk=exclude_pk)
    if taken.exists():
        raise DuplicateName(
            _("“%(community)s” already has the need “%(need)s”.")
            % {"community": community.name, "need": statement}
        )


def _next_position(queryset) -> int:
    highest = queryset.aggregate(highest=Max("position"))["highest"]
    return 0 if highest is None else highest + 1


def community_create(
    *,
    organisation: Organisation,
    name: str,
    kind: str,
    description: str = "",
    estimated_size: int | None = None,
) -> Community:
    name = name.strip()
    with transaction.atomic():
        _check_name_free(organisation, name)
        _check_room(organisation, communities=1)
        try:
            with transaction.atomic():
                community = Community.objects.with_scopes_disabled().create(
                    organisation=organisation,
                    name=name,
                    kind=kind,
                    description=description,
                    estimated_size=estimated_size,
                    position=_next_position(_communities(organisation)),
                )
        except IntegrityError:
            # Someone created the same name since the check above.
            _check_name_free(organisation, name)
            raise
        organisation_data_changed(organisation_id=organisation.pk)
    return community


def community_update(
    *,
    organisation: Organisation,
    community: Community,
    name: str,
    kind: str,
    description: str = "",
    estimated_size: int | None = None,
) -> Community:
    _check_org(organisation, community)
    name = name.strip()
    with transaction.atomic():
        _check_name_free(organisation, name, exclude_pk=community.pk)
        community.name = name
        community.kind = kind
        community.description = description
        community.estimated_size = estimated_size
        community.save(
            update_fields=["name", "kind", "description", "estimated_size", "updated_at"]
        )
        organisation_data_changed(organisation_id=organisation.pk)
    return community


def community_delete(*, organisation: Organisation, community: Community) -> None:
    """Delete the community and its needs."""
    _check_org(organisation, community)
    with transaction.atomic():
        _communities(organisation).filter(pk=community.pk).delete()
        organisation_data_changed(organisation_id=organisation.pk)


def _move(queryset, obj, direction: Direction) -> bool:
    """Swap ``obj`` with its neighbour and renumber; False if it is already at that end."""
    if direction not in ("up", "down"):
        raise ValueError(f"direction must be 'up' or 'down', not {direction!r}")
    ordered = list(queryset.select_for_update().order_by("position", "pk"))
    index = next((i for i, row in enumerate(ordered) if row.pk == obj.pk), None)
    if index is None:
        return False  # deleted by someone else a moment ago
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(ordered):
        return False
    ordered[index], ordered[other] = ordered[other], ordered[index]
    changed = []
    for position, row in enumerate(ordered):
        if row.position != position:
            row.position = position
            changed.append(row)
    queryset.model.objects.with_scopes_disabled().bulk_update(changed, ["position"])
    obj.position = next(row.position for row in ordered if row.pk == obj.pk)
    return True


def community_move(
    *, organisation: Organisation, community: Community, direction: Direction
) -> bool:
    """Move the community one place up or down; False if it is already first or last."""
    _check_org(organisation, community)
    with transaction.atomic():
        moved = _move(_communities(organisation), community, direction)
        organisation_data_changed(organisation_id=organisation.pk)
    return moved


def need_create(
    *,
    organisation: Organisation,
    community: Community,
    statement: str,
    weight: int,
    evidence: str = "",
) -> Need:
    _check_org(organisation, community)
    statement = statement.strip()
    with transaction.atomic():
        _check_statement_free(community, statement)
        _check_room(organisation, needs=1)
        need = Need.objects.with_scopes_disabled().create(
            organisation=organisation,
            community=community,
            statement=statement,
            weight=weight,
            evidence=evidence,
            position=_next_position(_needs(community)),
        )
        organisation_data_changed(organisation_id=organisation.pk)
    return need


def need_update(
    *, organisation: Organisation, need: Need, statement: str, weight: int, evidence: str = ""
) -> Need:
    _check_org(organisation, need)
    statement = statement.strip()
    with transaction.atomic():
        _check_statement_free(need.community, statement, exclude_pk=need.pk)
        need.statement = statement
        need.weight = weight
        need.evidence = evidence
        need.save(update_fields=["statement", "weight", "evidence", "updated_at"])
        organisation_data_changed(organisation_id=organisation.pk)
    return need


def need_delete(*, organisation: Organisation, need: Need) -> None:
    _check_org(organisation, need)
    with transaction.atomic():
        Need.objects.with_scopes_disabled().filter(organisation=organisation, pk=need.pk).delete()
        organisation_data_changed(organisation_id=organisation.pk)


def need_move(*, organisation: Organisation, need: Need, direction: Direction) -> bool:
    """Move the need one place up or down within its community."""
    _check_org(organisation, need)
    with transaction.atomic():
        moved = _move(_needs(need.community), need, direction)
        organisation_data_changed(organisation_id=organisation.pk)
    return moved


@dataclass(frozen=True)
class ImportSummary:
    communities_added: int = 0
    communities_updated: int = 0
    needs_added: int = 0
    needs_updated: int = 0


class CsvImportError(csv_io.CsvInvalid):
    """The file was rejected whole; ``errors`` lists each offending row."""


def communities_import_csv(*, organisation: Organisation, file: IO[bytes]) -> ImportSummary:
    """Import the file whole or not at all.

    Communities are matched by name, ignoring case: a new one is added at the
    end; an existing one gets the kind, description and size of the file where
    those cells are not empty. Needs are matched by statement within their
    community: new ones are added at the end, existing ones get the file's
    weight and (if given) evidence. Nothing is ever deleted.
    """
    data = file.read(csv_io.MAX_FILE_BYTES + 1)
    with transaction.atomic():
        existing = {c.name.casefold(): c for c in _communities(organisation).select_for_update()}
        try:
            rows = csv_io.parse_communities_csv(data, existing_names=existing.keys())
        except csv_io.CsvInvalid as error:
            raise CsvImportError(error.errors) from None
        try:
            with transaction.atomic():
                summary = _apply_import(organisation, existing, rows)
                organisation_data_changed(organisation_id=organisation.pk)
                return summary
        except TooMany as error:
            raise CsvImportError([csv_io.RowError(None, str(error))]) from None
        except IntegrityError:
            raise CsvImportError(
                [
                    csv_io.RowError(
                        None,
                        _(
                            "Someone changed the communities while the file was being "
                            "imported. Nothing was imported; please upload it again."
                        ),
                    )
                ]
            ) from None


def _apply_import(
    organisation: Organisation,
    existing: dict[str, Community],
    rows: list[csv_io.CommunityRow],
) -> ImportSummary:
    """Write the file in bulk: a fixed number of queries, however long the file.

    Bulk writes fire no model signal, so the audit log gets one entry per
    community and need added or changed, as a save would have logged it, in
    one INSERT at the end.
    """
    now = timezone.now()
    next_position = _next_position(_communities(organisation))
    communities_by_key: dict[str, Community] = {}
    new_communities: list[Community] = []
    changed_communities: list[tuple[Community, Community, list[str]]] = []
    for row in rows:
        key = row.name.casefold()
        community = existing.get(key)
        if community is None:
            community = Community(
                organisation=organisation,
                name=row.name,
                kind=row.kind,
                description=row.description or "",
                estimated_size=row.estimated_size,
                position=next_position,
            )
            next_position += 1
            new_communities.append(community)
        else:
            changed = {
                field: value
                for field, value in (
                    ("kind", row.kind),
                    ("description", row.description),
                    ("estimated_size", row.estimated_size),
                )
                if value is not None and getattr(community, field) != value
            }
            if changed:
                old = copy.copy(community)
                for field, value in changed.items():
                    setattr(community, field, value)
                community.updated_at = now
                changed_communities.append((old, community, list(changed)))
        communities_by_key[key] = community
    _check_room(organisation, communities=len(new_communities))
    Community.objects.with_scopes_disabled().bulk_create(new_communities)
    Community.objects.with_scopes_disabled().bulk_update(
        [community for _old, community, _fields in changed_communities],
        ["kind", "description", "estimated_size", "updated_at"],
    )

    needs_by_key: dict[tuple[int, str], Need] = {
        (need.community_id, need.statement.casefold()): need
        for need in Need.objects.with_scopes_disabled().filter(
            organisation=organisation, community__in=communities_by_key.values()
        )
    }
    positions = _next_need_positions(communities_by_key.values())
    new_needs: list[Need] = []
    changed_needs: list[tuple[Need, Need]] = []
    for row in rows:
        community = communities_by_key[row.name.casefold()]
        for need_row in row.needs:
            need = needs_by_key.get((community.pk, need_row.statement.casefold()))
            if need is None:
                new_needs.append(
                    Need(
                        organisation=organisation,
                        community=community,
                        statement=need_row.statement,
                        weight=need_row.weight,
                        evidence=need_row.evidence,
                        position=positions[community.pk],
                    )
                )
                positions[community.pk] += 1
            elif need.weight != need_row.weight or (
                need_row.evidence and need.evidence != need_row.evidence
            ):
                old = copy.copy(need)
                need.weight = need_row.weight
                need.evidence = need_row.evidence or need.evidence
                need.updated_at = now
                changed_needs.append((old, need))
    _check_room(organisation, needs=len(new_needs))
    Need.objects.with_scopes_disabled().bulk_create(new_needs)
    Need.objects.with_scopes_disabled().bulk_update(
        [need for _old, need in changed_needs], ["weight", "evidence", "updated_at"]
    )

    added = [
        audit.Record(row, audit.created_changes(row), action=AuditEntry.Action.CREATE)
        for row in [*new_communities, *new_needs]
    ]
    updated = [
        audit.Record(new, audit.changes_between(old, new, fields))
        for old, new, fields in [
            *changed_communities,
            *((old, new, ["weight", "evidence"]) for old, new in changed_needs),
        ]
    ]
    audit.record_many([*added, *updated])
    return ImportSummary(
        communities_added=len(new_communities),
        communities_updated=len(changed_communities),
        needs_added=len(new_needs),
        needs_updated=len(changed_needs),
    )


def _next_need_positions(communities) -> dict[int, int]:
    highest = dict(
        Need.objects.with_scopes_disabled()
        .filter(community__in=list(communities))
        .values_list("community")
        .annotate(highest=Max("position"))
        .values_list("community", "highest")
    )
    return {c.pk: highest.get(c.pk, -1) + 1 for c in communities}
