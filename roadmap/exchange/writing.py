"""Import, stage 3: write the document as new rows, each through the model's own checks.

``roadmap_import`` runs the three stages (``parsing``, ``checks``, then this
one) and writes in one transaction: any problem rolls everything back.
"""

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils.translation import gettext as _
from django_scopes import scope

from communities import services as community_services
from communities.models import Community, Need
from organisations.models import Organisation, User
from organisations.services import organisation_data_changed
from purposes import services as purpose_services
from purposes.models import CharacteristicScore, NeedScore, Purpose, PurposeStatus, ScoringRound
from roadmap.exchange.checks import document_problems
from roadmap.exchange.parsing import ImportInvalid, Problem, load_document, pointer, unique_problems
from roadmap.exchange.schema import (
    ALL_KIND_FIELDS,
    DATE_FIELDS,
    DECIMAL_FIELDS,
    parse_date,
    parse_timestamp,
)
from roadmap.models import (
    KIND_COLUMNS,
    Milestone,
    MilestoneDependency,
    MilestoneStatus,
    Phase,
    PhasePurpose,
    Roadmap,
    RoadmapStatus,
)


@dataclass
class ImportSummary:
    roadmap: Roadmap
    communities_created: int = 0
    communities_matched: int = 0
    needs_created: int = 0
    needs_matched: int = 0
    purposes_created: int = 0
    rounds_created: int = 0
    phases_created: int = 0
    milestones_created: int = 0
    dependencies_created: int = 0
    # People named in the file (owners, executives) who are not members of
    # the organisation: their milestones have no owner, their scores are left out.
    unmatched_emails: list[str] = field(default_factory=list)
    scores_left_out: int = 0
    renamed: list[tuple[str, str]] = field(default_factory=list)  # (in the file, as imported)


# The model's check constraints, in words a person can act on.
_CONSTRAINT_MESSAGES = {
    "milestone_end_not_before_start": _("The end cannot come before the start."),
    "milestone_community_fields": _(
        "A community milestone needs a measure, a target of 0 or more, and a "
        "metric_label when the measure is “custom”."
    ),
    "milestone_risk_fields": _(
        "A risk milestone needs a risk_category and a likelihood and impact from 1 to 5."
    ),
    "milestone_investment_fields": _(
        "An investment milestone needs an amount of 0 or more, a three-letter currency "
        "and an investment_kind."
    ),
    "milestone_value_fields": _(
        "A value milestone needs a value_metric (what the value is) and an amount of 0 or "
        "more; its currency, if any, is a three-letter code."
    ),
    "milestone_decision_fields": _(
        "A decision milestone needs a decision_area, the decision_text and whether it is decided."
    ),
    "milestone_money_only_for_investment_or_value": _(
        "Only investment and value milestones have an amount or currency."
    ),
}


def _constraint_message(name: str, fallback: str) -> str:
    for kind, columns in KIND_COLUMNS.items():
        if name == f"milestone_{kind}_columns_only_for_{kind}":
            return _("Only %(kind)s milestones have %(fields)s.") % {
                "kind": kind,
                "fields": ", ".join(columns),
            }
    return str(_CONSTRAINT_MESSAGES.get(name, fallback))


