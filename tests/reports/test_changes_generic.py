"""What changed, field by field: every field the brief shows is listed in words when it changes."""

import copy
import html

import pytest
from django_scopes import scopes_disabled

from organisations.permissions import Role
from reports.changes import FIELDS, NOT_FIELDS, in_words, what_changed
from reports.context import brief_context, brief_html
from reports.snapshot import roadmap_data
from roadmap.models import MilestoneKind
from tests.support.report_builders import build_roadmap_for_brief, snapshot_for


def _data() -> dict:
    return {
        "roadmap": {"id": 1, "title": "Growth plan", "description": "Grow the community.",
                    "start": "2026-01-01", "end": "2027-12-31", "status": "draft",
                    "currency": "EUR", "owner": "Maria Lopez"},
        "phases": [{"id": 5, "name": "Pilot", "start": "2026-01-01", "end": "2026-12-31"},
                   {"id": 6, "name": "Launch", "start": "2027-01-01", "end": "2027-12-31"}],
        "placements": [{"purpose": 1, "phase": 5, "position": 0}],
        "purposes": [
            {"id": 1, "title": "Right first time", "statement": "Help engineers.",
             "participants": "Engineers", "issue": "Re-spins", "value_to_participants": "Speed",
             "value_to_organisation": "Orders", "status": "chosen",
             "communities": ["Engineers"], "placed": True},
            {"id": 2, "title": "Reference designs", "statement": "Share designs.",
             "participants": "", "issue": "", "value_to_participants": "",
             "value_to_organisation": "", "status": "shortlisted", "communities": [],
             "placed": False},
        ],
        "milestones": [
            {"id": 10, "kind": "community", "title": "500 members", "description": "",
             "start": "2026-03-31", "end": None, "status": "planned", "owner": "Maria Lopez",
             "purpose": 1, "community": "Engineers", "metric": "members", "metric_label": "",
             "target_value": "500"},
            {"id": 11, "kind": "risk", "title": "Leaked designs", "description": "",
             "start": "2026-04-01", "end": None, "status": "planned", "owner": "",
             "purpose": None, "community": "", "risk_category": "security", "likelihood": 2,
             "impact": 4, "mitigation": "", "review_date": "2026-06-01"},
            {"id": 12, "kind": "investment", "title": "Moderators", "description": "",
             "start": "2026-01-15", "end": "2026-06-30", "status": "on_track", "owner": "",
             "purpose": 1, "community": "", "investment_kind": "people",
             "amount": "10000", "currency": "EUR"},
            {"id": 13, "kind": "value", "title": "Leads", "description": "",
             "start": "2026-09-30", "end": None, "status": "planned", "owner": "",
             "purpose": 1, "community": "", "value_metric": "Qualified leads",
             "amount": "25000", "currency": "EUR"},
            {"id": 14, "kind": "decision", "title": "Forum software", "description": "",
             "start": "2026-02-01", "end": None, "status": "planned", "owner": "",
             "purpose": None, "community": "", "decision_area": "technology",
             "decision_text": "Pick a forum", "decided": False},
        ],
        "dependencies": [[10, 13]],
        "round": {"id": 7, "name": "Round 1", "status": "open", "revealed_at": None,
                  "fit_weight_percent": 60, "executives": 4, "finished": 3, "partly": 1,
                  "needs": 5, "chosen": True, "anonymous": False},
        "results": [{"purpose": 1, "overall": 61.0}],
        "readiness": {"overall": 70, "purpose_strength": 58, "stakeholder_coverage": 90,
                      "risk_coverage": 50, "investment_balance": None},
    }  # fmt: skip


