"""“Provide and pray” warnings: a roadmap that hopes a community will appear.

Each check is a pure function over plain data and returns ``RoadmapWarning``
objects: a stable code, a sentence for the team, and the thing to fix as a
``Target`` (the view turns it into a link). ``roadmap_warnings`` runs them all.
"""

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext, gettext_lazy, ngettext

from roadmap.models import DecisionArea, MilestoneKind
from roadmap.readiness import HIGH_IMPACT
from roadmap.timeline import short_date

PART_LABELS = {
    "participants": gettext_lazy("who participates"),
    "issue": gettext_lazy("the issue or opportunity"),
    "value_to_participants": gettext_lazy("the value to participants"),
    "value_to_organisation": gettext_lazy("the value to the organisation"),
}


@dataclass(frozen=True)
class Target:
    """What to fix: ``("milestone", 12)``, ``("purpose", 3)``, ``("phase", 5)``,
    or ``("new_milestone", "value")`` for something missing altogether."""

    type: str
    id: Hashable


@dataclass(frozen=True)
class RoadmapWarning:
    code: str
    message: str
    target: Target


@dataclass(frozen=True)
class PurposeFacts:
    """A chosen purpose placed in the roadmap."""

    id: Hashable
    title: str
    missing_parts: Sequence[str] = ()
    starts: date | None = None  # the start of the first phase it is placed in


@dataclass(frozen=True)
class PhaseFacts:
    id: Hashable
    name: str
    start: date
    end: date


@dataclass(frozen=True)
class MilestoneFacts:
    id: Hashable
    kind: str
    title: str
    start: date
    owner_id: Hashable | None = None
    impact: int | None = None
    mitigation: str = ""
    decision_area: str | None = None


@dataclass(frozen=True)
class RoadmapFacts:
    purposes: Sequence[PurposeFacts] = ()
    phases: Sequence[PhaseFacts] = ()
    milestones: Sequence[MilestoneFacts] = field(default_factory=tuple)


def technology_before_purpose(facts: RoadmapFacts) -> list[RoadmapWarning]:
    starts = [p.starts for p in facts.purposes if p.starts is not None]
    first = min(starts) if starts else None
    warnings = []
    for m in facts.milestones:
        if m.kind != MilestoneKind.DECISION or m.decision_area != DecisionArea.TECHNOLOGY:
            continue
        if first is None:
            message = gettext(
                "“%(title)s” selects technology, but no chosen purpose is placed in a phase "
                "yet. Communities form around a purpose, not a platform: place the purpose first."
            ) % {"title": m.title}
        elif m.start < first:
            message = gettext(
                "“%(title)s” selects technology on %(date)s, before any chosen purpose starts "
                "(%(first)s). Let the purpose shape the platform: move the decision later."
            ) % {"title": m.title, "date": short_date(m.start), "first": short_date(first)}
        else:
            continue
        warnings.append(
            RoadmapWarning("technology_before_purpose", message, Target("milestone", m.id))
        )
    return warnings


def purpose_missing_parts(facts: RoadmapFacts) -> list[RoadmapWarning]:
    warnings = []
    for purpose in facts.purposes:
        if not purpose.missing_parts:
            continue
        missing = ", ".join(str(PART_LABELS.get(part, part)) for part in purpose.missing_parts)
        message = gettext(
            "The purpose “%(title)s” does not yet say %(missing)s. A purpose names all four parts."
        ) % {"title": purpose.title, "missing": missing}
        warnings.append(
            RoadmapWarning("purpose_incomplete", message, Target("purpose", purpose.id))
        )
    return warnings


def investment_without_community(facts: RoadmapFacts) -> list[RoadmapWarning]:
    warnings = []
    for phase in facts.phases:
        kinds = {m.kind for m in facts.milestones if phase.start <= m.start <= phase.end}
        if MilestoneKind.INVESTMENT in kinds and MilestoneKind.COMMUNITY not in kinds:
            message = gettext(
                "“%(phase)s” invests but sets no community milestone: say how many members "
                "or contributors the spending should bring."
            ) % {"phase": phase.name}
            warnings.append(
                RoadmapWarning("investment_without_community", message, Target("phase", phase.id))
            )
    return warnings


