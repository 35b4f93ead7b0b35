"""The whole-roadmap JSON export: the roadmap and the workshop behind it, ids local to the file."""

import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime

from django.db.models import Model, Prefetch
from django.utils import timezone

from communities.models import Community, Need
from organisations.models import User
from purposes.models import CharacteristicScore, NeedScore, Purpose, RoundStatus, ScoringRound
from roadmap.exchange.schema import DATE_FIELDS, DECIMAL_FIELDS, FORMAT, KIND_FIELDS, SCHEMA_VERSION
from roadmap.models import Milestone, MilestoneDependency, Phase, PhasePurpose, Roadmap


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
    if name in DECIMAL_FIELDS:
        return f"{value:.2f}"
    if name in DATE_FIELDS:
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
            "recommendation": roadmap.recommendation,
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