def _changed_everything(data: dict) -> dict:
    """One change to every field the brief shows, dates of milestones apart (those are moves)."""
    after = copy.deepcopy(data)
    after["roadmap"].update(
        title="Growth plan 2", description="Grow faster.", start="2026-02-01",
        end="2028-01-31", status="approved", currency="USD", owner="Tom Becker",
    )  # fmt: skip
    after["phases"][0].update(name="Trial", start="2026-01-15", end="2026-11-30")
    after["placements"] = [{"purpose": 1, "phase": 6, "position": 1}]
    after["purposes"][0].update(
        title="Right first time, always", statement="Help every engineer.",
        participants="Engineers and students", issue="Board re-spins",
        value_to_participants="Fewer weeks lost", value_to_organisation="More orders",
        status="retired", communities=["Engineers", "Students"],
    )  # fmt: skip
    community, risk, investment, value, decision = after["milestones"]
    community.update(
        kind="community", title="600 members", description="Counted monthly", status="at_risk",
        owner="Tom Becker", purpose=None, community="Students", metric="custom",
        metric_label="Forum posters", target_value="600",
    )  # fmt: skip
    risk.update(
        risk_category="reputation", likelihood=3, impact=5,
        mitigation="Two-person review of every release", review_date="2027-01-01",
    )  # fmt: skip
    investment.update(investment_kind="platform", amount="12500", currency="USD")
    value.update(value_metric="Support cost saved", amount="30000.50")
    decision.update(decision_area="policy", decision_text="Adopt a moderation policy", decided=True)
    after["dependencies"] = [[11, 12]]
    after["round"].update(
        name="Round 1 (final)", status="revealed", revealed_at="2026-05-04T10:00:00+00:00",
        fit_weight_percent=70, executives=5, finished=5, partly=0, needs=6, chosen=False,
        anonymous=True,
    )  # fmt: skip
    return after


def _lines(item: dict) -> set[str]:
    return {f"{line['label']}: {line['before']} → {line['after']}" for line in item["lines"]}


def test_every_changed_field_is_listed_in_words():
    before = _data()
    words = in_words(what_changed(before, _changed_everything(before)))

    assert _lines({"lines": words["roadmap_lines"]}) == {
        "Title: Growth plan → Growth plan 2",
        "Description: Grow the community. → Grow faster.",
        "Start: 1 Jan 2026 → 1 Feb 2026",
        "End: 31 Dec 2027 → 31 Jan 2028",
        "Status: Draft → Approved",
        "Currency: EUR → USD",
        "Owner: Maria Lopez → Tom Becker",
    }
    [phase] = words["phases"]["changed"]
    assert _lines(phase) == {
        "Name: Pilot → Trial",
        "Start: 1 Jan 2026 → 15 Jan 2026",
        "End: 31 Dec 2026 → 30 Nov 2026",
    }
    [purpose] = words["purposes"]["changed"]
    assert _lines(purpose) == {
        "Title: Right first time → Right first time, always",
        "Statement: Help engineers. → Help every engineer.",
        "Who participates: Engineers → Engineers and students",
        "The issue or opportunity: Re-spins → Board re-spins",
        "Value to participants: Speed → Fewer weeks lost",
        "Value to the organisation: Orders → More orders",
        "Status: Chosen → Retired",
        "Communities: Engineers → Engineers, Students",
        "Phase: Pilot → Launch",
        "Order in the phase: 1 → 2",
    }
    milestones = {m["id"]: _lines(m) for m in words["milestones"]["changed"]}
    assert milestones[10] == {
        "Title: 500 members → 600 members",
        "Notes: — → Counted monthly",
        "Status: Planned → At risk",
        "Owner: Maria Lopez → Tom Becker",
        "Purpose: Right first time → —",
        "Community: Engineers → Students",
        "Measure: Members → Other measure",
        "Name of the measure: — → Forum posters",
        "Target: 500 → 600",
    }
    assert milestones[11] == {
        "Risk category: Security and privacy → Reputation",
        "Likelihood: 2 of 5 → 3 of 5",
        "Impact: 4 of 5 → 5 of 5",
        "Mitigation: — → Two-person review of every release",
        "Review date: 1 Jun 2026 → 1 Jan 2027",
    }
    assert milestones[12] == {
        "Investment kind: People → Platform",
        "Investment amount: 10,000 EUR → 12,500 USD",
        "Currency: EUR → USD",
    }
    assert milestones[13] == {
        "Value measured: Qualified leads → Support cost saved",
        "Expected value: 25,000 EUR → 30,000.50 EUR",
    }
    assert milestones[14] == {
        "Decision area: Technology selection → Policy",
        "Decision: Pick a forum → Adopt a moderation policy",
        "Decided: not decided yet → decided",
    }
    assert words["dependencies"] == {
        "added": [["Leaked designs", "Moderators"]],
        "removed": [["500 members", "Leads"]],
    }
    assert _lines({"lines": words["round_lines"]}) == {
        "Name: Round 1 → Round 1 (final)",
        "Status: Open for scoring → Revealed",
        "Revealed: — → 4 May 2026",
        "Weight of fit to needs: 60 % → 70 %",
        "Executives scoring: 4 → 5",
        "Executives who finished: 3 → 5",
        "Executives who scored part: 1 → 0",
        "Needs scored: 5 → 6",
        "Chosen for the roadmap: yes → no",
        "Scores shown without names: no → yes",
    }


