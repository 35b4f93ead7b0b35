"""Writes for roadmaps, phases, placements, milestones and dependencies.

Every function is keyword-only, runs in one transaction and takes the acting
``organisation``: it refuses rows of any other one (``WrongOrganisation``, a
programming error, never shown to a user) and rows of another roadmap. What a
user can get wrong (dates, overlapping phases, a missing risk likelihood, a
loop of dependencies) is refused with ``django.core.exceptions.ValidationError``
carrying a sentence per field, which a form shows with ``form.add_error(None,
error)``. Queries filter explicitly and so run with or without a scope. The
database constraints on ``Milestone`` are the last net behind all of this.
"""

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Model, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.formatting import date_text
from common.limits import MAX_DEPENDENCIES, MAX_MILESTONES
from communities.models import Community
from organisations import audit
from organisations.models import AuditEntry, Membership, Organisation, User
from purposes.models import Purpose, PurposeStatus, RoundStatus, ScoringRound
from roadmap import dependencies as deps
from roadmap.milestone_rules import (
    CURRENCY_LENGTH,
    MilestoneDetails,
    kind_values,
    milestone_date_errors,
    milestone_errors,
)
from roadmap.models import (
    MAX_ROADMAP_YEARS,
    Milestone,
    MilestoneDependency,
    MilestoneStatus,
    Phase,
    PhasePurpose,
    Roadmap,
    RoadmapStatus,
    UndoKind,
    UndoRecord,
    add_years,
)
from roadmap.timeline import short_date

Direction = Literal["up", "down"]


class WrongOrganisation(Exception):
    """A row of another organisation (or another roadmap) was passed in."""


def _check_org(organisation: Organisation, *objects) -> None:
    for obj in objects:
        if obj is not None and obj.organisation_id != organisation.pk:
            raise WrongOrganisation(f"{obj!r} is not of organisation {organisation.pk}")


def _check_member(organisation: Organisation, user: User | None, field: str) -> None:
    if user is None:
        return
    is_member = (
        Membership.objects.with_scopes_disabled()
        .filter(organisation=organisation, user=user)
        .exists()
    )
    if not is_member:
        raise ValidationError({field: _("Choose a member of %(org)s.") % {"org": organisation}})


def _touch(roadmap: Roadmap) -> None:
    """Mark the roadmap changed: ``updated_at`` says when anything in it last moved.

    And ``version`` moves on, in the same UPDATE: the roadmap page's cache is
    keyed by it, so every write in this module ends here, inside its
    transaction.
    """
    Roadmap.objects.with_scopes_disabled().filter(pk=roadmap.pk).update(
        updated_at=timezone.now(), version=F("version") + 1
    )


def lock(roadmap: Roadmap) -> None:
    """Serialise writes to one roadmap (phase overlap and dependency loops span rows)."""
    Roadmap.objects.with_scopes_disabled().select_for_update().filter(pk=roadmap.pk).first()


# ---------------------------------------------------------------- roadmaps


def roadmap_dates_errors(start: date | None, end: date | None) -> dict[str, str]:
    """Messages for a roadmap's dates: the end after the start, at most five years on."""
    if start is None or end is None:
        return {}
    try:
        Roadmap(start=start, end=end).clean()
    except ValidationError as error:
        return {name: " ".join(messages) for name, messages in error.message_dict.items()}
    if end <= start:
        return {"end": _("The end must come after the start.")}
    latest = add_years(start, MAX_ROADMAP_YEARS)
    if end > latest:
        return {
            "end": _("A roadmap spans at most five years: end it by %(latest)s.")
            % {"latest": date_text(latest)}
        }
    return {}


def _clean_currency(currency: str) -> str:
    currency = (currency or "").strip().upper()
    if len(currency) != CURRENCY_LENGTH or not currency.isalpha() or not currency.isascii():
        raise ValidationError(
            {"currency": _("Use a three-letter ISO 4217 code such as EUR or USD.")}
        )
    return currency


def _check_roadmap_fields(
    organisation: Organisation, *, title: str, start: date, end: date, status: str, owner
) -> None:
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Give the roadmap a title.")
    if status not in RoadmapStatus.values:
        errors["status"] = _("Choose one of the statuses.")
    errors.update(roadmap_dates_errors(start, end))
    if errors:
        raise ValidationError(errors)
    _check_member(organisation, owner, "owner")