def unmitigated_high_risks(facts: RoadmapFacts) -> list[RoadmapWarning]:
    warnings = []
    for m in facts.milestones:
        if (
            m.kind == MilestoneKind.RISK
            and (m.impact or 0) >= HIGH_IMPACT
            and not m.mitigation.strip()
        ):
            message = gettext(
                "The risk “%(title)s” has impact %(impact)d of 5 and no mitigation."
            ) % {"title": m.title, "impact": m.impact}
            warnings.append(RoadmapWarning("risk_unmitigated", message, Target("milestone", m.id)))
    return warnings


def investment_without_value(facts: RoadmapFacts) -> list[RoadmapWarning]:
    kinds = {m.kind for m in facts.milestones}
    if MilestoneKind.INVESTMENT in kinds and MilestoneKind.VALUE not in kinds:
        message = gettext(
            "The roadmap invests but expects no business value: add a value milestone "
            "the board can hold the community to."
        )
        return [
            RoadmapWarning("investment_without_value", message, Target("new_milestone", "value"))
        ]
    return []


def community_target_without_owner(facts: RoadmapFacts) -> list[RoadmapWarning]:
    warnings = []
    for m in facts.milestones:
        if m.kind == MilestoneKind.COMMUNITY and m.owner_id is None:
            message = gettext("Nobody owns the community target “%(title)s”.") % {"title": m.title}
            warnings.append(
                RoadmapWarning("target_without_owner", message, Target("milestone", m.id))
            )
    return warnings


CHECKS = (
    technology_before_purpose,
    purpose_missing_parts,
    investment_without_community,
    unmitigated_high_risks,
    investment_without_value,
    community_target_without_owner,
)


def roadmap_warnings(
    facts: RoadmapFacts, date_conflicts: Iterable = (), titles: Mapping[Hashable, str] = {}
) -> list[RoadmapWarning]:
    """Every warning, the dependencies' date conflicts included: whatever the page
    flags anywhere is in the Check panel and the brief's points to settle."""
    warnings = [warning for check in CHECKS for warning in check(facts)]
    return warnings + date_conflict_warnings(date_conflicts, titles)


def date_conflict_warnings(
    conflicts: Iterable, titles: Mapping[Hashable, str]
) -> list[RoadmapWarning]:
    """A milestone dated before what it depends on is finished."""
    warnings = []
    for conflict in conflicts:
        message = ngettext(
            "“%(then)s” is dated %(days)d day before “%(first)s”, which it depends on, "
            "is finished: move one of them or drop the dependency.",
            "“%(then)s” is dated %(days)d days before “%(first)s”, which it depends on, "
            "is finished: move one of them or drop the dependency.",
            conflict.days_early,
        ) % {
            "then": titles.get(conflict.successor, "?"),
            "first": titles.get(conflict.predecessor, "?"),
            "days": conflict.days_early,
        }
        target = Target("milestone", conflict.successor)
        warnings.append(RoadmapWarning("dependency_date_conflict", message, target))
    return warnings


def facts_from_models(
    chosen_purposes: Iterable, placements: Iterable, phases: Iterable, milestones: Iterable
) -> RoadmapFacts:
    """From rows the caller fetched (placements with ``phase`` selected); no query here.

    ``chosen_purposes`` are the purposes placed in this roadmap.
    """
    phase_rows = list(phases)
    starts: dict[Hashable, date] = {}
    for placement in placements:
        start = placement.phase.start
        if placement.purpose_id not in starts or start < starts[placement.purpose_id]:
            starts[placement.purpose_id] = start
    return RoadmapFacts(
        purposes=[
            PurposeFacts(p.pk, p.title, tuple(p.missing_parts()), starts.get(p.pk))
            for p in chosen_purposes
        ],
        phases=[PhaseFacts(p.pk, p.name, p.start, p.end) for p in phase_rows],
        milestones=[
            MilestoneFacts(
                m.pk,
                m.kind,
                m.title,
                m.start,
                m.owner_id,
                m.impact,
                m.mitigation,
                m.decision_area,
            )
            for m in milestones
        ],
    )
