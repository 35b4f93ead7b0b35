from datetime import date

from roadmap.diagnostics import (
    MilestoneFacts,
    PhaseFacts,
    PurposeFacts,
    RoadmapFacts,
    Target,
    roadmap_warnings,
)
from roadmap.models import DecisionArea, MilestoneKind

PILOT = PhaseFacts(1, "Pilot", date(2026, 1, 1), date(2026, 6, 30))
LAUNCH = PhaseFacts(2, "Launch", date(2026, 7, 1), date(2026, 12, 31))
ENGINEERS = PurposeFacts(10, "Engineers help engineers", (), date(2026, 1, 1))


def healthy(**changes) -> RoadmapFacts:
    """A roadmap with nothing to warn about; tests change one thing."""
    facts = {
        "purposes": [ENGINEERS],
        "phases": [PILOT],
        "milestones": [
            MilestoneFacts(1, MilestoneKind.COMMUNITY, "500 members", date(2026, 3, 1), owner_id=5),
            MilestoneFacts(2, MilestoneKind.INVESTMENT, "Platform", date(2026, 2, 1)),
            MilestoneFacts(3, MilestoneKind.VALUE, "Support saved", date(2026, 6, 1)),
            MilestoneFacts(
                4, MilestoneKind.RISK, "Leak", date(2026, 2, 1), impact=5, mitigation="NDA"
            ),
            MilestoneFacts(
                5,
                MilestoneKind.DECISION,
                "Pick platform",
                date(2026, 2, 1),
                decision_area=DecisionArea.TECHNOLOGY,
            ),
        ],
    }
    facts.update(changes)
    return RoadmapFacts(**facts)


def codes(facts: RoadmapFacts) -> list[str]:
    return [warning.code for warning in roadmap_warnings(facts)]


def test_a_healthy_roadmap_has_no_warnings():
    assert roadmap_warnings(healthy()) == []


def test_technology_chosen_before_any_purpose_starts():
    later = PurposeFacts(10, "Engineers help engineers", (), date(2026, 3, 1))
    [warning] = roadmap_warnings(healthy(purposes=[later]))
    assert warning.code == "technology_before_purpose"
    assert warning.target == Target("milestone", 5)
    assert "“Pick platform”" in warning.message and "1 Mar 2026" in warning.message


def test_technology_chosen_with_no_purpose_placed_at_all():
    unplaced = PurposeFacts(10, "Engineers help engineers", (), None)
    assert codes(healthy(purposes=[unplaced])) == ["technology_before_purpose"]


def test_other_decisions_before_the_purpose_are_fine():
    milestones = [
        m
        if m.id != 5
        else MilestoneFacts(
            5,
            MilestoneKind.DECISION,
            "Policy",
            date(2025, 12, 1),
            decision_area=DecisionArea.POLICY,
        )
        for m in healthy().milestones
    ]
    assert codes(healthy(milestones=milestones)) == []


def test_purpose_missing_parts_names_them():
    incomplete = PurposeFacts(10, "Vague", ("issue", "value_to_organisation"), date(2026, 1, 1))
    [warning] = roadmap_warnings(healthy(purposes=[incomplete]))
    assert warning.code == "purpose_incomplete" and warning.target == Target("purpose", 10)
    assert "the issue or opportunity, the value to the organisation" in warning.message


def test_phase_with_investment_but_no_community_milestone():
    [warning] = roadmap_warnings(
        healthy(
            phases=[PILOT, LAUNCH],
            milestones=[
                *healthy().milestones,
                MilestoneFacts(9, MilestoneKind.INVESTMENT, "Campaign", date(2026, 8, 1)),
            ],
        )
    )
    assert warning.code == "investment_without_community"
    assert warning.target == Target("phase", 2) and "“Launch”" in warning.message


def test_high_impact_risk_without_mitigation():
    milestones = [
        *healthy().milestones,
        MilestoneFacts(9, MilestoneKind.RISK, "Spam", date(2026, 2, 1), impact=4, mitigation="  "),
        MilestoneFacts(10, MilestoneKind.RISK, "Minor", date(2026, 2, 1), impact=3),
    ]
    [warning] = roadmap_warnings(healthy(milestones=milestones))
    assert warning.code == "risk_unmitigated" and warning.target == Target("milestone", 9)


def test_investment_with_no_value_milestone():
    milestones = [m for m in healthy().milestones if m.kind != MilestoneKind.VALUE]
    [warning] = roadmap_warnings(healthy(milestones=milestones))
    assert warning.code == "investment_without_value"
    assert warning.target == Target("new_milestone", "value")


def test_community_target_without_owner():
    milestones = [
        *healthy().milestones,
        MilestoneFacts(9, MilestoneKind.COMMUNITY, "50 contributors", date(2026, 5, 1)),
    ]
    [warning] = roadmap_warnings(healthy(milestones=milestones))
    assert warning.code == "target_without_owner" and warning.target == Target("milestone", 9)