def roadmap_create(
    *,
    organisation: Organisation,
    title: str,
    start: date,
    end: date,
    description: str = "",
    recommendation: str = "",
    status: str = RoadmapStatus.DRAFT,
    owner: User | None = None,
    currency: str = "EUR",
    scoring_round: ScoringRound | None = None,
) -> Roadmap:
    _check_roadmap_fields(
        organisation, title=title, start=start, end=end, status=status, owner=owner
    )
    _check_round(organisation, scoring_round)
    currency = _clean_currency(currency)
    with transaction.atomic():
        return Roadmap.objects.with_scopes_disabled().create(
            organisation=organisation,
            title=title.strip(),
            description=description.strip(),
            recommendation=recommendation.strip(),
            start=start,
            end=end,
            status=status,
            owner=owner,
            currency=currency,
            scoring_round=scoring_round,
        )


def _check_round(organisation: Organisation, scoring_round: ScoringRound | None) -> None:
    if scoring_round is None:
        return
    _check_org(organisation, scoring_round)
    if scoring_round.status == RoundStatus.OPEN:
        raise ValidationError(
            {"scoring_round": _("Choose a revealed round: an open round is still blind.")}
        )


def roadmap_update(
    *,
    organisation: Organisation,
    roadmap: Roadmap,
    title: str,
    start: date,
    end: date,
    description: str = "",
    recommendation: str = "",
    status: str = RoadmapStatus.DRAFT,
    owner: User | None = None,
    currency: str = "EUR",
    scoring_round: ScoringRound | None = None,
) -> Roadmap:
    """Change the roadmap's own fields; ``scoring_round`` None feeds it the latest
    complete round."""
    _check_org(organisation, roadmap)
    _check_round(organisation, scoring_round)
    _check_roadmap_fields(
        organisation, title=title, start=start, end=end, status=status, owner=owner
    )
    currency = _clean_currency(currency)
    with transaction.atomic():
        lock(roadmap)
        outside = (
            Phase.objects.with_scopes_disabled()
            .filter(roadmap=roadmap)
            .exclude(start__gte=start, end__lte=end)
            .order_by("start")
            .first()
        )
        if outside is not None:
            raise ValidationError(
                _(
                    "The phase “%(phase)s” (%(start)s to %(end)s) would lie outside the "
                    "roadmap. Move or shorten it first."
                )
                % {
                    "phase": outside.name,
                    "start": date_text(outside.start),
                    "end": date_text(outside.end),
                }
            )
        roadmap.title = title.strip()
        roadmap.description = description.strip()
        roadmap.recommendation = recommendation.strip()
        roadmap.start = start
        roadmap.end = end
        roadmap.status = status
        roadmap.owner = owner
        roadmap.currency = currency
        roadmap.scoring_round = scoring_round
        roadmap.save()
        _touch(roadmap)
    return roadmap


def roadmap_delete(*, organisation: Organisation, roadmap: Roadmap) -> None:
    _check_org(organisation, roadmap)
    with transaction.atomic():
        Roadmap.objects.with_scopes_disabled().filter(pk=roadmap.pk).delete()


# ---------------------------------------------------------------- phases


def phase_errors(
    *,
    roadmap: Roadmap,
    start: date | None,
    end: date | None,
    siblings: list[Phase],
    exclude_pk: int | None = None,
) -> dict[str | None, str]:
    """Why a phase with these dates cannot be saved (``None`` keys the whole form)."""
    if start is None or end is None:
        return {}
    if end < start:
        return {"end": _("The end cannot come before the start.")}
    if start < roadmap.start or end > roadmap.end:
        return {
            None: _("A phase must lie within the roadmap (%(start)s to %(end)s).")
            % {"start": date_text(roadmap.start), "end": date_text(roadmap.end)}
        }
    for other in siblings:
        if other.pk != exclude_pk and other.start <= end and other.end >= start:
            return {
                None: _("This phase overlaps “%(name)s” (%(start)s to %(end)s).")
                % {
                    "name": other.name,
                    "start": date_text(other.start),
                    "end": date_text(other.end),
                }
            }
    return {}


def _check_phase(roadmap: Roadmap, name: str, start: date, end: date, exclude_pk=None) -> None:
    siblings = list(Phase.objects.with_scopes_disabled().filter(roadmap=roadmap))
    errors = phase_errors(
        roadmap=roadmap, start=start, end=end, siblings=siblings, exclude_pk=exclude_pk
    )
    if not name.strip():
        errors["name"] = _("Give the phase a name.")
    if errors:
        raise ValidationError({(key or "__all__"): message for key, message in errors.items()})


def phase_create(
    *, organisation: Organisation, roadmap: Roadmap, name: str, start: date, end: date
) -> Phase:
    _check_org(organisation, roadmap)
    with transaction.atomic():
        lock(roadmap)
        _check_phase(roadmap, name, start, end)
        phase = Phase.objects.with_scopes_disabled().create(
            organisation=organisation, roadmap=roadmap, name=name.strip(), start=start, end=end
        )
        _touch(roadmap)
    return phase