class _Writer:
    def __init__(self, organisation: Organisation, actor: User, document: dict):
        self.org = organisation
        self.actor = actor
        self.doc = document
        self.problems: list[Problem] = []
        self.members = {
            user.email.casefold(): user
            for user in User.objects.filter(memberships__organisation=organisation)
        }
        self.unmatched: set[str] = set()
        self.renamed: list[tuple[str, str]] = []
        self.counts = dict.fromkeys(
            ["communities_created", "communities_matched", "needs_created", "needs_matched"], 0
        )
        self.scores_left_out = 0
        self.communities: dict[int, Community] = {}
        self.needs: dict[int, Need] = {}
        self.purposes: dict[int, Purpose] = {}
        self.milestones: dict[int, Milestone] = {}

    def member(self, email: str | None) -> User | None:
        if not email:
            return None
        user = self.members.get(email.casefold())
        if user is None:
            self.unmatched.add(email.casefold())
        return user

    def valid(self, instance: Model, parts: list, exclude: Iterable[str] = ()) -> bool:
        """Run the model's field validation and clean(); record what is wrong."""
        try:
            instance.full_clean(
                exclude=["organisation", *exclude],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                where = parts if name == NON_FIELD_ERRORS else [*parts, name]
                self.problems.append(Problem(pointer(where), " ".join(messages)))
            return False
        return True

    def constraints_hold(self, instance: Model, parts: list) -> bool:
        """Check the model's check constraints before the database would refuse the row."""
        ok = True
        for constraint in type(instance)._meta.constraints:
            try:
                constraint.validate(type(instance), instance)
            except ValidationError as error:
                message = _constraint_message(constraint.name, " ".join(error.messages))
                self.problems.append(Problem(pointer(parts), message))
                ok = False
        return ok

    def run(self, roadmap_titles: set[str]) -> ImportSummary:
        self.write_communities()
        self.write_purposes()
        rounds = self.write_rounds()
        summary = self.write_roadmap(roadmap_titles)
        summary.rounds_created = rounds
        for name, count in self.counts.items():
            setattr(summary, name, count)
        summary.purposes_created = len(self.purposes)
        summary.scores_left_out = self.scores_left_out
        summary.unmatched_emails = sorted(self.unmatched)
        summary.renamed = self.renamed
        return summary

    # Communities and needs are matched by name, so that importing twice, or
    # into the organisation the file came from, reuses them.
    def write_communities(self) -> None:
        existing = {
            c.name.strip().casefold(): c for c in Community.objects.filter(organisation=self.org)
        }
        known_needs = {
            (n.community_id, n.statement.strip().casefold()): n
            for n in Need.objects.filter(organisation=self.org)
        }
        for i, row in enumerate(self.doc["communities"]):
            parts = ["communities", i]
            community = existing.get(row["name"].strip().casefold())
            if community is None:
                candidate = Community(
                    organisation=self.org,
                    name=row["name"].strip(),
                    kind=row["kind"],
                    description=row.get("description", ""),
                    estimated_size=row.get("estimated_size"),
                )
                if not self.valid(candidate, parts, exclude=["position"]):
                    continue
                try:
                    community = community_services.community_create(
                        organisation=self.org,
                        name=candidate.name,
                        kind=candidate.kind,
                        description=candidate.description,
                        estimated_size=candidate.estimated_size,
                    )
                except community_services.TooMany as error:
                    self.problems.append(Problem(pointer(parts), str(error)))
                    return
                self.counts["communities_created"] += 1
            else:
                self.counts["communities_matched"] += 1
            self.communities[row["id"]] = community
            for j, need_row in enumerate(row.get("needs", [])):
                key = (community.pk, need_row["statement"].strip().casefold())
                need = known_needs.get(key)
                if need is None:
                    candidate = Need(
                        organisation=self.org,
                        community=community,
                        statement=need_row["statement"].strip(),
                        weight=need_row["weight"],
                        evidence=need_row.get("evidence", ""),
                    )
                    if not self.valid(candidate, [*parts, "needs", j], exclude=["position"]):
                        continue
                    try:
                        need = community_services.need_create(
                            organisation=self.org,
                            community=community,
                            statement=candidate.statement,
                            weight=candidate.weight,
                            evidence=candidate.evidence,
                        )
                    except community_services.TooMany as error:
                        self.problems.append(Problem(pointer([*parts, "needs", j]), str(error)))
                        return
                    known_needs[key] = need
                    self.counts["needs_created"] += 1
                else:
                    self.counts["needs_matched"] += 1
                self.needs[need_row["id"]] = need

    def write_purposes(self) -> None:
        taken = {
            title.casefold()
            for title in Purpose.objects.filter(organisation=self.org).values_list(
                "title", flat=True
            )
        }
        for i, row in enumerate(self.doc["purposes"]):
            parts = ["purposes", i]
            text = purpose_services.PurposeText.from_values(row)
            candidate = Purpose(organisation=self.org, status=row["status"], **text.as_dict())
            if not self.valid(candidate, parts, exclude=["created_by"]):
                continue
            title = _free_name(text.title, taken, Purpose._meta.get_field("title").max_length)
            if title != text.title:
                self.renamed.append((text.title, title))
            purpose = purpose_services.purpose_create(
                organisation=self.org,
                actor=self.actor,
                text=purpose_services.PurposeText.from_values({**text.as_dict(), "title": title}),
                communities=[
                    self.communities[c]
                    for c in row.get("community_ids", [])
                    if c in self.communities
                ],
            )
            if row["status"] != PurposeStatus.DRAFT:
                purpose = purpose_services.purpose_set_status(
                    purpose=purpose, status=row["status"], actor=self.actor
                )
            self.purposes[row["id"]] = purpose

    def write_rounds(self) -> int:
        taken = {
            name.casefold()
            for name in ScoringRound.objects.filter(organisation=self.org).values_list(
                "name", flat=True
            )
        }
        created = 0
        for i, row in enumerate(self.doc["scoring_rounds"]):
            parts = ["scoring_rounds", i]
            name = _free_name(
                row["name"].strip(), taken, ScoringRound._meta.get_field("name").max_length
            )
            if name != row["name"].strip():
                self.renamed.append((row["name"].strip(), name))
            scoring_round = ScoringRound(
                organisation=self.org,
                name=name,
                status=row["status"],
                fit_weight_percent=row["fit_weight_percent"],
                created_by=self.actor,
                revealed_at=parse_timestamp(row.get("revealed_at")),
                closed_at=parse_timestamp(row.get("closed_at")),
            )
            if not self.valid(scoring_round, parts, exclude=["created_by"]):
                continue
            scoring_round.save()
            opened_at = parse_timestamp(row.get("opened_at"))
            if opened_at is not None:
                # auto_now_add ignores the value given to save(); the round
                # keeps the date it was held on.
                ScoringRound.objects.filter(pk=scoring_round.pk).update(opened_at=opened_at)
            created += 1
            scoring_round.purposes.set(
                [self.purposes[p] for p in row["purpose_ids"] if p in self.purposes]
            )
            scoring_round.needs.set([self.needs[n] for n in row["need_ids"] if n in self.needs])
            scorers = {email.casefold(): self.member(email) for email in row["executives"]}
            scoring_round.executives.set([user for user in scorers.values() if user])
            need_scores, char_scores = [], []
            for score in row.get("need_scores", []):
                user = scorers.get(score["executive"].casefold())
                purpose = self.purposes.get(score["purpose_id"])
                need = self.needs.get(score["need_id"])
                if user is None or purpose is None or need is None:
                    self.scores_left_out += 1
                    continue
                need_scores.append(
                    NeedScore(
                        organisation=self.org,
                        round=scoring_round,
                        purpose=purpose,
                        need=need,
                        scorer=user,
                        score=score["score"],
                    )
                )
            for score in row.get("characteristic_scores", []):
                user = scorers.get(score["executive"].casefold())
                purpose = self.purposes.get(score["purpose_id"])
                if user is None or purpose is None:
                    self.scores_left_out += 1
                    continue
                char_scores.append(
                    CharacteristicScore(
                        organisation=self.org,
                        round=scoring_round,
                        purpose=purpose,
                        characteristic=score["characteristic"],
                        scorer=user,
                        score=score["score"],
                    )
                )
            NeedScore.objects.bulk_create(need_scores)
            CharacteristicScore.objects.bulk_create(char_scores)
        return created

    def write_roadmap(self, taken: set[str]) -> ImportSummary:
        row = self.doc["roadmap"]
        title = _free_name(row["title"].strip(), taken, Roadmap._meta.get_field("title").max_length)
        if title != row["title"].strip():
            self.renamed.append((row["title"].strip(), title))
        roadmap = Roadmap(
            organisation=self.org,
            title=title,
            description=row.get("description", ""),
            recommendation=row.get("recommendation", ""),
            start=parse_date(row["start"]),
            end=parse_date(row["end"]),
            status=row.get("status", RoadmapStatus.DRAFT),
            owner=self.member(row.get("owner")),
            currency=row.get("currency", "EUR"),
        )
        summary = ImportSummary(roadmap=roadmap)
        if not (self.valid(roadmap, ["roadmap"], exclude=["owner"])) or not self.constraints_hold(
            roadmap, ["roadmap"]
        ):
            return summary
        roadmap.save()

        placements = []
        for i, phase_row in enumerate(row["phases"]):
            parts = ["roadmap", "phases", i]
            phase = Phase(
                organisation=self.org,
                roadmap=roadmap,
                name=phase_row["name"].strip(),
                start=parse_date(phase_row["start"]),
                end=parse_date(phase_row["end"]),
            )
            # Phase.clean() checks the dates against the roadmap and the phases saved so far.
            if not self.valid(phase, parts):
                continue
            phase.save()
            summary.phases_created += 1
            for position, purpose_id in enumerate(phase_row.get("purpose_ids", [])):
                if purpose_id in self.purposes:
                    placements.append(
                        PhasePurpose(
                            organisation=self.org,
                            phase=phase,
                            purpose=self.purposes[purpose_id],
                            position=position,
                        )
                    )
        PhasePurpose.objects.bulk_create(placements)

        for i, milestone_row in enumerate(row["milestones"]):
            parts = ["roadmap", "milestones", i]
            milestone = Milestone(
                organisation=self.org,
                roadmap=roadmap,
                kind=milestone_row["kind"],
                title=milestone_row["title"].strip(),
                description=milestone_row.get("description", ""),
                start=parse_date(milestone_row["start"]),
                end=parse_date(milestone_row.get("end")),
                owner=self.member(milestone_row.get("owner")),
                status=milestone_row.get("status", MilestoneStatus.PLANNED),
                purpose=self.purposes.get(milestone_row.get("purpose_id")),
                community=self.communities.get(milestone_row.get("community_id")),
                **_kind_values(milestone_row),
            )
            exclude = ["roadmap", "owner", "purpose", "community"]
            if not self.valid(milestone, parts, exclude):
                continue
            # The database checks the constraints as it inserts; only a row it
            # refuses is checked one constraint at a time (a query each) for
            # words to show. Checking every row that way took 117 s for 4,162.
            try:
                with transaction.atomic():
                    milestone.save()
            except IntegrityError:
                if self.constraints_hold(milestone, parts):
                    self.problems.append(
                        Problem(pointer(parts), _("The milestone does not fit its kind."))
                    )
                continue
            self.milestones[milestone_row["id"]] = milestone
            summary.milestones_created += 1

        dependencies = [
            MilestoneDependency(
                organisation=self.org,
                predecessor=self.milestones[d["predecessor_id"]],
                successor=self.milestones[d["successor_id"]],
            )
            for d in row.get("dependencies", [])
            if d["predecessor_id"] in self.milestones and d["successor_id"] in self.milestones
        ]
        MilestoneDependency.objects.bulk_create(dependencies)
        summary.dependencies_created = len(dependencies)
        return summary


def _kind_values(row: dict) -> dict:
    """The kind fields as the model stores them: text "" and others None when absent."""
    values: dict = {}
    for name in ALL_KIND_FIELDS:
        value = row.get(name)
        if name in ("metric_label", "mitigation", "value_metric", "decision_text"):
            value = value or ""
        elif name in DECIMAL_FIELDS and value is not None:
            value = Decimal(str(value))
        elif name in DATE_FIELDS:
            value = parse_date(value)
        values[name] = value
    return values


def _free_name(name: str, taken: set[str], max_length: int) -> str:
    """``name``, or “name (imported)”, “name (imported 2)”… if the organisation has it."""
    if name.casefold() not in taken:
        return name
    for number in itertools.count(1):
        suffix = _(" (imported)") if number == 1 else _(" (imported %(n)d)") % {"n": number}
        candidate = name[: max_length - len(suffix)].rstrip() + suffix
        if candidate.casefold() not in taken:
            taken.add(candidate.casefold())
            return candidate
    raise AssertionError("unreachable")  # pragma: no cover


def roadmap_import(*, organisation: Organisation, actor: User, data: bytes) -> ImportSummary:
    """Read an export file into ``organisation`` as new rows, all or nothing.

    Communities are matched by name and needs by statement within their
    community (ignoring case) and reused as they are; everything else is a
    new row. A purpose, round or roadmap whose name the organisation already
    uses gets “(imported)” after it. Owners and executives are matched by
    email to the organisation's members; anyone else is left out and listed
    in the summary. Raises ``ImportInvalid`` with every problem found, in
    which case nothing was written.
    """
    document = load_document(data)
    problems = document_problems(document)
    if problems:
        raise ImportInvalid(unique_problems(problems))
    try:
        with transaction.atomic(), scope(organisation=organisation):
            taken = {
                title.casefold()
                for title in Roadmap.objects.filter(organisation=organisation).values_list(
                    "title", flat=True
                )
            }
            writer = _Writer(organisation, actor, document)
            summary = writer.run(taken)
            if writer.problems:
                # Leaving the block by an exception rolls back every row written so far.
                raise ImportInvalid(unique_problems(writer.problems))
            # The rounds are written here, not through the scoring services, and
            # the organisation's roadmap pages read its latest revealed round: move
            # its data version on, last in the transaction. The new roadmap needs
            # no bump of its own ``version``: no page was cached under its key.
            organisation_data_changed(organisation_id=organisation.pk)
    except (IntegrityError, community_services.DuplicateName):
        raise ImportInvalid(
            [
                Problem(
                    "",
                    _(
                        "Someone changed the organisation’s data while the file was being "
                        "imported. Nothing was imported; please upload it again."
                    ),
                )
            ]
        ) from None
    return summary
