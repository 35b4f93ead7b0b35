"""Roadmap exports and imports: the milestones CSV and the whole-roadmap JSON file.

The formats, the schema version policy and the matching rules on import are
described in ``docs/exchange.md``. In short:

* ``milestones_csv`` writes one row per milestone for a spreadsheet, from the
  ``RoadmapOverview`` the page reads, with every cell safe to open in Excel.
* ``roadmap_export`` writes a roadmap with the communities, needs, purposes
  and revealed scoring rounds behind it as one JSON document whose ids are
  local to the file (``roadmap/schemas/roadmap-export-v1.json``).
* ``roadmap_import`` reads such a document into an organisation as new rows.
  It checks the file in three stages and stops at the first stage that finds
  problems: JSON and schema; references and dates across the document; then,
  while writing in one transaction, each row through the model's own
  validation and check constraints. Any problem rolls everything back.

Call the export functions inside the organisation's scope.
"""

import csv
import io
import itertools
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

import jsonschema
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from common.spreadsheet import spreadsheet_safe
from communities import services as community_services
from communities.models import Community, Need
from organisations.models import Organisation, User
from purposes import services as purpose_services
from purposes.models import (
    CharacteristicScore,
    NeedScore,
    Purpose,
    PurposeStatus,
    RoundStatus,
    ScoringRound,
)
from roadmap.dependencies import Edge, find_cycle
from roadmap.models import (
    KIND_COLUMNS,
    Milestone,
    MilestoneDependency,
    MilestoneKind,
    MilestoneStatus,
    Phase,
    PhasePurpose,
    Roadmap,
    RoadmapStatus,
)
from roadmap.overview import RoadmapOverview

FORMAT = "purpose-roadmap"
SCHEMA_VERSION = 1
SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / f"roadmap-export-v{SCHEMA_VERSION}.json"
# Below the 2.5 MB every request body is held to (REQUEST_MAX_BYTES), so the
# form, not a bare 400, tells a person their file is too large.
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_REPORTED_ERRORS = 50

# ---------------------------------------------------------------------------
# Milestones CSV
# ---------------------------------------------------------------------------


def _number(value: Decimal | None) -> str:
    """500.00 as "500", 1234.50 as "1234.5": what a person would type."""
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _csv_headers() -> list[str]:
    return [
        _("id"),
        _("kind"),
        _("title"),
        _("status"),
        _("start"),
        _("end"),
        _("phase"),
        _("owner"),
        _("owner email"),
        _("purpose"),
        _("community"),
        _("notes"),
        _("measure"),
        _("name of the measure"),
        _("target"),
        _("risk category"),
        _("likelihood (1–5)"),
        _("impact (1–5)"),
        _("risk score (likelihood × impact)"),
        _("mitigation"),
        _("review date"),
        _("amount"),
        _("currency"),
        _("investment kind"),
        _("business value"),
        _("decision area"),
        _("decision"),
        _("decided"),
        _("depends on"),
        _("depends on (ids)"),
    ]


def _phase_of(day: date, phases: list[Phase]) -> Phase | None:
    return next((phase for phase in phases if phase.start <= day <= phase.end), None)


def _csv_row(m: Milestone, phase: Phase | None, predecessors: list[Milestone]) -> list:
    risk = m.kind == MilestoneKind.RISK
    decision = m.kind == MilestoneKind.DECISION
    return [
        m.pk,
        m.get_kind_display(),
        m.title,
        m.get_status_display(),
        m.start.isoformat(),
        m.end.isoformat() if m.end else "",
        phase.name if phase else "",
        m.owner.display_name if m.owner else "",
        m.owner.email if m.owner else "",
        m.purpose.title if m.purpose else "",
        m.community.name if m.community else "",
        m.description,
        m.get_metric_display() if m.metric else "",
        m.metric_label,
        _number(m.target_value),
        m.get_risk_category_display() if m.risk_category else "",
        m.likelihood if risk else "",
        m.impact if risk else "",
        m.likelihood * m.impact if risk and m.likelihood and m.impact else "",
        m.mitigation,
        m.review_date.isoformat() if m.review_date else "",
        _number(m.amount),
        m.currency or "",
        m.get_investment_kind_display() if m.investment_kind else "",
        m.value_metric,
        m.get_decision_area_display() if m.decision_area else "",
        m.decision_text,
        (_("yes") if m.decided else _("no")) if decision and m.decided is not None else "",
        "; ".join(p.title for p in predecessors),
        "; ".join(str(p.pk) for p in predecessors),
    ]


