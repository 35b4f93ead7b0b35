"""Import, stage 2: the document holds together, checked without the database.

Ids unique per kind, every reference resolves, names unique, dates within
the roadmap, no dependency cycle, scores only for the round's own cells.
"""

import itertools
from collections.abc import Iterable

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _

from common.formatting import date_text
from common.limits import MAX_DEPENDENCIES, MAX_MILESTONES
from roadmap.dependencies import Edge, find_cycle
from roadmap.exchange.parsing import Problem, pointer
from roadmap.exchange.schema import parse_date, parse_timestamp
from roadmap.milestone_rules import milestone_date_errors
from roadmap.models import FIRST_YEAR, LAST_YEAR, Roadmap


def document_problems(document: dict) -> list[Problem]:
    """Every problem of references, uniqueness and dates in a schema-valid document."""
    return _Checker(document).run()


class _Checker:
    """References, uniqueness and dates across the document; no database."""

    def __init__(self, document: dict):
        self.doc = document
        self.problems: list[Problem] = []

    def problem(self, parts: Iterable, message: str) -> None:
        self.problems.append(Problem(pointer(parts), message))

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
                seen[row["id"]] = pointer(parts)
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
                parse_timestamp(scoring_round.get(name))
            except ValueError:
                self.problem(
                    [*parts, name],
                    _("is not a real date and time between %(first)s and %(last)s.")
                    % {"first": FIRST_YEAR, "last": LAST_YEAR},
                )
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
        start, end = parse_date(roadmap["start"]), parse_date(roadmap["end"])
        try:
            Roadmap(start=start, end=end).clean()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                self.problem(
                    ["roadmap", name if name != NON_FIELD_ERRORS else "end"], " ".join(messages)
                )
            return  # Everything below is measured against these dates.
        within = _("%(start)s to %(end)s") % {"start": date_text(start), "end": date_text(end)}
        self.ids(
            ((["roadmap", "phases", i], p) for i, p in enumerate(roadmap["phases"])), _("phases")
        )
        spans = []
        for i, phase in enumerate(roadmap["phases"]):
            where = ["roadmap", "phases", i]
            phase_start, phase_end = parse_date(phase["start"]), parse_date(phase["end"])
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
        for key, limit in (("milestones", MAX_MILESTONES), ("dependencies", MAX_DEPENDENCIES)):
            count = len(roadmap.get(key, []))
            if count > limit:
                self.problem(
                    ["roadmap", key],
                    _("a roadmap has at most %(limit)s %(what)s; this file has %(count)s.")
                    % {"limit": f"{limit:,}", "what": key, "count": f"{count:,}"},
                )
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
            m_start, m_end = parse_date(milestone["start"]), parse_date(milestone.get("end"))
            if m_end is not None and m_end < m_start:
                self.problem([*where, "end"], _("the end cannot come before the start."))
            else:
                window = Roadmap(start=start, end=end)
                for name, message in milestone_date_errors(m_start, m_end, roadmap=window).items():
                    self.problem([*where, name], message)

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