def phase_update(
    *, organisation: Organisation, phase: Phase, name: str, start: date, end: date
) -> Phase:
    _check_org(organisation, phase)
    roadmap = Roadmap.objects.with_scopes_disabled().get(pk=phase.roadmap_id)
    with transaction.atomic():
        lock(roadmap)
        _check_phase(roadmap, name, start, end, exclude_pk=phase.pk)
        phase.name, phase.start, phase.end = name.strip(), start, end
        phase.save(update_fields=["name", "start", "end"])
        _touch(roadmap)
    return phase


def phase_delete(*, organisation: Organisation, phase: Phase) -> None:
    _check_org(organisation, phase)
    with transaction.atomic():
        Phase.objects.with_scopes_disabled().filter(pk=phase.pk).delete()
        _touch(phase.roadmap)


# ---------------------------------------------------------------- placements


def _placements(phase: Phase):
    return PhasePurpose.objects.with_scopes_disabled().filter(phase=phase)


def placement_add(*, organisation: Organisation, phase: Phase, purpose: Purpose) -> PhasePurpose:
    """Place a chosen purpose at the end of a phase's sequence."""
    _check_org(organisation, phase, purpose)
    if purpose.status != PurposeStatus.CHOSEN:
        raise ValidationError(
            {
                "purpose": _(
                    "Only chosen purposes can be placed on the roadmap; “%(title)s” is %(status)s."
                )
                % {"title": purpose.title, "status": str(purpose.get_status_display()).lower()}
            }
        )
    with transaction.atomic():
        lock(phase.roadmap)
        if _placements(phase).filter(purpose=purpose).exists():
            raise ValidationError(
                {
                    "purpose": _("“%(title)s” is already placed in “%(phase)s”.")
                    % {"title": purpose.title, "phase": phase.name}
                }
            )
        highest = _placements(phase).aggregate(highest=Max("position"))["highest"]
        placement = PhasePurpose.objects.with_scopes_disabled().create(
            organisation=organisation,
            phase=phase,
            purpose=purpose,
            position=0 if highest is None else highest + 1,
        )
        _touch(phase.roadmap)
    return placement


def _renumber(phase: Phase, ordered: list[PhasePurpose]) -> None:
    for position, placement in enumerate(ordered):
        if placement.position != position:
            placement.position = position
            _placements(phase).filter(pk=placement.pk).update(position=position)


def placement_remove(*, organisation: Organisation, placement: PhasePurpose) -> None:
    _check_org(organisation, placement)
    phase = placement.phase
    with transaction.atomic():
        lock(phase.roadmap)
        _placements(phase).filter(pk=placement.pk).delete()
        _renumber(phase, list(_placements(phase).order_by("position", "pk")))
        _touch(phase.roadmap)


def placement_move(
    *, organisation: Organisation, placement: PhasePurpose, direction: Direction
) -> bool:
    """Move a purpose one step earlier ("up") or later in its phase; False at the end."""
    _check_org(organisation, placement)
    phase = placement.phase
    with transaction.atomic():
        lock(phase.roadmap)
        ordered = list(_placements(phase).order_by("position", "pk"))
        index = next(i for i, p in enumerate(ordered) if p.pk == placement.pk)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(ordered):
            return False
        ordered[index], ordered[other] = ordered[other], ordered[index]
        _renumber(phase, ordered)
        _touch(phase.roadmap)
    return True


# ---------------------------------------------------------------- milestones


def _check_milestone(
    organisation: Organisation,
    *,
    roadmap: Roadmap,
    kind: str,
    title: str,
    start: date,
    end: date | None,
    status: str,
    owner: User | None,
    purpose: Purpose | None,
    community: Community | None,
    details: MilestoneDetails,
) -> None:
    _check_org(organisation, purpose, community)
    errors = milestone_errors(kind, details)
    if not title.strip():
        errors["title"] = _("Give the milestone a title.")
    if status not in MilestoneStatus.values:
        errors["status"] = _("Choose one of the statuses.")
    if start is None:
        errors["start"] = _("Give a date.")
    elif end is not None and end < start:
        errors["end"] = _("The end cannot come before the start.")
    else:
        errors.update(milestone_date_errors(start, end, roadmap=roadmap))
    if errors:
        raise ValidationError(errors)
    _check_member(organisation, owner, "owner")


def _save_milestone(milestone: Milestone) -> None:
    try:
        with transaction.atomic():
            milestone.save()
    except IntegrityError as error:
        # Only reachable if the checks above and the constraints disagree.
        raise ValidationError(
            _("The milestone could not be saved: its details do not fit its kind.")
        ) from error


