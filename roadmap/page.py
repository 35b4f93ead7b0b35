"""The roadmap page's view-model: what its sections show, worked out from the rows.

``sections_html`` gives the page's sections (timeline, checks, phases,
milestones by kind, dependencies, risks, money, community targets) as HTML:
from the cache (``roadmap.page_cache``) when nothing they show has changed,
else read once (``roadmap_overview``), turned into a template context
(``body_context``) and rendered. The views (``roadmap.views``) put the
sections into the page, or for htmx into the ``roadmap-body`` fragment.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.http import HttpRequest
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from common.formatting import money
from organisations.permissions import Perm
from purposes.models import Purpose, PurposeStatus
from roadmap.cached_csrf import CSRF_PLACEHOLDER, with_csrf_token
from roadmap.charts import risk_band
from roadmap.diagnostics import RoadmapWarning
from roadmap.forms import PlacementForm
from roadmap.models import (
    CommunityMetric,
    DecisionArea,
    InvestmentKind,
    Milestone,
    MilestoneKind,
    RiskCategory,
    Roadmap,
)
from roadmap.overview import RoadmapOverview, roadmap_overview
from roadmap.page_cache import cached_svg, digest, fragments, sections_key
from roadmap.readiness import HIGH_IMPACT, INDICES, explained
from roadmap.svg import render_investment_value_svg, render_risk_matrix_svg, render_timeline_svg
from roadmap.timeline import (
    DEFAULT_WIDTH,
    LANE_KINDS,
    LANE_LABELS,
    TimelineRow,
    timeline_rows,
)

TEMPLATE = "roadmap/detail.html"
BODY = f"{TEMPLATE}#roadmap-body"
SECTIONS = f"{TEMPLATE}#roadmap-sections"
TIMELINE_FIGURE = f"{TEMPLATE}#timeline-figure"
# The page lays the timeline out for the width the browser reports (a cookie
# set by static/js/roadmap.js), so text keeps its size on a tablet.
WIDTH_COOKIE = "roadmap_timeline_width"
MIN_WIDTH, MAX_WIDTH, WIDTH_STEP = 640, 1600, 40
WARNINGS_SHOWN = 3


def detail_url(request: HttpRequest, roadmap: Roadmap, anchor: str = "") -> str:
    url = reverse(
        "roadmaps:detail", kwargs={"org_slug": request.org.slug, "roadmap_id": roadmap.pk}
    )
    return f"{url}#{anchor}" if anchor else url


def _url_maker(request: HttpRequest, name: str, roadmap: Roadmap, key: str) -> Callable:
    """``pk -> URL`` for one of the page's per-row URLs, reversed once, not once per row."""
    marker = 987654321
    url = reverse(
        f"roadmaps:{name}",
        kwargs={"org_slug": request.org.slug, "roadmap_id": roadmap.pk, key: marker},
    )
    head, _sep, tail = url.rpartition(str(marker))
    return lambda pk: f"{head}{pk}{tail}"


def timeline_width(request: HttpRequest) -> int:
    try:
        width = int(request.COOKIES.get(WIDTH_COOKIE, DEFAULT_WIDTH))
    except ValueError:
        width = DEFAULT_WIDTH
    width = min(max(width, MIN_WIDTH), MAX_WIDTH)
    return width - width % WIDTH_STEP


@dataclass(frozen=True)
class TimelinePicture:
    """The timeline drawn for one width: the SVG, its table rows, and its x scale."""

    svg: str
    rows: list[TimelineRow]
    plot_left: float
    plot_right: float


def timeline_picture(overview: RoadmapOverview, *, width: int, today: date) -> TimelinePicture:
    """The timeline SVG and its table rows, cached by what they show.

    The key is a digest of the timeline's whole input (and the width, the day
    and the language), so any change to a phase, a purpose's title, a
    milestone or a dependency makes a new entry: a cached picture is never
    stale, and a hit skips both the layout and the template.
    """
    key = f"roadmap:timeline:{digest(overview.timeline, width, today, get_language())}"
    picture = fragments.get(key)
    if picture is None:
        layout = overview.layout(today=today, width=width)
        picture = TimelinePicture(
            svg=render_timeline_svg(layout),
            rows=timeline_rows(overview.timeline, layout),
            plot_left=layout.plot_left,
            plot_right=layout.plot_right,
        )
        fragments.set(key, picture)
    return picture


def choice_labels() -> dict[str, dict[str, str]]:
    """The labels of the kind-specific choices, translated once per page, not per row."""
    return {
        "metric": {value: str(label) for value, label in CommunityMetric.choices},
        "risk_category": {value: str(label) for value, label in RiskCategory.choices},
        "investment_kind": {value: str(label) for value, label in InvestmentKind.choices},
        "decision_area": {value: str(label) for value, label in DecisionArea.choices},
        "decided": {True: _("decided"), False: _("open")},
        "risk": _("%(category)s · likelihood %(l)s × impact %(i)s = %(score)s"),
    }