def milestones_csv(overview: RoadmapOverview) -> str:
    """One row per milestone, in date order, with the columns of every kind.

    A column that does not apply to a milestone's kind is empty. Uses only the
    rows the overview already read: no query.
    """
    by_id = overview.milestones_by_id
    predecessors: dict[int, list[Milestone]] = defaultdict(list)
    for edge in overview.dependencies:
        if edge.predecessor_id in by_id:
            predecessors[edge.successor_id].append(by_id[edge.predecessor_id])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(_csv_headers())
    for milestone in overview.milestones:
        before = sorted(predecessors[milestone.pk], key=lambda p: (p.start, p.pk))
        row = _csv_row(milestone, _phase_of(milestone.start, overview.phases), before)
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return buffer.getvalue()


# ---------------------------------------------------------------------------
# JSON export
# ---------------------------------------------------------------------------

# The fields a milestone of each kind carries in the file, besides the common
# ones. Investment and value share the money columns.
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    MilestoneKind.COMMUNITY: ("metric", "metric_label", "target_value"),
    MilestoneKind.RISK: ("risk_category", "likelihood", "impact", "mitigation", "review_date"),
    MilestoneKind.INVESTMENT: ("amount", "currency", "investment_kind"),
    MilestoneKind.VALUE: ("amount", "currency", "value_metric"),
    MilestoneKind.DECISION: ("decision_area", "decision_text", "decided"),
}
ALL_KIND_FIELDS = tuple(dict.fromkeys(itertools.chain(*KIND_FIELDS.values())))
_DECIMAL_FIELDS = {"target_value", "amount"}
_DATE_FIELDS = {"review_date"}