def milestone_create(
    *,
    organisation: Organisation,
    roadmap: Roadmap,
    kind: str,
    title: str,
    start: date,
    end: date | None = None,
    status: str = MilestoneStatus.PLANNED,
    owner: User | None = None,
    purpose: Purpose | None = None,
    community: Community | None = None,
    description: str = "",
    details: MilestoneDetails | None = None,
) -> Milestone:
    _check_org(organisation, roadmap)
    details = details or MilestoneDetails()
    if Milestone.objects.with_scopes_disabled().filter(roadmap=roadmap).count() >= MAX_MILESTONES:
        raise ValidationError(
            _("A roadmap has at most %(limit)d milestones.") % {"limit": MAX_MILESTONES}
        )
    _check_milestone(
        organisation,
        roadmap=roadmap,
        kind=kind,
        title=title,
        start=start,
        end=end,
        status=status,
        owner=owner,
        purpose=purpose,
        community=community,
        details=details,
    )
    milestone = Milestone(
        organisation=organisation,
        roadmap=roadmap,
        kind=kind,
        title=title.strip(),
        description=description.strip(),
        start=start,
        end=None if end == start else end,
        status=status,
        owner=owner,
        purpose=purpose,
        community=community,
        **kind_values(kind, details),
    )
    with transaction.atomic():
        _save_milestone(milestone)
        _touch(roadmap)
    return milestone


def milestone_update(
    *,
    organisation: Organisation,
    milestone: Milestone,
    kind: str,
    title: str,
    start: date,
    end: date | None = None,
    status: str = MilestoneStatus.PLANNED,
    owner: User | None = None,
    purpose: Purpose | None = None,
    community: Community | None = None,
    description: str = "",
    details: MilestoneDetails | None = None,
) -> Milestone:
    """Change everything about a milestone, its kind included (the old kind's fields go)."""
    _check_org(organisation, milestone)
    details = details or MilestoneDetails()
    _check_milestone(
        organisation,
        roadmap=milestone.roadmap,
        kind=kind,
        title=title,
        start=start,
        end=end,
        status=status,
        owner=owner,
        purpose=purpose,
        community=community,
        details=details,
    )
    milestone.kind = kind
    milestone.title = title.strip()
    milestone.description = description.strip()
    milestone.start = start
    milestone.end = None if end == start else end
    milestone.status = status
    milestone.owner = owner
    milestone.purpose = purpose
    milestone.community = community
    for name, value in kind_values(kind, details).items():
        setattr(milestone, name, value)
    with transaction.atomic():
        _save_milestone(milestone)
        _touch(milestone.roadmap)
    return milestone


def shift_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), kept within the target month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    if not date.min.year <= year <= date.max.year:
        return date.min if year < date.min.year else date.max
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has a 28th")


