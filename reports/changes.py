"""What changed between two briefs, from their snapshots' ``data`` alone.

A pure function over two JSON dicts (see ``reports.snapshot``), so it is
tested without a database and a brief can say "since version 3" about any two
versions. Items are matched by id: a renamed purpose or milestone is the same
one, changed; a deleted and re-created one is removed and added.

The comparison is generic: every key two matched items both have is compared,
so a field added to the snapshot is listed when it changes without code here.
A key only one side has is unknown (an older snapshot), never "changed".
``FIELDS`` gives each key the words a board member reads and how its values
are written; ``in_words`` turns the stored changes into those lines when the
brief is drawn, in the brief's language.
"""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.formatting import date_text, long_date, money
from purposes.models import PurposeStatus, RoundStatus
from roadmap.models import (
    CommunityMetric,
    DecisionArea,
    InvestmentKind,
    MilestoneKind,
    MilestoneStatus,
    RiskCategory,
    RoadmapStatus,
)

INDEX_KEYS = (
    "overall",
    "purpose_strength",
    "stakeholder_coverage",
    "risk_coverage",
    "investment_balance",
)
# Overall scores closer than this are the same score, shown rounded.
SCORE_STEP = 0.5
# Long texts (a mitigation, a statement) are cut to this many characters.
TEXT_LIMIT = 140
MONEY_FIELDS = ("amount",)

# Keys compared elsewhere or not about the item itself: ids match items,
# "placed" makes a purpose added or removed, a milestone's dates make a move.
NOT_FIELDS = {
    "roadmap": {"id"},
    "phases": {"id"},
    "purposes": {"id", "placed"},
    "placements": {"purpose"},
    "milestones": {"id", "start", "end"},
    "round": {"id"},
}


def _text(value: Any) -> str:
    return Truncator(str(value)).chars(TEXT_LIMIT)


def _day(value: Any) -> str:
    return date_text(date.fromisoformat(value))


def _moment(value: Any) -> str:
    return long_date(datetime.fromisoformat(value))


def _choice(choices) -> Callable[[Any], str]:
    return lambda value: str(dict(choices.choices).get(value, value))


def _of_five(value: Any) -> str:
    return _("%(value)s of 5") % {"value": value}


def _decided(value: Any) -> str:
    return str(_("decided") if value else _("not decided yet"))


def _yes_no(value: Any) -> str:
    return str(_("yes") if value else _("no"))


def _order(value: Any) -> str:
    return str(value + 1)  # stored from 0, read from 1


def _listed(value: Any) -> str:
    return ", ".join(str(name) for name in value)


def _percent(value: Any) -> str:
    return f"{value} %"


def _number(value: Any) -> str:
    return str(value)


# Per kind of item: snapshot key → (the words a board member reads, how a value is written).
FIELDS: dict[str, dict[str, tuple[Any, Callable[[Any], str]]]] = {
    "roadmap": {
        "title": (gettext_lazy("title"), _text),
        "description": (gettext_lazy("description"), _text),
        "recommendation": (gettext_lazy("recommendation"), _text),
        "start": (gettext_lazy("start"), _day),
        "end": (gettext_lazy("end"), _day),
        "status": (gettext_lazy("status"), _choice(RoadmapStatus)),
        "currency": (gettext_lazy("currency"), _text),
        "owner": (gettext_lazy("owner"), _text),
    },
    "phases": {
        "name": (gettext_lazy("name"), _text),
        "start": (gettext_lazy("start"), _day),
        "end": (gettext_lazy("end"), _day),
    },
    "placements": {
        # Stored by name (``_named``): a board member knows names, not ids.
        "phase": (gettext_lazy("phase"), _text),
        "position": (gettext_lazy("order in the phase"), _order),
    },
    "purposes": {
        "title": (gettext_lazy("title"), _text),
        "statement": (gettext_lazy("statement"), _text),
        "participants": (gettext_lazy("who participates"), _text),
        "issue": (gettext_lazy("the issue or opportunity"), _text),
        "value_to_participants": (gettext_lazy("value to participants"), _text),
        "value_to_organisation": (gettext_lazy("value to the organisation"), _text),
        "status": (gettext_lazy("status"), _choice(PurposeStatus)),
        "communities": (gettext_lazy("communities"), _listed),
    },
    "milestones": {
        "kind": (gettext_lazy("kind"), _choice(MilestoneKind)),
        "title": (gettext_lazy("title"), _text),
        "description": (gettext_lazy("notes"), _text),
        "status": (gettext_lazy("status"), _choice(MilestoneStatus)),
        "owner": (gettext_lazy("owner"), _text),
        # Stored by title (``_named``).
        "purpose": (gettext_lazy("purpose"), _text),
        "community": (gettext_lazy("community"), _text),
        "metric": (gettext_lazy("measure"), _choice(CommunityMetric)),
        "metric_label": (gettext_lazy("name of the measure"), _text),
        "target_value": (gettext_lazy("target"), _number),
        "risk_category": (gettext_lazy("risk category"), _choice(RiskCategory)),
        "likelihood": (gettext_lazy("likelihood"), _of_five),
        "impact": (gettext_lazy("impact"), _of_five),
        "mitigation": (gettext_lazy("mitigation"), _text),
        "review_date": (gettext_lazy("review date"), _day),
        "investment_kind": (gettext_lazy("investment kind"), _choice(InvestmentKind)),
        "value_metric": (gettext_lazy("value measured"), _text),
        "decision_area": (gettext_lazy("decision area"), _choice(DecisionArea)),
        "decision_text": (gettext_lazy("decision"), _text),
        "decided": (gettext_lazy("decided"), _decided),
        "amount": (gettext_lazy("amount"), _text),  # written with its currency (``_line``)
        "currency": (gettext_lazy("currency"), _text),
    },
    "round": {
        "name": (gettext_lazy("name"), _text),
        "status": (gettext_lazy("status"), _choice(RoundStatus)),
        "revealed_at": (gettext_lazy("revealed"), _moment),
        "fit_weight_percent": (gettext_lazy("weight of fit to needs"), _percent),
        "executives": (gettext_lazy("executives scoring"), _number),
        "finished": (gettext_lazy("executives who finished"), _number),
        "partly": (gettext_lazy("executives who scored part"), _number),
        "needs": (gettext_lazy("needs scored"), _number),
        "chosen": (gettext_lazy("chosen for the roadmap"), _yes_no),
        "anonymous": (gettext_lazy("scores shown without names"), _yes_no),
    },
}
# The amount of an investment is what is spent, of a value what is expected back.
AMOUNT_LABELS = {
    MilestoneKind.INVESTMENT: gettext_lazy("investment amount"),
    MilestoneKind.VALUE: gettext_lazy("expected value"),
}


