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

from datetime import date, timedelta
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from common.limits import MAX_DEPENDENCIES, MAX_MILESTONES
from communities.models import Community
from organisations.models import Membership, Organisation, User
from purposes.models import Purpose, PurposeStatus
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
    add_years,
)

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


def _lock(roadmap: Roadmap) -> None:
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
            % {"latest": latest.isoformat()}
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
    status: str = RoadmapStatus.DRAFT,
    owner: User | None = None,
    currency: str = "EUR",
) -> Roadmap:
    _check_roadmap_fields(
        organisation, title=title, start=start, end=end, status=status, owner=owner
    )
    currency = _clean_currency(currency)
    with transaction.atomic():
        return Roadmap.objects.with_scopes_disabled().create(
            organisation=organisation,
            title=title.strip(),
            description=description.strip(),
            start=start,
            end=end,
            status=status,
            owner=owner,
            currency=currency,
        )


def roadmap_update(
    *,
    organisation: Organisation,
    roadmap: Roadmap,
    title: str,
    start: date,
    end: date,
    description: str = "",
    status: str = RoadmapStatus.DRAFT,
    owner: User | None = None,
    currency: str = "EUR",
) -> Roadmap:
    _check_org(organisation, roadmap)
    _check_roadmap_fields(
        organisation, title=title, start=start, end=end, status=status, owner=owner
    )
    currency = _clean_currency(currency)
    with transaction.atomic():
        _lock(roadmap)
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
                    "start": outside.start.isoformat(),
                    "end": outside.end.isoformat(),
                }
            )
        roadmap.title = title.strip()
        roadmap.description = description.strip()
        roadmap.start = start
        roadmap.end = end
        roadmap.status = status
        roadmap.owner = owner
        roadmap.currency = currency
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
            % {"start": roadmap.start.isoformat(), "end": roadmap.end.isoformat()}
        }
    for other in siblings:
        if other.pk != exclude_pk and other.start <= end and other.end >= start:
            return {
                None: _("This phase overlaps “%(name)s” (%(start)s to %(end)s).")
                % {
                    "name": other.name,
                    "start": other.start.isoformat(),
                    "end": other.end.isoformat(),
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
        _lock(roadmap)
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
        _lock(roadmap)
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
        _lock(phase.roadmap)
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
        _lock(phase.roadmap)
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
        _lock(phase.roadmap)
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
        _lock(roadmap)
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
