"""Dependencies between milestones: cycles and dates out of order.

Pure functions over plain data. ``successor`` depends on ``predecessor``: it
should not happen before the predecessor is finished (finish-to-start, the
usual reading of an arrow on a timeline).
"""

from collections import deque
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext

# Primary keys in the app; anything hashable in tests.
NodeId = Hashable


@dataclass(frozen=True)
class DatedMilestone:
    id: NodeId
    title: str
    start: date
    end: date | None = None

    @property
    def finish(self) -> date:
        return self.end or self.start


@dataclass(frozen=True)
class Edge:
    predecessor: NodeId
    successor: NodeId


@dataclass(frozen=True)
class DateConflict:
    """``successor`` starts before ``predecessor``, which it depends on, finishes."""

    predecessor: NodeId
    successor: NodeId
    days_early: int


def _successors(edges: Iterable[Edge]) -> dict[NodeId, list[NodeId]]:
    graph: dict[NodeId, list[NodeId]] = {}
    for edge in edges:
        graph.setdefault(edge.predecessor, []).append(edge.successor)
        graph.setdefault(edge.successor, [])
    return graph


def find_cycle(edges: Iterable[Edge]) -> list[NodeId] | None:
    """One cycle as ``[a, b, c]`` meaning a → b → c → a, or None.

    Iterative depth-first search (no recursion limit with long chains); the
    nodes are visited in the order given, so the answer is deterministic.
    """
    graph = _successors(edges)
    unvisited, on_path, done = 0, 1, 2
    state = dict.fromkeys(graph, unvisited)
    for root in graph:
        if state[root] != unvisited:
            continue
        path: list[NodeId] = [root]
        iterators = [iter(graph[root])]
        state[root] = on_path
        while iterators:
            nxt = next(iterators[-1], None)
            if nxt is None:
                state[path.pop()] = done
                iterators.pop()
            elif state[nxt] == on_path:
                return path[path.index(nxt) :]
            elif state[nxt] == unvisited:
                state[nxt] = on_path
                path.append(nxt)
                iterators.append(iter(graph[nxt]))
    return None


def cycle_if_added(edges: Iterable[Edge], new: Edge) -> list[NodeId] | None:
    """The cycle that adding ``new`` would close, starting at its predecessor, or None."""
    if new.predecessor == new.successor:
        return [new.predecessor]
    graph = _successors(edges)
    # A path successor → … → predecessor plus the new edge makes the loop.
    previous: dict[NodeId, NodeId | None] = {new.successor: None}
    queue = deque([new.successor])
    while queue:
        node = queue.popleft()
        if node == new.predecessor:
            path = [node]
            while (parent := previous[path[-1]]) is not None:
                path.append(parent)
            path.reverse()  # successor … predecessor
            return [new.predecessor, *path[:-1]]
        for nxt in graph.get(node, ()):
            if nxt not in previous:
                previous[nxt] = node
                queue.append(nxt)
    return None


def cycle_message(cycle: Sequence[NodeId], titles: Mapping[NodeId, str]) -> str:
    """A sentence naming the loop: “A → B → C → A”."""
    names = [titles.get(node, str(node)) for node in cycle]
    loop = " → ".join([*names, names[0]])
    return gettext(
        "These milestones would wait for each other in a loop: %(loop)s. "
        "Remove one of these dependencies."
    ) % {"loop": loop}


def date_conflicts(
    milestones: Iterable[DatedMilestone], edges: Iterable[Edge]
) -> list[DateConflict]:
    """Dependencies whose successor is dated before its predecessor finishes."""
    by_id = {milestone.id: milestone for milestone in milestones}
    conflicts = []
    for edge in edges:
        before, after = by_id.get(edge.predecessor), by_id.get(edge.successor)
        if before is None or after is None:
            continue
        if after.start < before.finish:
            conflicts.append(
                DateConflict(edge.predecessor, edge.successor, (before.finish - after.start).days)
            )
    return conflicts


def dated_milestones_from_models(milestones: Iterable) -> list[DatedMilestone]:
    """From ``Milestone`` rows already fetched (no query here)."""
    return [DatedMilestone(m.pk, m.title, m.start, m.end) for m in milestones]


def edges_from_models(dependencies: Iterable) -> list[Edge]:
    """From ``MilestoneDependency`` rows already fetched (no query here)."""
    return [Edge(d.predecessor_id, d.successor_id) for d in dependencies]