def _by_id(rows: list[dict]) -> dict:
    return {row["id"]: row for row in rows}


def _direction(delta: float) -> str:
    return "up" if delta > 0 else "down"


def _diffs(kind: str, old: dict, new: dict) -> list[dict]:
    """Every field both sides know that differs, in ``FIELDS`` order, unknown keys last."""
    known = [key for key in FIELDS[kind] if key in old and key in new]
    unknown = sorted(
        key
        for key in old.keys() & new.keys()
        if key not in FIELDS[kind] and key not in NOT_FIELDS[kind]
    )
    diffs = []
    for key in known + unknown:
        if old[key] == new[key]:
            continue
        diff = {"field": key, "before": old[key], "after": new[key]}
        if key in MONEY_FIELDS:
            diff["currency"] = [old.get("currency"), new.get("currency")]
        diffs.append(diff)
    return diffs


def _named(diffs: list[dict], key: str, before: dict, after: dict) -> list[dict]:
    """``key``'s ids, compared as ids (a renamed phase is no move), shown by name."""
    return [
        {**diff, "before": before.get(diff["before"]), "after": after.get(diff["after"])}
        if diff["field"] == key
        else diff
        for diff in diffs
    ]


def _names_by_id(data: dict, rows: str, name: str) -> dict:
    return {row["id"]: row[name] for row in data.get(rows, [])}


def _purposes(before: dict, after: dict) -> dict:
    old = {p["id"]: p for p in before.get("purposes", []) if p.get("placed")}
    new = {p["id"]: p for p in after.get("purposes", []) if p.get("placed")}
    old_places = {row["purpose"]: row for row in before.get("placements", [])}
    new_places = {row["purpose"]: row for row in after.get("placements", [])}
    old_phases = _names_by_id(before, "phases", "name")
    new_phases = _names_by_id(after, "phases", "name")
    changed = []
    for pk in new.keys() & old.keys():
        diffs = _diffs("purposes", old[pk], new[pk])
        if pk in old_places and pk in new_places:
            moves = _diffs("placements", old_places[pk], new_places[pk])
            diffs += _named(moves, "phase", old_phases, new_phases)
        if diffs:
            fields = [diff["field"] for diff in diffs]
            entry = {"id": pk, "title": new[pk]["title"], "fields": fields, "diffs": diffs}
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
        diffs = _named(
            _diffs("milestones", was, m),
            "purpose",
            _names_by_id(before, "purposes", "title"),
            _names_by_id(after, "purposes", "title"),
        )
        if diffs:
            fields = [diff["field"] for diff in diffs]
            entry = {**_milestone_ref(m), "fields": fields, "diffs": diffs}
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


def _dependencies(before: dict, after: dict) -> dict:
    """Milestones that now wait for another, or no longer do, named by title."""

    def pairs(data: dict) -> dict[tuple, list[str]]:
        titles = {m["id"]: m["title"] for m in data.get("milestones", [])}
        return {
            (first, then): [titles.get(first, "?"), titles.get(then, "?")]
            for first, then in data.get("dependencies", [])
        }

    old, new = pairs(before), pairs(after)
    return {
        "added": [new[pair] for pair in new if pair not in old],
        "removed": [old[pair] for pair in old if pair not in new],
    }