def _timestamp(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _file_ids(rows: Iterable[Model]) -> dict[int, int]:
    """Database ids → ids local to the file, 1, 2, 3… in the order given."""
    return {row.pk: index for index, row in enumerate(rows, start=1)}


def _kind_value(name: str, value: object) -> object:
    if value is None:
        return None
    if name in _DECIMAL_FIELDS:
        return f"{value:.2f}"
    if name in _DATE_FIELDS:
        return value.isoformat()
    return value


def roadmap_export(roadmap: Roadmap) -> dict:
    """The roadmap and the workshop behind it, as a document for ``json.dumps``.

    Contains every community and need of the organisation; the revealed and
    closed scoring rounds (open ones keep their scores hidden) with each
    executive's scores, by email; the purposes placed in the roadmap, linked
    from a milestone or scored in those rounds; and the roadmap with its
    phases, placements, milestones and dependencies. Fifteen queries or so,
    whatever the size.
    """
    communities = list(
        Community.objects.order_by("position", "pk").prefetch_related(
            Prefetch("needs", queryset=Need.objects.order_by("position", "pk"))
        )
    )
    rounds = list(
        ScoringRound.objects.exclude(status=RoundStatus.OPEN)
        .order_by("opened_at", "pk")
        .prefetch_related("purposes", "needs", "executives")
    )
    need_rows = list(
        NeedScore.objects.filter(round__in=rounds).values_list(
            "round_id", "purpose_id", "need_id", "scorer__email", "score"
        )
    )
    char_rows = list(
        CharacteristicScore.objects.filter(round__in=rounds).values_list(
            "round_id", "purpose_id", "characteristic", "scorer__email", "score"
        )
    )
    phases = list(Phase.objects.filter(roadmap=roadmap).order_by("start", "pk"))
    placements = list(
        PhasePurpose.objects.filter(phase__roadmap=roadmap).order_by("position", "pk")
    )
    milestones = list(
        Milestone.objects.filter(roadmap=roadmap).select_related("owner").order_by("start", "pk")
    )
    edges = list(MilestoneDependency.objects.filter(successor__roadmap=roadmap))
    owner = User.objects.filter(pk=roadmap.owner_id).first() if roadmap.owner_id else None

    purpose_pks = (
        {p.purpose_id for p in placements}
        | {m.purpose_id for m in milestones if m.purpose_id}
        | {p.pk for r in rounds for p in r.purposes.all()}
    )
    purposes = list(
        Purpose.objects.filter(pk__in=purpose_pks)
        .prefetch_related("communities")
        .order_by("title", "pk")
    )

    community_ids = _file_ids(communities)
    need_ids = _file_ids(n for c in communities for n in c.needs.all())
    purpose_ids = _file_ids(purposes)
    phase_ids = _file_ids(phases)
    milestone_ids = _file_ids(milestones)

    placed: dict[int, list[int]] = defaultdict(list)
    for placement in placements:
        placed[placement.phase_id].append(purpose_ids[placement.purpose_id])

    return {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "exported_at": _timestamp(timezone.now()),
        "source": {"organisation": roadmap.organisation.name, "roadmap": roadmap.title},
        "communities": [
            {
                "id": community_ids[c.pk],
                "name": c.name,
                "kind": c.kind,
                "description": c.description,
                "estimated_size": c.estimated_size,
                "needs": [
                    {
                        "id": need_ids[n.pk],
                        "statement": n.statement,
                        "weight": n.weight,
                        "evidence": n.evidence,
                    }
                    for n in c.needs.all()
                ],
            }
            for c in communities
        ],
        "purposes": [
            {
                "id": purpose_ids[p.pk],
                "title": p.title,
                "statement": p.statement,
                "participants": p.participants,
                "issue": p.issue,
                "value_to_participants": p.value_to_participants,
                "value_to_organisation": p.value_to_organisation,
                "status": p.status,
                "community_ids": sorted(community_ids[c.pk] for c in p.communities.all()),
            }
            for p in purposes
        ],
        "scoring_rounds": [
            _export_round(index, r, purpose_ids, need_ids, need_rows, char_rows)
            for index, r in enumerate(rounds, start=1)
        ],
        "roadmap": {
            "title": roadmap.title,
            "description": roadmap.description,
            "start": roadmap.start.isoformat(),
            "end": roadmap.end.isoformat(),
            "status": roadmap.status,
            "owner": owner.email if owner else None,
            "currency": roadmap.currency,
            "phases": [
                {
                    "id": phase_ids[p.pk],
                    "name": p.name,
                    "start": p.start.isoformat(),
                    "end": p.end.isoformat(),
                    "purpose_ids": placed[p.pk],
                }
                for p in phases
            ],
            "milestones": [
                _export_milestone(m, milestone_ids, purpose_ids, community_ids) for m in milestones
            ],
            "dependencies": sorted(
                (
                    {
                        "predecessor_id": milestone_ids[e.predecessor_id],
                        "successor_id": milestone_ids[e.successor_id],
                    }
                    for e in edges
                    if e.predecessor_id in milestone_ids
                ),
                key=lambda d: (d["predecessor_id"], d["successor_id"]),
            ),
        },
    }


def _export_round(
    index: int,
    scoring_round: ScoringRound,
    purpose_ids: dict[int, int],
    need_ids: dict[int, int],
    need_rows: list[tuple],
    char_rows: list[tuple],
) -> dict:
    in_round = {p.pk for p in scoring_round.purposes.all()}
    needs = {n.pk for n in scoring_round.needs.all()}
    need_scores = sorted(
        (purpose_ids[p], need_ids[n], email, score)
        for r, p, n, email, score in need_rows
        if r == scoring_round.pk and p in in_round and n in needs
    )
    char_scores = sorted(
        (purpose_ids[p], c, email, score)
        for r, p, c, email, score in char_rows
        if r == scoring_round.pk and p in in_round
    )
    # Someone removed from the round after scoring still counts in its
    # results, so they are listed with the executives.
    executives = {u.email for u in scoring_round.executives.all()}
    executives |= {row[2] for row in need_scores} | {row[2] for row in char_scores}
    return {
        "id": index,
        "name": scoring_round.name,
        "status": scoring_round.status,
        "fit_weight_percent": scoring_round.fit_weight_percent,
        "opened_at": _timestamp(scoring_round.opened_at),
        "revealed_at": _timestamp(scoring_round.revealed_at),
        "closed_at": _timestamp(scoring_round.closed_at),
        "purpose_ids": sorted(purpose_ids[pk] for pk in in_round),
        "need_ids": sorted(need_ids[pk] for pk in needs),
        "executives": sorted(executives),
        "need_scores": [
            {"purpose_id": p, "need_id": n, "executive": email, "score": score}
            for p, n, email, score in need_scores
        ],
        "characteristic_scores": [
            {"purpose_id": p, "characteristic": c, "executive": email, "score": score}
            for p, c, email, score in char_scores
        ],
    }


def _export_milestone(
    m: Milestone,
    milestone_ids: dict[int, int],
    purpose_ids: dict[int, int],
    community_ids: dict[int, int],
) -> dict:
    row = {
        "id": milestone_ids[m.pk],
        "kind": m.kind,
        "title": m.title,
        "description": m.description,
        "start": m.start.isoformat(),
        "end": m.end.isoformat() if m.end else None,
        "owner": m.owner.email if m.owner else None,
        "status": m.status,
        "purpose_id": purpose_ids.get(m.purpose_id),
        "community_id": community_ids.get(m.community_id),
    }
    for name in KIND_FIELDS.get(m.kind, ()):
        row[name] = _kind_value(name, getattr(m, name))
    return row


def export_json_bytes(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"


# ---------------------------------------------------------------------------
# JSON import
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """What is wrong and where: ``path`` is a JSON Pointer into the document
    (``/roadmap/milestones/3/impact``; lists count from 0), "" for the whole file."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path or '/'}: {self.message}"


class ImportInvalid(Exception):
    """The file was refused and nothing was written; ``problems`` says why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems[:5]))


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


