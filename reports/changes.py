"""What changed between two briefs, from their snapshots' ``data`` alone.

A pure function over two JSON dicts (see ``reports.snapshot``), so it is
tested without a database and a brief can say "since version 3" about any two
versions. Items are matched by id: a renamed purpose or milestone is the same
one, changed; a deleted and re-created one is removed and added.
"""

from datetime import date

from purposes.models import PURPOSE_PARTS

# Purposes "in the roadmap" are the placed ones; their words and status count.
PURPOSE_FIELDS = ("title", "statement", *PURPOSE_PARTS, "status")
MILESTONE_FIELDS = ("title", "status")
INDEX_KEYS = (
    "overall",
    "purpose_strength",
    "stakeholder_coverage",
    "risk_coverage",
    "investment_balance",
)
# Overall scores closer than this are the same score, shown rounded.
SCORE_STEP = 0.5


def _by_id(rows: list[dict]) -> dict:
    return {row["id"]: row for row in rows}


def _direction(delta: float) -> str:
    return "up" if delta > 0 else "down"


def _purposes(before: dict, after: dict) -> dict:
    old = {p["id"]: p for p in before.get("purposes", []) if p.get("placed")}
    new = {p["id"]: p for p in after.get("purposes", []) if p.get("placed")}
    changed = []
    for pk in new.keys() & old.keys():
        fields = [f for f in PURPOSE_FIELDS if old[pk].get(f) != new[pk].get(f)]
        if fields:
            entry = {"id": pk, "title": new[pk]["title"], "fields": fields}
            if old[pk]["title"] != new[pk]["title"]:
                entry["was"] = old[pk]["title"]
            if "status" in fields:
                entry["status"] = [old[pk].get("status"), new[pk].get("status")]
            changed.append(entry)
    return {
        "added": [{"id": pk, "title": new[pk]["title"]} for pk in new if pk not in old],
        "removed": [{"id": pk, "title": old[pk]["title"]} for pk in old if pk not in new],
        "changed": sorted(changed, key=lambda item: item["title"].lower()),
    }


def _scores(before: dict, after: dict) -> list[dict]:
    titles = {p["id"]: p["title"] for p in before.get("purposes", [])}
    titles.update({p["id"]: p["title"] for p in after.get("purposes", [])})
    old = {r["purpose"]: r for r in before.get("results", [])}
    moves = []
    for result in after.get("results", []):
        pk = result["purpose"]
        was = old.get(pk, {}).get("overall")
        now = result.get("overall")
        if now is None:
            continue
        if was is None:
            moves.append(
                {
                    "id": pk,
                    "title": titles.get(pk, "?"),
                    "before": None,
                    "after": now,
                    "delta": None,
                    "direction": "new",
                }
            )
            continue
        delta = round(now - was, 2)
        if abs(delta) >= SCORE_STEP:
            moves.append(
                {
                    "id": pk,
                    "title": titles.get(pk, "?"),
                    "before": was,
                    "after": now,
                    "delta": delta,
                    "direction": _direction(delta),
                }
            )
    return sorted(moves, key=lambda m: (m["delta"] is None, -abs(m["delta"] or 0), m["title"]))


def _days(start_before: str, start_after: str) -> int:
    return (date.fromisoformat(start_after) - date.fromisoformat(start_before)).days


def _milestone_ref(m: dict) -> dict:
    return {
        "id": m["id"],
        "title": m["title"],
        "kind": m["kind"],
        "start": m["start"],
        "end": m.get("end"),
    }


def _milestones(before: dict, after: dict) -> dict:
    old = _by_id(before.get("milestones", []))
    new = _by_id(after.get("milestones", []))
    moved, changed = [], []
    for pk, m in new.items():
        if pk not in old:
            continue
        was = old[pk]
        if (was["start"], was.get("end")) != (m["start"], m.get("end")):
            moved.append(
                {
                    **_milestone_ref(m),
                    "was_start": was["start"],
                    "was_end": was.get("end"),
                    "days": _days(was["start"], m["start"]),
                }
            )
        fields = [f for f in MILESTONE_FIELDS if was.get(f) != m.get(f)]
        if fields:
            entry = {**_milestone_ref(m), "fields": fields}
            if "title" in fields:
                entry["was"] = was["title"]
            if "status" in fields:
                entry["status"] = [was.get("status"), m.get("status")]
            changed.append(entry)
    by_date = lambda item: (item["start"], item["title"].lower())  # noqa: E731
    return {
        "added": sorted((_milestone_ref(m) for pk, m in new.items() if pk not in old), key=by_date),
        "moved": sorted(moved, key=by_date),
        "removed": sorted(
            (_milestone_ref(m) for pk, m in old.items() if pk not in new), key=by_date
        ),
        "changed": sorted(changed, key=by_date),
    }


def _indices(before: dict, after: dict) -> list[dict]:
    old = before.get("readiness") or {}
    new = after.get("readiness") or {}
    moves = []
    for key in INDEX_KEYS:
        was, now = old.get(key), new.get(key)
        if was == now:
            continue
        if was is None or now is None:
            direction = "new" if was is None else "gone"
            moves.append(
                {"key": key, "before": was, "after": now, "delta": None, "direction": direction}
            )
        else:
            moves.append(
                {
                    "key": key,
                    "before": was,
                    "after": now,
                    "delta": now - was,
                    "direction": _direction(now - was),
                }
            )
    return moves


def _round(before: dict, after: dict) -> dict | None:
    old, new = before.get("round"), after.get("round")
    if (old or {}).get("id") == (new or {}).get("id"):
        return None
    return {"before": (old or {}).get("name"), "after": (new or {}).get("name")}


def what_changed(before: dict, after: dict) -> dict:
    """Purposes, scores, milestones and indices that differ from ``before`` to ``after``."""
    changes = {
        "purposes": _purposes(before, after),
        "scores": _scores(before, after),
        "milestones": _milestones(before, after),
        "indices": _indices(before, after),
        "round": _round(before, after),
    }
    changes["count"] = (
        sum(len(items) for items in changes["purposes"].values())
        + len(changes["scores"])
        + sum(len(items) for items in changes["milestones"].values())
        + len(changes["indices"])
        + (1 if changes["round"] else 0)
    )
    return changes