def test_the_count_has_one_per_changed_item():
    before = _data()
    changes = what_changed(before, _changed_everything(before))
    # roadmap, phase, purpose, 5 milestones, 2 dependencies, the round
    assert changes["count"] == 11


def test_a_key_only_one_snapshot_has_is_unknown_not_changed():
    before, after = _data(), _data()
    for milestone in before["milestones"]:
        del milestone["owner"]  # an older snapshot, taken before owners were stored
    del before["round"]["anonymous"]
    changes = what_changed(before, after)
    assert changes["count"] == 0


def test_a_key_nobody_labelled_yet_is_still_listed_in_words():
    before, after = _data(), _data()
    before["milestones"][1]["residual_risk"] = "high"
    after["milestones"][1]["residual_risk"] = "low"
    [changed] = in_words(what_changed(before, after))["milestones"]["changed"]
    assert _lines(changed) == {"Residual risk: high → low"}


def test_changes_stored_before_fields_were_compared_one_by_one_still_read():
    old_style = {
        "purposes": {"added": [], "removed": [], "changed": [
            {"id": 1, "title": "Right first time", "fields": ["issue"]}]},
        "scores": [], "indices": [], "round": None, "count": 2,
        "milestones": {"added": [], "moved": [], "removed": [], "changed": [
            {"id": 11, "title": "Leaked designs", "kind": "risk", "start": "2026-04-01",
             "end": None, "fields": ["status"], "status": ["planned", "at_risk"]}]},
    }  # fmt: skip
    words = in_words(old_style)
    assert words["milestones"]["changed"][0]["lines"] == []
    assert words["purposes"]["changed"][0]["lines"] == []
    assert words["roadmap_lines"] == [] and words["round_lines"] == []


@pytest.mark.django_db
def test_every_key_the_snapshot_holds_has_words(world):
    """A field added to the snapshot fails here until it has a label (or is compared elsewhere)."""
    roadmap = build_roadmap_for_brief(world.ours, milestones=10)
    with scopes_disabled():
        data = roadmap_data(roadmap)
    assert {m["kind"] for m in data["milestones"]} == set(MilestoneKind.values)
    rows = {
        "roadmap": [data["roadmap"]],
        "phases": data["phases"],
        "placements": data["placements"],
        "purposes": data["purposes"],
        "milestones": data["milestones"],
        "round": [data["round"]],
    }
    for kind, items in rows.items():
        assert items, kind
        keys = set().union(*(item.keys() for item in items))
        unlabelled = keys - FIELDS[kind].keys() - NOT_FIELDS[kind]
        assert not unlabelled, f"{kind}: give {sorted(unlabelled)} words in reports.changes.FIELDS"


@pytest.mark.django_db
def test_a_new_mitigation_and_a_new_owner_are_in_the_brief(world):
    maria, tom = world.ours.user(Role.FACILITATOR), world.ours.user(Role.VIEWER)
    with scopes_disabled():
        for user, (first, last) in ((maria, ("Maria", "Lopez")), (tom, ("Tom", "Becker"))):
            user.first_name, user.last_name = first, last
            user.save()
        roadmap = build_roadmap_for_brief(world.ours, milestones=5)
        risk = roadmap.milestones.get(kind=MilestoneKind.RISK)
        community = roadmap.milestones.filter(kind=MilestoneKind.COMMUNITY).first()
        community.owner = maria
        community.save()
    first = snapshot_for(roadmap)
    with scopes_disabled():
        risk.mitigation = "Two-person review of every release"
        risk.save()
        community.owner = tom
        community.save()
    second = snapshot_for(roadmap, version=2, previous=first)

    page = html.unescape(brief_html(brief_context(second)))

    assert "Mitigation: Moderators on call → Two-person review of every release" in page
    assert "Owner: Maria Lopez → Tom Becker" in page
    assert "2 changes since version 1" in page


def test_a_renamed_purpose_or_phase_does_not_change_what_points_to_it():
    before, after = _data(), _data()
    after["purposes"][0]["title"] = "Right first time, always"
    after["phases"][0]["name"] = "Trial"
    changes = what_changed(before, after)
    assert changes["milestones"]["changed"] == []
    [purpose] = changes["purposes"]["changed"]
    assert purpose["fields"] == ["title"]
