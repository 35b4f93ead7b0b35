"""The snapshot: everything a brief shows, as plain JSON, read once from the database.

``snapshot_build`` runs in the worker's first stage ("collecting data"). The
document is then drawn from the snapshot alone (``reports.context``), so a
brief can be drawn again from its row and "what changed" compares two
snapshots. The format is described in docs/briefs.md; ``FORMAT`` goes up when
it changes incompatibly.

Dates are ISO strings, money is a decimal string (exact), scores are floats
rounded to two places (so an unchanged score compares equal).
"""

import base64
import io
import logging
from collections.abc import Hashable
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language

from organisations.models import Organisation
from purposes.models import PURPOSE_PARTS, Purpose, PurposeStatus
from purposes.scoring import formulas
from purposes.scoring.results import HeatCell, heatmap_data
from reports.changes import what_changed
from roadmap.models import KIND_COLUMNS, MONEY_KINDS, Milestone, Roadmap
from roadmap.overview import RoadmapOverview, roadmap_overview

logger = logging.getLogger(__name__)

FORMAT = 1
# The logo is drawn at most about 60 × 18 mm: this many pixels is print quality.
LOGO_MAX_PIXELS = (720, 220)


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _score(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def _money(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def logo_data_uri(organisation: Organisation) -> str:
    """The logo re-encoded as a small PNG ``data:`` URI, or "" when there is none.

    Re-encoding with Pillow keeps only pixels (no metadata, no embedded
    payload), and shrinking it keeps the PDF small whatever was uploaded.
    """
    if not organisation.logo:
        return ""
    from PIL import Image

    try:
        with organisation.logo.open("rb") as handle, Image.open(handle) as image:
            image.thumbnail(LOGO_MAX_PIXELS)
            image = image.convert("RGBA")
            buffer = io.BytesIO()
            image.save(buffer, "PNG", optimize=True)
    except (OSError, ValueError, Image.DecompressionBombError):
        logger.warning("Logo of organisation %s could not be read", organisation.pk)
        return ""
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _purpose(purpose: Purpose, placed: bool) -> dict:
    return {
        "id": purpose.pk,
        "title": purpose.title,
        "statement": purpose.statement,
        **{part: getattr(purpose, part) for part in PURPOSE_PARTS},
        "status": purpose.status,
        "communities": sorted(c.name for c in purpose.communities.all()),
        "placed": placed,
    }


def _milestone(m: Milestone) -> dict:
    row = {
        "id": m.pk,
        "kind": m.kind,
        "title": m.title,
        "description": m.description,
        "start": _iso(m.start),
        "end": _iso(m.end),
        "status": m.status,
        "owner": m.owner.display_name if m.owner_id else "",
        "purpose": m.purpose_id,
        "community": m.community.name if m.community_id else "",
    }
    for column in KIND_COLUMNS[m.kind]:
        value = getattr(m, column)
        if isinstance(value, Decimal):
            value = _money(value)
        elif isinstance(value, date):
            value = _iso(value)
        row[column] = value
    if m.kind in MONEY_KINDS:
        row["amount"] = _money(m.amount)
        row["currency"] = m.currency
    return row


def _results(overview: RoadmapOverview) -> list[dict]:
    return [
        {
            "purpose": result.purpose,
            "rank": position,
            "overall": _score(result.overall),
            "fit": _score(result.fit),
            "characteristics": _score(result.characteristics),
            "unscored_needs": result.unscored_needs,
            "char_means": {key: _score(value) for key, value in result.char_means.items()},
        }
        for position, result in enumerate(overview.results, start=1)
    ]


def _cell(cell: HeatCell) -> dict:
    return {"mean": _score(cell.mean), "heat": cell.heat, "spread": cell.spread, "flag": cell.flag}


def _heatmap(overview: RoadmapOverview) -> dict | None:
    """The round's heatmap as data: ids, keys and numbers; the brief puts it in words."""
    if overview.round is None:
        return None
    grid = heatmap_data(overview.round, overview.results)
    needs = {need.pk: need for need in overview.round.needs}
    names = overview.round.scorer_names()
    return {
        "columns": grid.purpose_ids,
        # The spread that flagged a cell when the snapshot was taken (docs/scoring.md).
        "flag_spread": formulas.DISAGREEMENT_SPREAD,
        "needs": [
            {
                "id": need_id,
                "statement": needs[need_id].statement,
                "community": needs[need_id].community.name,
                "weight": needs[need_id].weight,
                "cells": [_cell(cell) for cell in cells],
            }
            for need_id, cells in grid.need_lines
        ],
        "characteristics": [
            {"key": key, "cells": [_cell(cell) for cell in cells]}
            for key, cells in grid.characteristic_lines
        ],
        "disagreements": [
            {
                "purpose": item.purpose_id,
                "need": item.need_id,
                "characteristic": item.characteristic or "",
                "spread": item.spread,
                "scores": [[names.get(scorer, "?"), value] for scorer, value in item.scores],
            }
            for item in grid.disagreements
        ],
    }


def _purposes(overview: RoadmapOverview) -> list[dict]:
    """Placed purposes in sequence, then the others the team weighs, by title.

    "The others": purposes of the latest revealed round and any shortlisted or
    chosen purpose. Drafts nobody scored stay out of a board document.
    """
    placed_ids = [p.pk for p in overview.purposes]
    round_ids = [p.pk for p in overview.round.purposes] if overview.round else []
    rows = (
        Purpose.objects.filter(
            Q(pk__in=placed_ids)
            | Q(pk__in=round_ids)
            | Q(status__in=[PurposeStatus.SHORTLISTED, PurposeStatus.CHOSEN])
        )
        .prefetch_related("communities")
        .order_by("title", "pk")
    )
    by_pk = {purpose.pk: purpose for purpose in rows}
    ordered = [by_pk[pk] for pk in placed_ids if pk in by_pk]
    ordered += [purpose for pk, purpose in by_pk.items() if pk not in set(placed_ids)]
    return [_purpose(purpose, purpose.pk in set(placed_ids)) for purpose in ordered]


def roadmap_data(roadmap: Roadmap) -> dict:
    """The comparable part of a snapshot: the roadmap, its purposes and scores."""
    overview = roadmap_overview(roadmap)
    readiness = overview.readiness
    scoring_round = overview.scoring_round
    return {
        "roadmap": {
            "id": roadmap.pk,
            "title": roadmap.title,
            "description": roadmap.description,
            "recommendation": roadmap.recommendation,
            "start": _iso(roadmap.start),
            "end": _iso(roadmap.end),
            "status": roadmap.status,
            "currency": roadmap.currency,
            "owner": roadmap.owner.display_name if roadmap.owner_id else "",
        },
        "phases": [
            {"id": p.pk, "name": p.name, "start": _iso(p.start), "end": _iso(p.end)}
            for p in overview.phases
        ],
        "placements": [
            {"purpose": pp.purpose_id, "phase": pp.phase_id, "position": pp.position}
            for pp in overview.placements
        ],
        "purposes": _purposes(overview),
        "milestones": [_milestone(m) for m in overview.milestones],
        "dependencies": [[d.predecessor_id, d.successor_id] for d in overview.dependencies],
        "round": None
        if scoring_round is None
        else {
            "id": scoring_round.pk,
            "name": scoring_round.name,
            "status": scoring_round.status,
            "revealed_at": _iso(scoring_round.revealed_at),
            "fit_weight_percent": scoring_round.fit_weight_percent,
            "executives": len(overview.round.executives),
            # Of them, who entered every score and who only some (results.is_finished).
            "finished": overview.round.completion.finished,
            "partly": overview.round.completion.partly,
            "needs": len(overview.round.needs),
            # Chosen on the roadmap's form, or picked as the latest complete round.
            "chosen": overview.round_chosen,
            # Revealed anonymously: the heatmap's scores carry "Scorer 1"… not names.
            "anonymous": scoring_round.anonymous,
        },
        "results": _results(overview),
        "heatmap": _heatmap(overview),
        "readiness": {
            "purpose_strength": readiness.purpose_strength,
            "stakeholder_coverage": readiness.stakeholder_coverage,
            "risk_coverage": readiness.risk_coverage,
            "investment_balance": readiness.investment_balance,
            "overall": readiness.overall,
            "excluded_currencies": list(readiness.excluded_currencies),
        },
        "warnings": [{"code": w.code, "message": w.message} for w in overview.warnings],
        "date_conflicts": [
            {"predecessor": c.predecessor, "successor": c.successor, "days_early": c.days_early}
            for c in overview.date_conflicts
        ],
    }


def snapshot_build(
    *,
    roadmap: Roadmap,
    kind: str,
    version: int,
    requested_by: str,
    previous: dict | None = None,
    now: datetime | None = None,
) -> dict:
    """The whole snapshot; ``previous`` is the last finished brief's snapshot, if any.

    Call inside the organisation's scope. About fifteen queries, whatever the
    size of the roadmap.
    """
    now = now or timezone.now()
    organisation = roadmap.organisation
    data = roadmap_data(roadmap)
    comparable = previous is not None and previous.get("format") == FORMAT
    return {
        "format": FORMAT,
        "kind": kind,
        "version": version,
        "generated_at": _iso(now),
        "today": _iso(timezone.localdate(now)),
        "language": get_language() or "en",
        "requested_by": requested_by,
        "organisation": {
            "name": organisation.name,
            "brand_colour": organisation.brand_colour,
            "paper_size": organisation.paper_size,
            "logo": logo_data_uri(organisation),
        },
        "data": data,
        "previous": None
        if not comparable
        else {"version": previous["version"], "generated_at": previous["generated_at"]},
        "changes": what_changed(previous["data"], data) if comparable else None,
    }


def ids(rows: list[dict]) -> dict[Hashable, dict]:
    return {row["id"]: row for row in rows}
