"""Everything known about one roadmap, read in a fixed number of queries.

The roadmap page, its exports and the board brief all start here, so they
show the same timeline, warnings and indices. The rows are fetched once; the
pure modules (``timeline``, ``charts``, ``diagnostics``, ``readiness``,
``dependencies``) turn them into pictures and numbers without touching the
database. Call it inside the organisation's scope.
"""

from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch
from django.utils import timezone

from communities.models import Community
from organisations.models import User
from purposes.models import Purpose, RoundStatus, ScoringRound
from purposes.scoring.formulas import PurposeResult
from purposes.scoring.presentation import round_list_completion, with_sizes
from purposes.scoring.results import RoundData, round_data
from roadmap import charts, diagnostics
from roadmap import dependencies as deps
from roadmap import readiness as indices
from roadmap.models import Milestone, MilestoneDependency, Phase, PhasePurpose, Roadmap
from roadmap.timeline import (
    TimelineInput,
    TimelineLayout,
    layout_timeline,
    timeline_input_from_models,
)


@dataclass
class RoadmapOverview:
    roadmap: Roadmap
    phases: list[Phase]
    placements: list[PhasePurpose]  # phase and purpose selected
    milestones: list[Milestone]  # owner, purpose and community selected
    dependencies: list[MilestoneDependency]
    # The purposes placed in the roadmap, in the order they first appear.
    purposes: list[Purpose]
    scoring_round: ScoringRound | None
    round: RoundData | None
    # Results of the round that feeds the roadmap (``feeding_round``), ranked.
    results: list[PurposeResult] = field(default_factory=list)
    timeline: TimelineInput | None = None
    warnings: list[diagnostics.RoadmapWarning] = field(default_factory=list)
    date_conflicts: list[deps.DateConflict] = field(default_factory=list)
    readiness: indices.Readiness | None = None
    round_chosen: bool = False  # the facilitator chose the round (else: automatic)
    risk_matrix: charts.RiskMatrix | None = None
    investment_value: charts.InvestmentValueChart | None = None
    community_targets: list[charts.TargetSeries] = field(default_factory=list)

    def layout(self, *, today: date | None = None, width: int | None = None) -> TimelineLayout:
        """The timeline laid out for a given width (the page and the PDF differ)."""
        options = {"today": today or timezone.localdate()}
        if width is not None:
            options["width"] = width
        return layout_timeline(self.timeline, **options)

    def result_for(self, purpose_id: Hashable) -> PurposeResult | None:
        return next((r for r in self.results if r.purpose == purpose_id), None)

    @property
    def milestones_by_id(self) -> dict[Hashable, Milestone]:
        return {m.pk: m for m in self.milestones}


def _placed_purposes(placements: list[PhasePurpose]) -> list[Purpose]:
    seen: dict[Hashable, Purpose] = {}
    for placement in placements:
        seen.setdefault(placement.purpose_id, placement.purpose)
    return list(seen.values())


def _attach_related(milestones: list[Milestone]) -> None:
    """Set each milestone's owner, purpose and community from one query each.

    A join would build those rows again for every milestone (200 milestones
    share a handful of owners); this builds each once, at about half the cost.
    """
    for name, model in (("owner", User), ("purpose", Purpose), ("community", Community)):
        ids = {getattr(m, f"{name}_id") for m in milestones} - {None}
        rows = {row.pk: row for row in model.objects.filter(pk__in=ids)} if ids else {}
        for milestone in milestones:
            related = rows.get(getattr(milestone, f"{name}_id"))
            milestone._state.fields_cache[name] = related


def feeding_round(roadmap: Roadmap) -> tuple[ScoringRound | None, bool]:
    """The round whose scores feed the roadmap, and whether the facilitator chose it.

    Chosen on the roadmap's form; otherwise the latest revealed round that every
    scorer finished, or failing that the latest revealed one (docs/readiness.md).
    Two queries at most, whatever the number of rounds.
    """
    if roadmap.scoring_round_id is not None:
        chosen = ScoringRound.objects.filter(pk=roadmap.scoring_round_id).first()
        if chosen is not None and chosen.status != RoundStatus.OPEN:
            return chosen, True
    rounds = list(
        with_sizes(ScoringRound.objects.exclude(status=RoundStatus.OPEN)).order_by(
            "-revealed_at", "-opened_at", "-pk"
        )
    )
    if not rounds:
        return None, False
    round_list_completion(rounds)
    complete = next((r for r in rounds if r.completion.complete), None)
    return complete or rounds[0], False


def roadmap_overview(roadmap: Roadmap) -> RoadmapOverview:
    """Read a roadmap and compute its timeline input, warnings, indices and charts.

    About ten queries, whatever the number of phases, purposes or milestones.
    """
    phases = list(Phase.objects.filter(roadmap=roadmap).order_by("start", "pk"))
    placements = list(
        PhasePurpose.objects.filter(phase__roadmap=roadmap)
        .select_related("phase", "purpose")
        .prefetch_related(Prefetch("purpose__communities"))
        .order_by("phase__start", "position", "pk")
    )
    milestones = list(Milestone.objects.filter(roadmap=roadmap).order_by("start", "pk"))
    _attach_related(milestones)
    edges = list(MilestoneDependency.objects.filter(successor__roadmap=roadmap).order_by("pk"))
    purposes = _placed_purposes(placements)

    scoring_round, round_chosen = feeding_round(roadmap)
    data = round_data(scoring_round) if scoring_round is not None else None
    results = data.results() if data is not None else []
    placed_ids = {p.pk for p in purposes}
    placed_results = [r for r in results if r.purpose in placed_ids]

    investments, values = indices.money_from_models(milestones)
    ready = indices.readiness(
        indices.ReadinessInput(
            purpose_scores=[r.overall for r in placed_results if r.overall is not None],
            needs=([indices.NeedWeight(n.pk, n.weight) for n in data.needs] if data else []),
            fit={
                r.purpose: {k: v for k, v in r.need_means.items() if v is not None}
                for r in placed_results
            },
            risks=indices.risks_from_models(milestones),
            investments=investments,
            values=values,
            currency=roadmap.currency,
        )
    )
    dated_investments, dated_values = charts.dated_money_from_models(milestones)
    conflicts = deps.date_conflicts(
        deps.dated_milestones_from_models(milestones), deps.edges_from_models(edges)
    )
    return RoadmapOverview(
        roadmap=roadmap,
        phases=phases,
        placements=placements,
        milestones=milestones,
        dependencies=edges,
        purposes=purposes,
        scoring_round=scoring_round,
        round_chosen=round_chosen,
        round=data,
        results=results,
        timeline=timeline_input_from_models(roadmap, phases, placements, milestones, edges),
        warnings=diagnostics.roadmap_warnings(
            diagnostics.facts_from_models(purposes, placements, phases, milestones),
            conflicts,
            {m.pk: m.title for m in milestones},
        ),
        date_conflicts=conflicts,
        readiness=ready,
        risk_matrix=charts.risk_matrix(charts.risk_points_from_models(milestones)),
        investment_value=charts.investment_value_by_phase(
            [charts.PhaseSpan(p.pk, p.name, p.start, p.end) for p in phases],
            dated_investments,
            dated_values,
            roadmap.currency,
        ),
        community_targets=charts.community_targets(
            charts.community_targets_from_models(milestones)
        ),
    )