def milestone_summary(m: Milestone, labels: dict) -> str:
    """One line with a milestone's kind-specific details, for its row."""
    if m.kind == MilestoneKind.COMMUNITY:
        measure = (
            m.metric_label if m.metric == CommunityMetric.CUSTOM else labels["metric"][m.metric]
        )
        return f"{measure}: {money(m.target_value, None)}"
    if m.kind == MilestoneKind.RISK:
        return labels["risk"] % {
            "category": labels["risk_category"][m.risk_category],
            "l": m.likelihood,
            "i": m.impact,
            "score": m.likelihood * m.impact,
        }
    if m.kind == MilestoneKind.INVESTMENT:
        return f"{money(m.amount, m.currency)} · {labels['investment_kind'][m.investment_kind]}"
    if m.kind == MilestoneKind.VALUE:
        return f"{money(m.amount, m.currency)} · {m.value_metric}"
    if m.kind == MilestoneKind.DECISION:
        area = labels["decision_area"][m.decision_area]
        return f"{area} ({labels['decided'][bool(m.decided)]}): {m.decision_text}"
    return ""


def _warning_link(
    request: HttpRequest, warning: RoadmapWarning, urls: dict, *, can_edit: bool
) -> dict:
    """Where to fix a warning: the link's text, its address and whether it opens the editor.

    Someone who may not edit the roadmap is shown the thing itself instead.
    """
    target = warning.target
    slug = request.org.slug
    if target.type == "purpose":
        name = (
            "purposes:edit"
            if request.membership.has_perm(Perm.EDIT_PURPOSES)
            else "purposes:detail"
        )
        return {
            "text": _("Complete the purpose") if name == "purposes:edit" else _("See the purpose"),
            "url": reverse(name, kwargs={"org_slug": slug, "purpose_id": target.id}),
            "dialog": False,
        }
    if not can_edit:
        anchors = {"milestone": f"milestone-{target.id}", "phase": f"phase-{target.id}"}
        return {
            "text": _("Show it"),
            "url": f"#{anchors.get(target.type, 'milestones')}",
            "dialog": False,
        }
    if target.type == "milestone":
        texts = {
            "technology_before_purpose": _("Edit the decision"),
            "risk_unmitigated": _("Add a mitigation"),
            "target_without_owner": _("Give it an owner"),
        }
        return {
            "text": texts.get(warning.code, _("Edit the milestone")),
            "url": urls["milestone_edit"](target.id),
            "dialog": True,
        }
    new_milestone = urls["milestone_create"]
    if target.type == "phase":
        return {
            "text": _("Add a community milestone"),
            "url": f"{new_milestone}?kind={MilestoneKind.COMMUNITY}&phase={target.id}",
            "dialog": True,
        }
    kind = target.id if target.id in MilestoneKind.values else ""
    return {
        "text": _("Add a value milestone") if kind == MilestoneKind.VALUE else _("Add a milestone"),
        "url": f"{new_milestone}?kind={kind}" if kind else new_milestone,
        "dialog": True,
    }


def _indices(overview: RoadmapOverview) -> list[dict]:
    """The readiness indices with what each means and, when undefined, why."""
    ready = overview.readiness
    no_round = _("No scoring round has been revealed yet.")
    if overview.scoring_round is None:
        strength_reason = coverage_reason = no_round
    else:
        round_name = overview.scoring_round.name
        strength_reason = (
            _("No chosen purpose is placed on the roadmap yet.")
            if not overview.purposes
            else _("None of the placed purposes was scored in “%(round)s”.") % {"round": round_name}
        )
        coverage_reason = _("“%(round)s” scored no needs.") % {"round": round_name}
    currency = overview.roadmap.currency
    balance_reason = _("Nothing is invested in %(currency)s yet.") % {"currency": currency}
    if ready.excluded_currencies:
        balance_reason += " " + _("Amounts in %(others)s are left out (no exchange rates).") % {
            "others": ", ".join(ready.excluded_currencies)
        }
    reasons = {
        "purpose_strength": strength_reason,
        "stakeholder_coverage": coverage_reason,
        "risk_coverage": _("No risk is recorded yet."),
        "investment_balance": balance_reason,
        "overall": _("Needs at least two of the indices above."),
    }
    # The four first, then the overall figure they make.
    ordered = sorted(INDICES, key=lambda index: index.weight is None)
    return [
        {
            "key": index.key,
            "label": str(index.label),
            "value": getattr(ready, index.key),
            "help": explained(index, currency=currency),
            "reason": reasons[index.key],
        }
        for index in ordered
    ]