def _phases(before: dict, after: dict) -> dict:
    old = _by_id(before.get("phases", []))
    new = _by_id(after.get("phases", []))
    changed = []
    for pk in new.keys() & old.keys():
        diffs = _diffs("phases", old[pk], new[pk])
        if diffs:
            changed.append({"id": pk, "title": new[pk]["name"], "diffs": diffs})
    return {
        "added": [{"id": pk, "title": new[pk]["name"]} for pk in new if pk not in old],
        "removed": [{"id": pk, "title": old[pk]["name"]} for pk in old if pk not in new],
        "changed": sorted(changed, key=lambda item: (new[item["id"]]["start"], item["title"])),
    }


def _roadmap(before: dict, after: dict) -> list[dict]:
    old, new = before.get("roadmap"), after.get("roadmap")
    if not old or not new:
        return []
    return _diffs("roadmap", old, new)


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


def _round_fields(before: dict, after: dict) -> list[dict]:
    """What changed in the same round (revealed since, more executives finished…)."""
    old, new = before.get("round"), after.get("round")
    if not old or not new or old.get("id") != new.get("id"):
        return []
    return _diffs("round", old, new)


def what_changed(before: dict, after: dict) -> dict:
    """Everything the brief shows that differs from ``before`` to ``after``."""
    changes = {
        "roadmap": _roadmap(before, after),
        "phases": _phases(before, after),
        "purposes": _purposes(before, after),
        "scores": _scores(before, after),
        "milestones": _milestones(before, after),
        "dependencies": _dependencies(before, after),
        "indices": _indices(before, after),
        "round": _round(before, after),
        "round_fields": _round_fields(before, after),
    }
    changes["count"] = (
        (1 if changes["roadmap"] else 0)
        + sum(len(items) for items in changes["phases"].values())
        + sum(len(items) for items in changes["purposes"].values())
        + len(changes["scores"])
        + sum(len(items) for items in changes["milestones"].values())
        + sum(len(items) for items in changes["dependencies"].values())
        + len(changes["indices"])
        + (1 if changes["round"] else 0)
        + (1 if changes["round_fields"] else 0)
    )
    return changes


# ---------------------------------------------------------------- in words


def field_label(kind: str, key: str, milestone_kind: str | None = None) -> str:
    """The words for a snapshot key; a key nobody labelled yet still reads as words."""
    if key == "amount" and milestone_kind in AMOUNT_LABELS:
        return str(AMOUNT_LABELS[milestone_kind])
    label, _show = FIELDS[kind].get(key, (key.replace("_", " "), _text))
    return str(label)


def _value(kind: str, diff: dict, side: int) -> str:
    value = diff["before" if side == 0 else "after"]
    if value is None or value == "" or value == []:
        return "—"
    if "currency" in diff:
        return money(value, diff["currency"][side] or "")
    _label, show = FIELDS[kind].get(diff["field"], (None, _text))
    try:
        return show(value)
    except (TypeError, ValueError):  # a value of an older shape: say it as it was stored
        return _text(value)


def _line(kind: str, diff: dict, milestone_kind: str | None = None) -> dict:
    return {
        "label": capfirst(field_label(kind, diff["field"], milestone_kind)),
        "before": _value(kind, diff, 0),
        "after": _value(kind, diff, 1),
    }


def in_words(changes: dict) -> dict:
    """The stored changes with a line per changed field: label, old value, new value.

    Changes stored before fields were compared one by one have no ``diffs``;
    their items get no lines and read as they did.
    """

    def worded(kind: str, items: list[dict]) -> list[dict]:
        return [
            {
                **item,
                "lines": [_line(kind, diff, item.get("kind")) for diff in item.get("diffs", [])],
            }
            for item in items
        ]

    def purpose_lines(item: dict) -> list[dict]:
        return [
            _line("placements" if diff["field"] in FIELDS["placements"] else "purposes", diff)
            for diff in item.get("diffs", [])
        ]

    purposes = changes.get("purposes", {})
    phases = changes.get("phases") or {"added": [], "removed": [], "changed": []}
    return {
        **changes,
        "roadmap_lines": [_line("roadmap", diff) for diff in changes.get("roadmap", [])],
        "round_lines": [_line("round", diff) for diff in changes.get("round_fields", [])],
        "phases": {**phases, "changed": worded("phases", phases["changed"])},
        "dependencies": changes.get("dependencies") or {"added": [], "removed": []},
        "purposes": {
            **purposes,
            "changed": [
                {**item, "lines": purpose_lines(item)} for item in purposes.get("changed", [])
            ],
        },
        "milestones": {
            **changes.get("milestones", {}),
            "changed": worded("milestones", changes.get("milestones", {}).get("changed", [])),
        },
    }
