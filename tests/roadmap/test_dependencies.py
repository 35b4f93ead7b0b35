from datetime import date

from roadmap.dependencies import (
    DatedMilestone,
    Edge,
    cycle_if_added,
    cycle_message,
    date_conflicts,
    find_cycle,
)


def edges(*pairs) -> list[Edge]:
    return [Edge(a, b) for a, b in pairs]


def test_a_chain_has_no_cycle():
    assert find_cycle(edges((1, 2), (2, 3), (1, 3))) is None


def test_a_loop_is_found_in_order():
    cycle = find_cycle(edges((1, 2), (2, 3), (3, 4), (4, 2)))
    assert cycle == [2, 3, 4]


def test_a_long_chain_closing_on_itself_does_not_hit_the_recursion_limit():
    chain = edges(*((n, n + 1) for n in range(5000)), (5000, 0))
    assert len(find_cycle(chain)) == 5001


def test_adding_an_edge_that_closes_a_loop_names_the_loop_from_its_start():
    existing = edges(("a", "b"), ("b", "c"))
    assert cycle_if_added(existing, Edge("c", "a")) == ["c", "a", "b"]
    assert cycle_if_added(existing, Edge("a", "c")) is None


def test_a_milestone_depending_on_itself_is_a_cycle():
    assert cycle_if_added([], Edge(7, 7)) == [7]


def test_cycle_message_names_every_milestone_and_closes_the_loop():
    message = cycle_message(["c", "a", "b"], {"a": "Budget", "b": "Launch", "c": "Hire"})
    assert "Hire → Budget → Launch → Hire" in message


def test_successor_dated_before_its_predecessor_finishes_is_flagged():
    milestones = [
        DatedMilestone(1, "Pilot", date(2026, 1, 1), date(2026, 3, 31)),
        DatedMilestone(2, "Launch inside the pilot", date(2026, 3, 1)),
        DatedMilestone(3, "Launch after", date(2026, 4, 1)),
        DatedMilestone(4, "Same day as the pilot ends", date(2026, 3, 31)),
    ]
    conflicts = date_conflicts(milestones, edges((1, 2), (1, 3), (1, 4)))
    assert [(c.predecessor, c.successor, c.days_early) for c in conflicts] == [(1, 2, 30)]


def test_dependencies_on_unknown_milestones_are_ignored():
    assert date_conflicts([DatedMilestone(1, "Only", date(2026, 1, 1))], edges((1, 9))) == []