@dataclass
class PageInputs:
    """Everything the roadmap page's sections are made from, read when they are drawn.

    ``sections_html`` passes the width and the day it made the cache key with,
    so the sections drawn are the ones the key names (even across midnight).
    """

    overview: RoadmapOverview
    chosen: list[Purpose]  # the purposes that may be placed
    width: int
    today: date
    focus: str = ""

    @classmethod
    def read(
        cls,
        request: HttpRequest,
        roadmap: Roadmap,
        *,
        focus: str = "",
        width: int | None = None,
        today: date | None = None,
    ) -> "PageInputs":
        return cls(
            overview=roadmap_overview(roadmap),
            chosen=list(
                Purpose.objects.filter(status=PurposeStatus.CHOSEN).order_by("title", "pk")
            ),
            width=timeline_width(request) if width is None else width,
            today=timezone.localdate() if today is None else today,
            focus=focus,
        )


def body_context(
    request: HttpRequest,
    roadmap: Roadmap,
    inputs: PageInputs,
    *,
    placement_forms: dict[int, PlacementForm] | None = None,
) -> dict:
    overview = inputs.overview
    today, width, focus = inputs.today, inputs.width, inputs.focus
    picture = timeline_picture(overview, width=width, today=today)
    rows = picture.rows
    labels = choice_labels()
    by_id = overview.milestones_by_id
    can_edit = request.membership.has_perm(Perm.EDIT_ROADMAP)

    urls = {
        name: _url_maker(request, name, roadmap, "milestone_id")
        for name in ("milestone_edit", "milestone_delete", "milestone_move")
    }
    slug_kwargs = {"org_slug": request.org.slug, "roadmap_id": roadmap.pk}
    urls["milestone_create"] = reverse("roadmaps:milestone_create", kwargs=slug_kwargs)

    # Milestones by kind: the swimlanes, as the table of the timeline's rows.
    lanes = {kind: [] for kind in LANE_KINDS}
    for row in rows:
        milestone = by_id[row.id]
        lanes[row.kind].append(
            {
                "row": row,
                "m": milestone,
                "summary": milestone_summary(milestone, labels),
                "edit_url": urls["milestone_edit"](row.id),
                "delete_url": urls["milestone_delete"](row.id),
                "move_url": urls["milestone_move"](row.id),
            }
        )
    swimlanes = [
        {
            "kind": str(kind),
            "label": LANE_LABELS[kind],
            "rows": lanes[kind],
            "add_url": f"{urls['milestone_create']}?kind={kind}",
        }
        for kind in LANE_KINDS
    ]
    milestone_tables_key = digest(
        get_language(),
        can_edit,
        [(lane["kind"], lane["add_url"]) for lane in swimlanes],
        [
            (
                item["row"],
                item["summary"],
                item["m"].owner.display_name if item["m"].owner else "",
                item["m"].status,
                item["edit_url"],
                item["move_url"],
            )
            for kind in LANE_KINDS
            for item in lanes[kind]
        ],
    )

    # Phases with their purposes in sequence, and what may still be placed.
    chosen = inputs.chosen
    placement_forms = placement_forms or {}
    phase_url = _url_maker(request, "phase_edit", roadmap, "phase_id")
    phase_delete_url = _url_maker(request, "phase_delete", roadmap, "phase_id")
    place_url = _url_maker(request, "placement_add", roadmap, "phase_id")
    move_url = _url_maker(request, "placement_move", roadmap, "placement_id")
    remove_url = _url_maker(request, "placement_remove", roadmap, "placement_id")
    phases = []
    for phase in overview.phases:
        placements = [p for p in overview.placements if p.phase_id == phase.pk]
        placed_ids = {p.purpose_id for p in placements}
        form = placement_forms.get(phase.pk)
        phases.append(
            {
                "phase": phase,
                "placements": [
                    {
                        "placement": p,
                        "first": index == 0,
                        "last": index == len(placements) - 1,
                        "move_url": move_url(p.pk),
                        "remove_url": remove_url(p.pk),
                    }
                    for index, p in enumerate(placements)
                ],
                "available": [p for p in chosen if p.pk not in placed_ids],
                "form": form,
                "edit_url": phase_url(phase.pk),
                "delete_url": phase_delete_url(phase.pk),
                "place_url": place_url(phase.pk),
                "focus_name": f"phase-{phase.pk}",
                "focus_place": f"place-{phase.pk}",
                "milestone_count": sum(
                    1 for m in overview.milestones if phase.start <= m.start <= phase.end
                ),
            }
        )

    conflicts = {(c.predecessor, c.successor): c for c in overview.date_conflicts}
    dependency_url = _url_maker(request, "dependency_delete", roadmap, "dependency_id")
    numbers = {row.id: row.number for row in rows}
    dependencies = [
        {
            "dependency": d,
            "before": by_id[d.predecessor_id],
            "after": by_id[d.successor_id],
            "before_number": numbers.get(d.predecessor_id),
            "after_number": numbers.get(d.successor_id),
            "conflict": conflicts.get((d.predecessor_id, d.successor_id)),
            "delete_url": dependency_url(d.pk),
        }
        for d in overview.dependencies
        if d.predecessor_id in by_id and d.successor_id in by_id
    ]

    risks = sorted(
        (m for m in overview.milestones if m.kind == MilestoneKind.RISK),
        key=lambda m: (-(m.likelihood * m.impact), -m.impact, m.start, m.pk),
    )
    risk_register = [
        {
            "m": m,
            "score": m.likelihood * m.impact,
            "band": risk_band(m.likelihood, m.impact),
            "high": m.impact >= HIGH_IMPACT,
            "category": labels["risk_category"][m.risk_category],
            "edit_url": urls["milestone_edit"](m.pk),
        }
        for m in risks
    ]

    warnings = [
        {"warning": w, "link": _warning_link(request, w, urls, can_edit=can_edit), "key": i}
        for i, w in enumerate(overview.warnings, start=1)
    ]
    # Many warnings of one kind (nine targets without an owner) would bury the
    # others: the first few show, the rest fold away.
    groups: dict[str, list[dict]] = {}
    for item in warnings:
        groups.setdefault(item["warning"].code, []).append(item)
    warning_groups = [
        {"shown": items[:WARNINGS_SHOWN], "more": items[WARNINGS_SHOWN:]}
        for items in groups.values()
    ]
    return {
        "roadmap": roadmap,
        "overview": overview,
        "can_edit": can_edit,
        "timeline_svg": picture.svg,
        "plot_left": picture.plot_left,
        "plot_right": picture.plot_right,
        "timeline_width": width,
        "move_url_pattern": urls["milestone_move"](0),
        "swimlanes": swimlanes,
        "milestone_tables_key": milestone_tables_key,
        "milestone_count": len(overview.milestones),
        "phases": phases,
        "chosen_count": len(chosen),
        "dependencies": dependencies,
        "conflict_count": len(overview.date_conflicts),
        "warnings": warnings,
        "warning_groups": warning_groups,
        "indices": _indices(overview),
        "risk_register": risk_register,
        "risk_matrix_svg": cached_svg(
            "risk-matrix",
            lambda: render_risk_matrix_svg(overview.risk_matrix),
            overview.risk_matrix,
        ),
        "investment_value_svg": cached_svg(
            "investment-value",
            lambda: render_investment_value_svg(overview.investment_value),
            overview.investment_value,
        ),
        "investment_value": overview.investment_value,
        "community_targets": overview.community_targets,
        "new_milestone_url": urls["milestone_create"],
        "new_phase_url": reverse("roadmaps:phase_create", kwargs=slug_kwargs),
        "new_dependency_url": reverse("roadmaps:dependency_create", kwargs=slug_kwargs),
        "detail_url": detail_url(request, roadmap),
        "focus": focus,
        # Said in every row: translated once, not once per milestone.
        "late_flag": _("Dated before what it depends on"),
        "move_label": _("Move"),
        "edit_label": _("Edit"),
        "week_short": _("wk"),
        "month_short": _("mo"),
        "week_earlier": _("one week earlier"),
        "week_later": _("one week later"),
        "month_earlier": _("one month earlier"),
        "month_later": _("one month later"),
    }


def sections_html(
    request: HttpRequest,
    roadmap: Roadmap,
    *,
    focus: str = "",
    placement_forms: dict[int, PlacementForm] | None = None,
) -> SafeString:
    """The page's sections (timeline, checks, phases, milestones…), cached whole.

    The key is found from the roadmap and the organisation alone (both loaded
    already): on a hit nothing else is read. With bound forms to show (a
    refused placement) nothing is cached.
    """
    width, today = timeline_width(request), timezone.localdate()
    key = (
        None
        if placement_forms
        else sections_key(request, roadmap, width=width, today=today, focus=focus)
    )
    html = fragments.get(key) if key else None
    if html is None:
        inputs = PageInputs.read(request, roadmap, focus=focus, width=width, today=today)
        context = body_context(request, roadmap, inputs, placement_forms=placement_forms)
        context.update(current_org=request.org, csrf_token=CSRF_PLACEHOLDER)
        html = get_template(SECTIONS).render(context)
        if key:
            fragments.set(key, html)
    return with_csrf_token(request, html)