def _pointer(parts: Iterable) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


@cache
def export_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@cache
def _validator() -> jsonschema.Draft202012Validator:
    schema = export_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def _schema_problems(error: jsonschema.ValidationError) -> list[Problem]:
    """A schema error in our words, translated, where we know the validator."""
    path = list(error.absolute_path)
    value = error.validator_value
    match error.validator:
        case "required":
            instance = error.instance if isinstance(error.instance, dict) else {}
            return [
                Problem(_pointer([*path, name]), _("is missing; it is required here."))
                for name in value
                if name not in instance
            ]
        case "anyOf":
            # "null, or a valid amount": explain what is wrong with the non-null choice.
            relevant = [
                e
                for e in error.context
                if not (e.validator == "type" and e.validator_value == "null")
            ]
            if relevant:
                return _schema_problems(relevant[0])
        case "additionalProperties":
            extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
            return [
                Problem(
                    _pointer(path),
                    _("has fields this format does not know: %(fields)s.")
                    % {"fields": ", ".join(f"“{name}”" for name in extra)},
                )
            ]
        case "type":
            names = value if isinstance(value, list) else [value]
            return [
                Problem(
                    _pointer(path),
                    _("must be %(types)s, not %(value)s.")
                    % {"types": _(" or ").join(names), "value": _short(error.instance)},
                )
            ]
        case "enum":
            choices = ", ".join(f"“{choice}”" for choice in value if choice is not None)
            return [
                Problem(
                    _pointer(path),
                    _("must be one of %(choices)s, not %(value)s.")
                    % {"choices": choices, "value": _short(error.instance)},
                )
            ]
        case "const":
            return [
                Problem(
                    _pointer(path),
                    _("must be %(expected)s, not %(value)s.")
                    % {"expected": _short(value), "value": _short(error.instance)},
                )
            ]
        case "minimum" | "exclusiveMinimum":
            return [Problem(_pointer(path), _("must be at least %(min)s.") % {"min": value})]
        case "maximum" | "exclusiveMaximum":
            return [Problem(_pointer(path), _("must be at most %(max)s.") % {"max": value})]
        case "minLength":
            return [Problem(_pointer(path), _("must not be empty."))]
        case "maxLength":
            return [
                Problem(
                    _pointer(path),
                    _("is %(length)d characters long; at most %(max)d are allowed.")
                    % {"length": len(error.instance), "max": value},
                )
            ]
        case "maxItems":
            return [
                Problem(
                    _pointer(path),
                    _("has %(count)d entries; at most %(max)d are allowed.")
                    % {"count": len(error.instance), "max": value},
                )
            ]
        case "uniqueItems":
            return [Problem(_pointer(path), _("lists the same entry twice."))]
        case "format" if value == "date":
            if not _DATE_SHAPE.fullmatch(str(error.instance)):
                return []  # the pattern's message says what the form should be
            return [
                Problem(
                    _pointer(path),
                    _("%(value)s is not a real date.") % {"value": _short(error.instance)},
                )
            ]
        case "pattern" | "format":
            return [
                Problem(
                    _pointer(path),
                    _("%(value)s is not in the expected form (%(form)s).")
                    % {
                        "value": _short(error.instance),
                        "form": _FORMS.get(_form_key(error), value),
                    },
                )
            ]
    return [Problem(_pointer(path), error.message)]