def shift_days(day: date, days: int) -> date:
    """``day`` moved by ``days``, stopping at the calendar's first or last day."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.min if days < 0 else date.max


SHIFTS = {
    "-1m": lambda day: shift_months(day, -1),
    "-1w": lambda day: shift_days(day, -7),
    "+1w": lambda day: shift_days(day, 7),
    "+1m": lambda day: shift_months(day, 1),
}


def milestone_move(*, organisation: Organisation, milestone: Milestone, start: date) -> Milestone:
    """Move a milestone to a new date; a stretch keeps its length."""
    _check_org(organisation, milestone)
    length = (milestone.end - milestone.start) if milestone.end else None
    end = start + length if length and start <= date.max - length else None
    errors = milestone_date_errors(start, end, roadmap=milestone.roadmap)
    if errors:
        raise ValidationError(errors)
    milestone.start = start
    milestone.end = end
    with transaction.atomic():
        milestone.save(update_fields=["start", "end", "updated_at"])
        _touch(milestone.roadmap)
    return milestone


def milestone_delete(*, organisation: Organisation, milestone: Milestone) -> None:
    _check_org(organisation, milestone)
    with transaction.atomic():
        Milestone.objects.with_scopes_disabled().filter(pk=milestone.pk).delete()
        _touch(milestone.roadmap)


# ---------------------------------------------------------------- dependencies


def dependency_add(
    *, organisation: Organisation, predecessor: Milestone, successor: Milestone
) -> MilestoneDependency:
    """``successor`` waits for ``predecessor``; a loop is refused with a message naming it."""
    _check_org(organisation, predecessor, successor)
    if predecessor.roadmap_id != successor.roadmap_id:
        raise WrongOrganisation("The two milestones belong to different roadmaps.")
    if predecessor.pk == successor.pk:
        raise ValidationError({"successor": _("A milestone cannot depend on itself.")})
    roadmap = predecessor.roadmap
    with transaction.atomic():
        lock(roadmap)
        existing = MilestoneDependency.objects.with_scopes_disabled().filter(
            successor__roadmap=roadmap
        )
        if existing.count() >= MAX_DEPENDENCIES:
            raise ValidationError(
                _("A roadmap has at most %(limit)d dependencies.") % {"limit": MAX_DEPENDENCIES}
            )
        if existing.filter(predecessor=predecessor, successor=successor).exists():
            raise ValidationError(
                _("“%(after)s” already depends on “%(before)s”.")
                % {"after": successor.title, "before": predecessor.title}
            )
        edges = [deps.Edge(p, s) for p, s in existing.values_list("predecessor_id", "successor_id")]
        cycle = deps.cycle_if_added(edges, deps.Edge(predecessor.pk, successor.pk))
        if cycle is not None:
            titles = dict(
                Milestone.objects.with_scopes_disabled()
                .filter(pk__in=cycle)
                .values_list("pk", "title")
            )
            raise ValidationError(deps.cycle_message(cycle, titles))
        dependency = MilestoneDependency.objects.with_scopes_disabled().create(
            organisation=organisation, predecessor=predecessor, successor=successor
        )
        _touch(roadmap)
    return dependency


def dependency_remove(*, organisation: Organisation, dependency: MilestoneDependency) -> None:
    _check_org(organisation, dependency)
    with transaction.atomic():
        MilestoneDependency.objects.with_scopes_disabled().filter(pk=dependency.pk).delete()
        _touch(dependency.successor.roadmap)


# ---------------------------------------------------------------- undo
#
# A move or a deletion made on the roadmap page can be undone by the person
# who made it, once, for a few minutes. The write keeps what it replaced (the
# rows as they were, column by column) in an ``UndoRecord`` in its own
# transaction; ``undo_apply`` puts it back as a write of its own (audited,
# moving the roadmap's version on), or refuses with a sentence when someone
# has changed since what it would put back.

UNDO_WINDOW = timedelta(minutes=10)
# Records are kept a while longer so that a late click hears "too late", not
# "unknown"; there is no periodic task, so each new record clears the old ones.
UNDO_KEPT = timedelta(days=1)


@dataclass(frozen=True)
class Undone:
    """What ``undo_apply`` put back: the row, and a sentence saying so (and what it could not)."""

    kind: str
    object_id: int
    message: str


def _plain(value):
    """A column's value in JSON's types; ``Field.to_python`` reads it back exactly."""
    if isinstance(value, date):  # and datetime, to the microsecond
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _row(model: type[Model], pk: int) -> dict | None:
    values = model.objects.with_scopes_disabled().filter(pk=pk).values().first()
    return None if values is None else {name: _plain(value) for name, value in values.items()}


def _instance(model: type[Model], row: dict) -> Model:
    """An unsaved row from ``_row``; it keeps its old key unless another row has it now."""
    fields = {field.attname: field for field in model._meta.concrete_fields}
    instance = model(**{name: fields[name].to_python(value) for name, value in row.items()})
    if model.objects.with_scopes_disabled().filter(pk=instance.pk).exists():
        instance.pk = None  # SQLite may give a deleted row's key to a new one
    return instance


def _free_keys(model: type[Model], rows: list[dict]) -> set[int]:
    taken = model.objects.with_scopes_disabled().filter(pk__in=[row["id"] for row in rows])
    return {row["id"] for row in rows} - set(taken.values_list("pk", flat=True))


def _undo_record(
    *, organisation: Organisation, roadmap: Roadmap, user: User, kind: str, payload: dict
) -> UndoRecord:
    records = UndoRecord.objects.with_scopes_disabled()
    records.filter(created_at__lt=timezone.now() - UNDO_KEPT).delete()
    return records.create(
        organisation=organisation,
        roadmap=roadmap,
        user=user,
        kind=kind,
        payload=payload,
        token=secrets.token_urlsafe(24),
    )


def milestone_move_with_undo(
    *, organisation: Organisation, milestone: Milestone, start: date, user: User
) -> UndoRecord:
    """``milestone_move``, keeping the dates it had for ``undo_apply``."""
    _check_org(organisation, milestone)
    roadmap = milestone.roadmap
    with transaction.atomic():
        lock(roadmap)
        before = (
            Milestone.objects.with_scopes_disabled()
            .filter(pk=milestone.pk)
            .values_list("start", "end")
            .first()
        )
        if before is None:
            raise ValidationError(
                _("“%(title)s” has just been deleted.") % {"title": milestone.title}
            )
        milestone_move(organisation=organisation, milestone=milestone, start=start)
        return _undo_record(
            organisation=organisation,
            roadmap=roadmap,
            user=user,
            kind=UndoKind.MOVE,
            payload={
                "milestone": milestone.pk,
                "title": milestone.title,
                "before": [_plain(day) for day in before],
                "after": [_plain(milestone.start), _plain(milestone.end)],
            },
        )


def milestone_delete_with_undo(
    *, organisation: Organisation, milestone: Milestone, user: User
) -> UndoRecord | None:
    """``milestone_delete``, keeping the row and its dependencies both ways for ``undo_apply``.

    None when someone else deleted it first: there is nothing of ours to undo.
    """
    _check_org(organisation, milestone)
    roadmap = milestone.roadmap
    with transaction.atomic():
        lock(roadmap)
        row = _row(Milestone, milestone.pk)
        if row is None:
            return None
        links = list(
            MilestoneDependency.objects.with_scopes_disabled()
            .filter(Q(predecessor_id=milestone.pk) | Q(successor_id=milestone.pk))
            .order_by("pk")  # put back in the order they were made
            .values(
                "id", "predecessor_id", "successor_id", "predecessor__title", "successor__title"
            )
        )
        titles = {}
        for link in links:
            titles[link["predecessor_id"]] = link.pop("predecessor__title")
            titles[link["successor_id"]] = link.pop("successor__title")
        milestone_delete(organisation=organisation, milestone=milestone)
        return _undo_record(
            organisation=organisation,
            roadmap=roadmap,
            user=user,
            kind=UndoKind.MILESTONE,
            payload={"milestone": row, "dependencies": links, "titles": titles},
        )


def phase_delete_with_undo(
    *, organisation: Organisation, phase: Phase, user: User
) -> UndoRecord | None:
    """``phase_delete``, keeping the phase and the purposes placed in it for ``undo_apply``."""
    _check_org(organisation, phase)
    roadmap = phase.roadmap
    with transaction.atomic():
        lock(roadmap)
        row = _row(Phase, phase.pk)
        if row is None:
            return None
        placements = list(
            PhasePurpose.objects.with_scopes_disabled()
            .filter(phase_id=phase.pk)
            .order_by("position", "pk")
            .values("id", "purpose_id", "position", "purpose__title")
        )
        titles = {
            placement["purpose_id"]: placement.pop("purpose__title") for placement in placements
        }
        phase_delete(organisation=organisation, phase=phase)
        return _undo_record(
            organisation=organisation,
            roadmap=roadmap,
            user=user,
            kind=UndoKind.PHASE,
            payload={"phase": row, "placements": placements, "titles": titles},
        )


def dependency_remove_with_undo(
    *, organisation: Organisation, dependency: MilestoneDependency, user: User
) -> UndoRecord | None:
    """``dependency_remove``, keeping which two milestones it joined for ``undo_apply``."""
    _check_org(organisation, dependency)
    roadmap = dependency.successor.roadmap
    with transaction.atomic():
        lock(roadmap)
        row = _row(MilestoneDependency, dependency.pk)
        if row is None:
            return None
        dependency_remove(organisation=organisation, dependency=dependency)
        return _undo_record(
            organisation=organisation,
            roadmap=roadmap,
            user=user,
            kind=UndoKind.DEPENDENCY,
            payload={
                "dependency": row,
                "titles": {
                    row["predecessor_id"]: dependency.predecessor.title,
                    row["successor_id"]: dependency.successor.title,
                },
            },
        )


def undo_apply(*, organisation: Organisation, roadmap: Roadmap, user: User, token: str) -> Undone:
    """Put back what the change behind ``token`` replaced; refuse with a sentence otherwise."""
    _check_org(organisation, roadmap)
    with transaction.atomic():
        lock(roadmap)
        record = (
            UndoRecord.objects.with_scopes_disabled()
            .filter(organisation=organisation, roadmap=roadmap, token=token)
            .first()
        )
        if record is None:
            raise ValidationError(_("This change can no longer be undone."))
        if record.user_id != user.pk:
            raise ValidationError(_("Only the person who made a change can undo it."))
        if record.used_at is not None:
            raise ValidationError(_("This change has already been undone."))
        if record.created_at < timezone.now() - UNDO_WINDOW:
            raise ValidationError(
                _("Too late to undo: a change can be undone for %(minutes)d minutes.")
                % {"minutes": UNDO_WINDOW // timedelta(minutes=1)}
            )
        # Claimed before the rows are written, in case a writer ever skips the
        # lock above; a refusal below rolls the claim back with the rest.
        claimed = (
            UndoRecord.objects.with_scopes_disabled()
            .filter(pk=record.pk, used_at__isnull=True)
            .update(used_at=timezone.now())
        )
        if not claimed:
            raise ValidationError(_("This change has already been undone."))
        undo = {
            UndoKind.MOVE: _undo_move,
            UndoKind.MILESTONE: _undo_milestone_delete,
            UndoKind.PHASE: _undo_phase_delete,
            UndoKind.DEPENDENCY: _undo_dependency_remove,
        }[record.kind]
        undone = undo(organisation, roadmap, record.payload)
        _touch(roadmap)
    return undone


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _undo_move(organisation: Organisation, roadmap: Roadmap, payload: dict) -> Undone:
    milestone = (
        Milestone.objects.with_scopes_disabled()
        .filter(roadmap=roadmap, pk=payload["milestone"])
        .first()
    )
    if milestone is None:
        raise ValidationError(
            _("“%(title)s” has been deleted since, so its move cannot be undone.")
            % {"title": payload["title"]}
        )
    start, end = (_day(value) for value in payload["before"])
    if [milestone.start, milestone.end] != [_day(value) for value in payload["after"]]:
        raise ValidationError(
            _(
                "“%(title)s” has been moved or changed since (it is now on %(now)s): undoing "
                "would overwrite that. Move it back to %(then)s by hand if that is still right."
            )
            % {
                "title": milestone.title,
                "now": short_date(milestone.start),
                "then": short_date(start),
            }
        )
    errors = milestone_date_errors(start, end, roadmap=roadmap)
    if errors:
        raise ValidationError(list(errors.values()))
    milestone.start, milestone.end = start, end
    milestone.save(update_fields=["start", "end", "updated_at"])
    return Undone(
        UndoKind.MOVE,
        milestone.pk,
        _("“%(title)s” is back on %(date)s.")
        % {"title": milestone.title, "date": short_date(start)},
    )


def _undo_milestone_delete(organisation: Organisation, roadmap: Roadmap, payload: dict) -> Undone:
    milestone = _instance(Milestone, payload["milestone"])
    _check_org(organisation, milestone)
    if milestone.roadmap_id != roadmap.pk:
        raise WrongOrganisation("The undo record belongs to another roadmap.")
    if Milestone.objects.with_scopes_disabled().filter(roadmap=roadmap).count() >= MAX_MILESTONES:
        raise ValidationError(
            _("A roadmap has at most %(limit)d milestones.") % {"limit": MAX_MILESTONES}
        )
    errors = milestone_date_errors(milestone.start, milestone.end, roadmap=roadmap)
    if errors:
        raise ValidationError(
            _("“%(title)s” cannot come back: the roadmap's dates have changed since. %(reason)s")
            % {"title": milestone.title, "reason": " ".join(errors.values())}
        )
    # Whatever it pointed at and has been deleted since is left empty, as
    # deleting it would have left the milestone had it stayed.
    for column, model in (("owner_id", User), ("purpose_id", Purpose), ("community_id", Community)):
        pk = getattr(milestone, column)
        manager = model.objects.with_scopes_disabled() if model is not User else model.objects
        if pk is not None and not manager.filter(pk=pk).exists():
            setattr(milestone, column, None)
    created_at = milestone.created_at
    milestone.save(force_insert=True)
    Milestone.objects.with_scopes_disabled().filter(pk=milestone.pk).update(created_at=created_at)
    milestone.created_at = created_at

    old_pk = payload["milestone"]["id"]
    links = payload["dependencies"]
    titles = {int(pk): title for pk, title in payload["titles"].items()}
    ends = Milestone.objects.with_scopes_disabled().filter(
        roadmap=roadmap,
        pk__in={link["predecessor_id"] for link in links}
        | {link["successor_id"] for link in links},
    )
    present = {m.pk: m for m in ends.exclude(pk=milestone.pk)}
    present[old_pk] = milestone  # the links name it by its old key
    existing = MilestoneDependency.objects.with_scopes_disabled().filter(successor__roadmap=roadmap)
    edges = [deps.Edge(p, s) for p, s in existing.values_list("predecessor_id", "successor_id")]
    free = _free_keys(MilestoneDependency, links)
    restored, gone, refused = [], [], []
    for link in links:
        other = link["successor_id"] if link["predecessor_id"] == old_pk else link["predecessor_id"]
        if other not in present:
            gone.append(titles.get(other, "?"))
            continue
        before, after = present[link["predecessor_id"]], present[link["successor_id"]]
        edge = deps.Edge(before.pk, after.pk)
        if len(edges) >= MAX_DEPENDENCIES or deps.cycle_if_added(edges, edge) is not None:
            refused.append(titles.get(other, "?"))
            continue
        edges.append(edge)
        restored.append(
            MilestoneDependency(
                id=link["id"] if link["id"] in free else None,
                organisation=organisation,
                predecessor=before,
                successor=after,
            )
        )
    _create_audited(MilestoneDependency, restored)

    message = _("Restored the milestone “%(title)s”.") % {"title": milestone.title}
    if restored:
        message += " " + ngettext(
            "Its dependency is back too.",
            "Its %(count)d dependencies are back too.",
            len(restored),
        ) % {"count": len(restored)}
    if gone:
        message += " " + _(
            "Its dependencies with %(titles)s are not: those milestones have been deleted since."
        ) % {"titles": _quoted(gone)}
    if refused:
        message += " " + _(
            "Its dependencies with %(titles)s are not: they would now close a loop, or pass "
            "the limit of %(limit)d."
        ) % {"titles": _quoted(refused), "limit": MAX_DEPENDENCIES}
    return Undone(UndoKind.MILESTONE, milestone.pk, message)


def _undo_phase_delete(organisation: Organisation, roadmap: Roadmap, payload: dict) -> Undone:
    phase = _instance(Phase, payload["phase"])
    _check_org(organisation, phase)
    if phase.roadmap_id != roadmap.pk:
        raise WrongOrganisation("The undo record belongs to another roadmap.")
    siblings = list(Phase.objects.with_scopes_disabled().filter(roadmap=roadmap))
    errors = phase_errors(roadmap=roadmap, start=phase.start, end=phase.end, siblings=siblings)
    if errors:
        raise ValidationError(
            _("The phase “%(name)s” cannot come back: %(reason)s")
            % {"name": phase.name, "reason": " ".join(errors.values())}
        )
    phase.save(force_insert=True)

    placements = payload["placements"]
    titles = {int(pk): title for pk, title in payload["titles"].items()}
    purposes = Purpose.objects.with_scopes_disabled().filter(
        organisation=organisation, pk__in=[placement["purpose_id"] for placement in placements]
    )
    purposes = {purpose.pk: purpose for purpose in purposes}
    free = _free_keys(PhasePurpose, placements)
    restored, left_out = [], []
    for placement in placements:
        purpose = purposes.get(placement["purpose_id"])
        if purpose is None or purpose.status != PurposeStatus.CHOSEN:
            left_out.append(titles.get(placement["purpose_id"], "?"))
            continue
        restored.append(
            PhasePurpose(
                id=placement["id"] if placement["id"] in free else None,
                organisation=organisation,
                phase=phase,
                purpose=purpose,
                position=placement["position"],
            )
        )
    _create_audited(PhasePurpose, restored)

    if restored:
        message = ngettext(
            "Restored the phase “%(name)s” with its purpose.",
            "Restored the phase “%(name)s” with its %(count)d purposes.",
            len(restored),
        ) % {"name": phase.name, "count": len(restored)}
    else:
        message = _("Restored the phase “%(name)s”.") % {"name": phase.name}
    if left_out:
        message += " " + _(
            "Not placed in it again, as no longer chosen or deleted since: %(titles)s."
        ) % {"titles": _quoted(left_out)}
    return Undone(UndoKind.PHASE, phase.pk, message)


def _undo_dependency_remove(organisation: Organisation, roadmap: Roadmap, payload: dict) -> Undone:
    row = payload["dependency"]
    titles = {int(pk): title for pk, title in payload["titles"].items()}
    ends = Milestone.objects.with_scopes_disabled().select_related("roadmap")
    ends = {
        m.pk: m
        for m in ends.filter(roadmap=roadmap, pk__in=[row["predecessor_id"], row["successor_id"]])
    }
    gone = [titles[pk] for pk in (row["predecessor_id"], row["successor_id"]) if pk not in ends]
    if gone:
        raise ValidationError(
            _("%(titles)s has been deleted since, so the dependency cannot come back.")
            % {"titles": _quoted(gone)}
        )
    before, after = ends[row["predecessor_id"]], ends[row["successor_id"]]
    dependency = dependency_add(organisation=organisation, predecessor=before, successor=after)
    return Undone(
        UndoKind.DEPENDENCY,
        dependency.pk,
        _("“%(after)s” waits for “%(before)s” again.")
        % {"after": after.title, "before": before.title},
    )


def _create_audited(model: type[Model], rows: list[Model]) -> None:
    """Insert ``rows`` in one query and log them as created, as saving each would have."""
    if not rows:
        return
    model.objects.with_scopes_disabled().bulk_create(rows)
    audit.record_many(
        audit.Record(row, audit.created_changes(row), action=AuditEntry.Action.CREATE)
        for row in rows
    )


def _quoted(titles: list[str]) -> str:
    return ", ".join(f"“{title}”" for title in titles)
