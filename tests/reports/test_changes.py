"""What changed between two briefs: a pure function over two snapshots' data."""

import copy

from reports.changes import what_changed


def _data():
    return {
        "purposes": [
            {"id": 1, "title": "Right first time", "statement": "Help engineers.",
             "participants": "Engineers", "issue": "Re-spins", "value_to_participants": "Speed",
             "value_to_organisation": "Orders", "status": "chosen", "placed": True},
            {"id": 2, "title": "Reference designs", "statement": "Share designs.",
             "participants": "Engineers", "issue": "Untested designs",
             "value_to_participants": "Designs", "value_to_organisation": "BOMs",
             "status": "chosen", "placed": True},
            {"id": 3, "title": "Student mentors", "statement": "Mentor students.",
             "participants": "Students", "issue": "No experience", "value_to_participants": "",
             "value_to_organisation": "Future engineers", "status": "shortlisted",
             "placed": False},
        ],
        "results": [
            {"purpose": 1, "overall": 61.0},
            {"purpose": 2, "overall": 54.0},
            {"purpose": 3, "overall": None},
        ],
        "milestones": [
            {"id": 10, "kind": "community", "title": "500 members", "start": "2026-03-31",
             "end": None, "status": "planned"},
            {"id": 11, "kind": "risk", "title": "Leaked designs", "start": "2026-04-01",
             "end": None, "status": "planned"},
            {"id": 12, "kind": "investment", "title": "Moderators", "start": "2026-01-15",
             "end": "2026-06-30", "status": "on_track"},
        ],
        "readiness": {"overall": 70, "purpose_strength": 58, "stakeholder_coverage": 90,
                      "risk_coverage": 50, "investment_balance": None},
        "round": {"id": 7, "name": "Round 1"},
    }  # fmt: skip


def test_identical_snapshots_have_no_changes():
    changes = what_changed(_data(), _data())
    assert changes["count"] == 0
    assert changes["purposes"] == {"added": [], "removed": [], "changed": []}
    assert changes["milestones"] == {"added": [], "moved": [], "removed": [], "changed": []}
    assert changes["scores"] == []
    assert changes["indices"] == []
    assert changes["round"] is None


def test_a_purpose_placed_in_the_roadmap_is_added_and_one_taken_out_is_removed():
    before, after = _data(), _data()
    after["purposes"][1]["placed"] = False
    after["purposes"][2]["placed"] = True
    changes = what_changed(before, after)
    assert changes["purposes"]["added"] == [{"id": 3, "title": "Student mentors"}]
    assert changes["purposes"]["removed"] == [{"id": 2, "title": "Reference designs"}]


def test_a_reworded_purpose_names_the_fields_and_its_old_title():
    before, after = _data(), _data()
    after["purposes"][0]["title"] = "Right first time, every time"
    after["purposes"][0]["issue"] = "Board re-spins cost weeks"
    changes = what_changed(before, after)
    [changed] = changes["purposes"]["changed"]
    assert changed["fields"] == ["title", "issue"]
    assert changed["was"] == "Right first time"
    assert changed["title"] == "Right first time, every time"


def test_scores_moving_half_a_point_or_more_go_up_or_down_largest_first():
    before, after = _data(), _data()
    after["results"][0]["overall"] = 61.4  # less than half a point: not news
    after["results"][1]["overall"] = 47.0
    after["results"][2]["overall"] = 40.0  # scored for the first time
    changes = what_changed(before, after)
    assert [(s["id"], s["direction"], s["delta"]) for s in changes["scores"]] == [
        (2, "down", -7.0),
        (3, "new", None),
    ]
    before["results"][0]["overall"] = 55.0
    up = what_changed(before, _data())["scores"]
    assert up[0]["direction"] == "up" and up[0]["delta"] == 6.0


def test_milestones_added_moved_removed_and_changed():
    before, after = _data(), _data()
    after["milestones"][0]["start"] = "2026-05-31"  # moved two months later
    after["milestones"][1]["status"] = "at_risk"  # changed
    del after["milestones"][2]  # removed
    after["milestones"].append(
        {"id": 13, "kind": "value", "title": "Leads", "start": "2026-09-30", "end": None,
         "status": "planned"}
    )  # fmt: skip
    changes = what_changed(before, after)["milestones"]
    assert [m["title"] for m in changes["added"]] == ["Leads"]
    assert [m["title"] for m in changes["removed"]] == ["Moderators"]
    [moved] = changes["moved"]
    assert (moved["was_start"], moved["start"], moved["days"]) == ("2026-03-31", "2026-05-31", 61)
    [changed] = changes["changed"]
    assert changed["fields"] == ["status"] and changed["status"] == ["planned", "at_risk"]


def test_a_changed_end_date_is_a_move_of_zero_days():
    before, after = _data(), _data()
    after["milestones"][2]["end"] = "2026-09-30"
    [moved] = what_changed(before, after)["milestones"]["moved"]
    assert moved["days"] == 0 and moved["was_end"] == "2026-06-30"


def test_indices_up_down_new_and_gone():
    before, after = _data(), _data()
    after["readiness"].update(
        overall=74, risk_coverage=40, investment_balance=80, stakeholder_coverage=None
    )
    changes = {i["key"]: i for i in what_changed(before, after)["indices"]}
    assert changes["overall"]["direction"] == "up" and changes["overall"]["delta"] == 4
    assert changes["risk_coverage"]["direction"] == "down"
    assert changes["investment_balance"]["direction"] == "new"
    assert changes["stakeholder_coverage"]["direction"] == "gone"
    assert "purpose_strength" not in changes


def test_a_new_scoring_round_is_named():
    before, after = _data(), _data()
    after["round"] = {"id": 8, "name": "Round 2"}
    assert what_changed(before, after)["round"] == {"before": "Round 1", "after": "Round 2"}


def test_the_count_adds_up_every_listed_change():
    before, after = _data(), copy.deepcopy(_data())
    after["milestones"][0]["start"] = "2026-04-30"
    after["readiness"]["overall"] = 60
    after["results"][0]["overall"] = 70.0
    assert what_changed(before, after)["count"] == 3


def test_it_does_not_change_its_inputs():
    before, after = _data(), _data()
    after["milestones"].pop()
    frozen_before, frozen_after = copy.deepcopy(before), copy.deepcopy(after)
    what_changed(before, after)
    assert (before, after) == (frozen_before, frozen_after)