_DATE_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_FORMS = {
    "date": "YYYY-MM-DD",
    "timestamp": "YYYY-MM-DDTHH:MM:SSZ",
    "email": "name@example.com",
    "amount": "1234.50",
    "currency": "EUR",
}


def _form_key(error: jsonschema.ValidationError) -> str:
    if error.validator == "format":
        return error.validator_value
    pattern = error.validator_value
    if pattern.startswith("^[0-9]{4}-[0-9]{2}-[0-9]{2}T"):
        return "timestamp"
    if pattern.startswith("^[0-9]{4}-"):
        return "date"
    if pattern.startswith("^[A-Z]{3}"):
        return "currency"
    if pattern.startswith("^[0-9]{1,12}"):
        return "amount"
    return pattern


def _short(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "…"


def _path_key(problem: Problem) -> list:
    return [
        (0, int(part), "") if part.isdigit() else (1, 0, part) for part in problem.path.split("/")
    ]


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict:
    keys = [key for key, _value in pairs]
    for key in keys:
        if keys.count(key) > 1:
            raise ValueError(_("The field “%(key)s” appears twice in one object.") % {"key": key})
    return dict(pairs)


def _reject_constant(name: str) -> None:
    raise ValueError(_("%(name)s is not a number JSON allows.") % {"name": name})


def load_document(data: bytes) -> dict:
    """Decode, parse and check the file against the schema; raise ``ImportInvalid``."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportInvalid([Problem("", _("The file is larger than 2 MB."))])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportInvalid(
            [Problem("", _("The file is not UTF-8 text. Export it again from Purpose Roadmap."))]
        ) from None
    if not text.strip():
        raise ImportInvalid([Problem("", _("The file is empty."))])
    try:
        document = json.loads(
            text,
            parse_float=Decimal,
            parse_constant=_reject_constant,
            object_pairs_hook=_no_duplicate_keys,
        )
    except json.JSONDecodeError as error:
        raise ImportInvalid(
            [
                Problem(
                    "",
                    _("The file is not valid JSON: %(error)s at line %(line)d, column %(column)d.")
                    % {"error": error.msg, "line": error.lineno, "column": error.colno},
                )
            ]
        ) from None
    except (ValueError, RecursionError) as error:
        message = str(error) if isinstance(error, ValueError) else _("it is nested too deeply")
        raise ImportInvalid(
            [Problem("", _("The file is not valid JSON: %(error)s") % {"error": message})]
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportInvalid(
            [
                Problem(
                    "/format" if isinstance(document, dict) else "",
                    _(
                        "This is not a Purpose Roadmap export: the file must be a JSON object "
                        "with “format”: “%(format)s”."
                    )
                    % {"format": FORMAT},
                )
            ]
        )
    version = document.get("schema_version")
    if isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION:
        raise ImportInvalid(
            [
                Problem(
                    "/schema_version",
                    _(
                        "The file uses format version %(version)d; this installation reads "
                        "version %(supported)d. Update Purpose Roadmap, or export the file "
                        "again from the installation it came from."
                    )
                    % {"version": version, "supported": SCHEMA_VERSION},
                )
            ]
        )
    problems = sorted(
        (
            problem
            for error in _validator().iter_errors(document)
            for problem in _schema_problems(error)
        ),
        key=_path_key,
    )
    if problems:
        raise ImportInvalid(_unique(problems))
    return document


def _unique(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


# --- stage 2: the document holds together ---------------------------------


def _parse_date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _parse_timestamp(text: str | None) -> datetime | None:
    if not text:
        return None
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class _Checker:
    """References, uniqueness and dates across the document; no database."""

    def __init__(self, document: dict):
        self.doc = document
        self.problems: list[Problem] = []

    def problem(self, parts: Iterable, message: str) -> None:
        self.problems.append(Problem(_pointer(parts), message))

    def ids(self, rows: Iterable[tuple[list, dict]], what: str) -> set[int]:
        seen: dict[int, str] = {}
        for parts, row in rows:
            if row["id"] in seen:
                self.problem(
                    [*parts, "id"],
                    _("the id %(id)d is used twice among the %(what)s (also at %(other)s).")
                    % {"id": row["id"], "what": what, "other": seen[row["id"]]},
                )
            else:
                seen[row["id"]] = _pointer(parts)
        return set(seen)

    def ref(self, parts: list, ref: int | None, known: set[int], what: str) -> bool:
        if ref is None or ref in known:
            return True
        self.problem(
            parts,
            _("refers to %(what)s %(id)d, which is not in the file.") % {"what": what, "id": ref},
        )
        return False

    def refs(self, parts: list, refs: list[int], known: set[int], what: str) -> None:
        for index, ref in enumerate(refs):
            self.ref([*parts, index], ref, known, what)

    def run(self) -> list[Problem]:
        doc = self.doc
        communities = doc["communities"]
        community_ids = self.ids(
            ((["communities", i], c) for i, c in enumerate(communities)), _("communities")
        )
        need_ids = self.ids(
            (
                (["communities", i, "needs", j], n)
                for i, c in enumerate(communities)
                for j, n in enumerate(c.get("needs", []))
            ),
            _("needs"),
        )
        self._names(communities)
        purpose_ids = self.ids(
            ((["purposes", i], p) for i, p in enumerate(doc["purposes"])), _("purposes")
        )
        for i, purpose in enumerate(doc["purposes"]):
            self.refs(
                ["purposes", i, "community_ids"],
                purpose.get("community_ids", []),
                community_ids,
                _("community"),
            )
        self.ids(
            ((["scoring_rounds", i], r) for i, r in enumerate(doc["scoring_rounds"])),
            _("scoring rounds"),
        )
        for i, scoring_round in enumerate(doc["scoring_rounds"]):
            self._round(["scoring_rounds", i], scoring_round, purpose_ids, need_ids)
        self._roadmap(doc["roadmap"], purpose_ids, community_ids)
        return self.problems

    def _names(self, communities: list[dict]) -> None:
        names: dict[str, int] = {}
        for i, community in enumerate(communities):
            key = community["name"].strip().casefold()
            if key in names:
                self.problem(
                    ["communities", i, "name"],
                    _("the community “%(name)s” appears twice (also at /communities/%(other)d).")
                    % {"name": community["name"], "other": names[key]},
                )
            names.setdefault(key, i)
            statements: set[str] = set()
            for j, need in enumerate(community.get("needs", [])):
                key = need["statement"].strip().casefold()
                if key in statements:
                    self.problem(
                        ["communities", i, "needs", j, "statement"],
                        _("“%(community)s” has the need “%(need)s” twice.")
                        % {"community": community["name"], "need": need["statement"]},
                    )
                statements.add(key)

    def _round(self, parts: list, scoring_round: dict, purposes: set[int], needs: set[int]):
        self.refs([*parts, "purpose_ids"], scoring_round["purpose_ids"], purposes, _("purpose"))
        self.refs([*parts, "need_ids"], scoring_round["need_ids"], needs, _("need"))
        for name in ("opened_at", "revealed_at", "closed_at"):
            try:
                _parse_timestamp(scoring_round.get(name))
            except ValueError:
                self.problem([*parts, name], _("is not a real date and time."))
        in_round = set(scoring_round["purpose_ids"])
        round_needs = set(scoring_round["need_ids"])
        executives = {email.casefold() for email in scoring_round["executives"]}
        for key, criterion, allowed in (
            ("need_scores", "need_id", round_needs),
            ("characteristic_scores", "characteristic", None),
        ):
            seen: set[tuple] = set()
            for index, score in enumerate(scoring_round.get(key, [])):
                where = [*parts, key, index]
                if score["purpose_id"] not in in_round:
                    self.problem(
                        [*where, "purpose_id"],
                        _("scores purpose %(id)d, which is not in this round’s purpose_ids.")
                        % {"id": score["purpose_id"]},
                    )
                if allowed is not None and score[criterion] not in allowed:
                    self.problem(
                        [*where, criterion],
                        _("scores need %(id)d, which is not in this round’s need_ids.")
                        % {"id": score[criterion]},
                    )
                if score["executive"].casefold() not in executives:
                    self.problem(
                        [*where, "executive"],
                        _("%(email)s is not one of this round’s executives.")
                        % {"email": score["executive"]},
                    )
                cell = (score["purpose_id"], score[criterion], score["executive"].casefold())
                if cell in seen:
                    self.problem(where, _("the same person scores the same cell twice."))
                seen.add(cell)

    def _roadmap(self, roadmap: dict, purposes: set[int], communities: set[int]) -> None:
        start, end = _parse_date(roadmap["start"]), _parse_date(roadmap["end"])
        try:
            Roadmap(start=start, end=end).clean()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                self.problem(
                    ["roadmap", name if name != NON_FIELD_ERRORS else "end"], " ".join(messages)
                )
            return  # Everything below is measured against these dates.
        within = _("%(start)s to %(end)s") % {"start": start.isoformat(), "end": end.isoformat()}
        self.ids(
            ((["roadmap", "phases", i], p) for i, p in enumerate(roadmap["phases"])), _("phases")
        )
        spans = []
        for i, phase in enumerate(roadmap["phases"]):
            where = ["roadmap", "phases", i]
            phase_start, phase_end = _parse_date(phase["start"]), _parse_date(phase["end"])
            self.refs([*where, "purpose_ids"], phase.get("purpose_ids", []), purposes, _("purpose"))
            if phase_end < phase_start:
                self.problem([*where, "end"], _("the end cannot come before the start."))
                continue
            if phase_start < start or phase_end > end:
                self.problem(
                    where,
                    _("the phase “%(name)s” must lie within the roadmap (%(within)s).")
                    % {"name": phase["name"], "within": within},
                )
            spans.append((phase_start, phase_end, i, phase["name"]))
        spans.sort()
        for (_s, first_end, first, first_name), (
            second_start,
            _e,
            second,
            second_name,
        ) in itertools.pairwise(spans):
            if second_start <= first_end:
                self.problem(
                    ["roadmap", "phases", second],
                    _("the phase “%(name)s” overlaps “%(other)s” (/roadmap/phases/%(index)d).")
                    % {"name": second_name, "other": first_name, "index": first},
                )

        milestones = roadmap["milestones"]
        milestone_ids = self.ids(
            ((["roadmap", "milestones", i], m) for i, m in enumerate(milestones)), _("milestones")
        )
        titles = {m["id"]: m["title"] for m in milestones}
        for i, milestone in enumerate(milestones):
            where = ["roadmap", "milestones", i]
            self.ref([*where, "purpose_id"], milestone.get("purpose_id"), purposes, _("purpose"))
            self.ref(
                [*where, "community_id"], milestone.get("community_id"), communities, _("community")
            )
            m_start, m_end = _parse_date(milestone["start"]), _parse_date(milestone.get("end"))
            if m_end is not None and m_end < m_start:
                self.problem([*where, "end"], _("the end cannot come before the start."))
            elif m_start < start or (m_end or m_start) > end:
                self.problem(
                    [*where, "start" if m_start < start else "end"],
                    _("the milestone “%(title)s” must lie within the roadmap (%(within)s).")
                    % {"title": milestone["title"], "within": within},
                )

        seen: set[tuple[int, int]] = set()
        edges = []
        for i, dependency in enumerate(roadmap.get("dependencies", [])):
            where = ["roadmap", "dependencies", i]
            pair = (dependency["predecessor_id"], dependency["successor_id"])
            known = [
                self.ref([*where, "predecessor_id"], pair[0], milestone_ids, _("milestone")),
                self.ref([*where, "successor_id"], pair[1], milestone_ids, _("milestone")),
            ]
            if not all(known):
                continue
            if pair[0] == pair[1]:
                self.problem(where, _("a milestone cannot depend on itself."))
            elif pair in seen:
                self.problem(where, _("this dependency is listed twice."))
            else:
                seen.add(pair)
                edges.append(Edge(*pair))
        cycle = find_cycle(edges)
        if cycle:
            names = " → ".join(f"“{titles[node]}”" for node in [*cycle, cycle[0]])
            self.problem(
                ["roadmap", "dependencies"],
                _("these dependencies go round in a circle: %(cycle)s.") % {"cycle": names},
            )


# --- stage 3: write, each row through the model's own checks ---------------

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
                self.problems.append(Problem(_pointer(where), " ".join(messages)))
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
                self.problems.append(Problem(_pointer(parts), message))
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
                community = community_services.community_create(
                    organisation=self.org,
                    name=candidate.name,
                    kind=candidate.kind,
                    description=candidate.description,
                    estimated_size=candidate.estimated_size,
                )
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
                    need = community_services.need_create(
                        organisation=self.org,
                        community=community,
                        statement=candidate.statement,
                        weight=candidate.weight,
                        evidence=candidate.evidence,
                    )
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
                revealed_at=_parse_timestamp(row.get("revealed_at")),
                closed_at=_parse_timestamp(row.get("closed_at")),
            )
            if not self.valid(scoring_round, parts, exclude=["created_by"]):
                continue
            scoring_round.save()
            opened_at = _parse_timestamp(row.get("opened_at"))
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
            start=_parse_date(row["start"]),
            end=_parse_date(row["end"]),
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
                start=_parse_date(phase_row["start"]),
                end=_parse_date(phase_row["end"]),
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
                start=_parse_date(milestone_row["start"]),
                end=_parse_date(milestone_row.get("end")),
                owner=self.member(milestone_row.get("owner")),
                status=milestone_row.get("status", MilestoneStatus.PLANNED),
                purpose=self.purposes.get(milestone_row.get("purpose_id")),
                community=self.communities.get(milestone_row.get("community_id")),
                **_kind_values(milestone_row),
            )
            exclude = ["roadmap", "owner", "purpose", "community"]
            if not self.valid(milestone, parts, exclude) or not self.constraints_hold(
                milestone, parts
            ):
                continue
            milestone.save()
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
        elif name in _DECIMAL_FIELDS and value is not None:
            value = Decimal(str(value))
        elif name in _DATE_FIELDS:
            value = _parse_date(value)
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
    problems = _Checker(document).run()
    if problems:
        raise ImportInvalid(_unique(problems))
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
                raise ImportInvalid(_unique(writer.problems))
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
