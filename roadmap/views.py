"""Roadmaps: the list, the roadmap page and everything edited on it.

The roadmap page reads the roadmap once (``roadmap_overview``) and shows the
timeline, the checks, the phases with their purposes, the milestones by kind,
the dependencies, the risks, the money and the community targets. Every change
made on the page answers htmx with the page's ``roadmap-body`` fragment, so the
warnings and the indices move with the change, and everyone else with a
redirect back to the page. The editors (phase, milestone, dependency) open in
a dialog for htmx and as pages of their own without JavaScript.
"""

import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.formatting import money
from organisations.permissions import Perm
from organisations.tenancy import org_view
from purposes.models import Purpose, PurposeStatus
from roadmap import services
from roadmap.charts import risk_band
from roadmap.diagnostics import RoadmapWarning
from roadmap.forms import (
    DependencyForm,
    DirectionForm,
    MilestoneForm,
    MilestoneShiftForm,
    PhaseForm,
    PlacementForm,
    RoadmapForm,
    next_phase_dates,
)
from roadmap.models import (
    CommunityMetric,
    DecisionArea,
    InvestmentKind,
    Milestone,
    MilestoneDependency,
    MilestoneKind,
    Phase,
    PhasePurpose,
    RiskCategory,
    Roadmap,
    RoadmapStatus,
    add_years,
)
from roadmap.overview import RoadmapOverview, roadmap_overview
from roadmap.readiness import ADDRESSED_AT, HIGH_IMPACT
from roadmap.svg import render_investment_value_svg, render_risk_matrix_svg, render_timeline_svg
from roadmap.timeline import (
    DEFAULT_WIDTH,
    LANE_KINDS,
    LANE_LABELS,
    TimelineRow,
    short_date,
    timeline_rows,
)

TEMPLATE = "roadmap/detail.html"
BODY = f"{TEMPLATE}#roadmap-body"
SECTIONS = f"{TEMPLATE}#roadmap-sections"
DIALOG_BODY = "roadmap-dialog-body"
# The page lays the timeline out for the width the browser reports (a cookie
# set by static/js/roadmap.js), so text keeps its size on a tablet.
WIDTH_COOKIE = "roadmap_timeline_width"
MIN_WIDTH, MAX_WIDTH, WIDTH_STEP = 640, 1600, 40
WARNINGS_SHOWN = 3
# Short: every change makes new entries, and the old ones should not linger.
CACHE_SECONDS = 10 * 60


# ---------------------------------------------------------------- helpers


def _get_roadmap(roadmap_id: int) -> Roadmap:
    # Inside org_view's scope: another organisation's roadmap is a 404.
    return get_object_or_404(Roadmap.objects.select_related("owner"), pk=roadmap_id)


def _detail_url(request: HttpRequest, roadmap: Roadmap, anchor: str = "") -> str:
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


class FragmentCache:
    """Rendered fragments by content digest: this process's memory first, then the cache.

    The keys are digests of everything a fragment is made from, so an entry
    is never stale and any process may keep a copy: the few most recent stay
    here (no round trip, nothing to unpickle), all of them in the shared
    cache for a while.
    """

    def __init__(self, size: int = 24) -> None:
        self.size = size
        self.local: OrderedDict[str, object] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str):
        with self.lock:
            if key in self.local:
                self.local.move_to_end(key)
                return self.local[key]
        value = cache.get(key)
        if value is not None:
            self._keep(key, value)
        return value

    def set(self, key: str, value) -> None:
        cache.set(key, value, CACHE_SECONDS)
        self._keep(key, value)

    def clear(self) -> None:
        """Forget this process's copies (the shared cache is cleared on its own)."""
        with self.lock:
            self.local.clear()

    def _keep(self, key: str, value) -> None:
        with self.lock:
            self.local[key] = value
            self.local.move_to_end(key)
            while len(self.local) > self.size:
                self.local.popitem(last=False)


fragments = FragmentCache()


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
    key = f"roadmap:timeline:{_digest(overview.timeline, width, today, get_language())}"
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


def _cached_svg(name: str, render: Callable[[], str], *inputs) -> str:
    """A chart's SVG, cached by a digest of the data it is drawn from."""
    key = f"roadmap:{name}:{_digest(*inputs, get_language())}"
    svg = fragments.get(key)
    if svg is None:
        svg = render()
        fragments.set(key, svg)
    return svg


@functools.cache
def code_version() -> str:
    """A digest of the code and templates that draw the page, for the cache keys.

    A deploy that changes how the page looks must not serve fragments drawn by
    the old code from a shared cache.
    """
    root = Path(settings.BASE_DIR)
    sources = sorted(
        [
            *(root / "roadmap").glob("*.py"),
            *(root / "templates" / "roadmap").rglob("*"),
            *(root / "locale").rglob("*.mo"),
        ]
    )
    digest = hashlib.sha256()
    for source in sources:
        if source.is_file():
            digest.update(source.name.encode())
            digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def _digest(*values) -> str:
    """A key for a cached fragment: changes whenever anything it is made from does.

    Built from the ``repr`` of plain data (dataclasses, strings, numbers,
    dates), so two different inputs never share a fragment.
    """
    return hashlib.sha256(repr((code_version(), values)).encode()).hexdigest()


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
    return [
        {
            "key": "purpose_strength",
            "label": _("Purpose strength"),
            "value": ready.purpose_strength,
            "help": _("Mean overall score of the placed purposes in the latest revealed round."),
            "reason": strength_reason,
        },
        {
            "key": "stakeholder_coverage",
            "label": _("Stakeholder coverage"),
            "value": ready.stakeholder_coverage,
            "help": _(
                "Share of the needs’ weight that a placed purpose fits %(at)s of 5 or better."
            )
            % {"at": f"{ADDRESSED_AT:g}"},
            "reason": coverage_reason,
        },
        {
            "key": "risk_coverage",
            "label": _("Risk coverage"),
            "value": ready.risk_coverage,
            "help": _("Share of high risks (impact %(high)s or more) with a mitigation.")
            % {"high": HIGH_IMPACT},
            "reason": _("No risk is recorded yet."),
        },
        {
            "key": "investment_balance",
            "label": _("Investment balance"),
            "value": ready.investment_balance,
            "help": _("Expected value against investment in %(currency)s, at most 100.")
            % {"currency": currency},
            "reason": balance_reason,
        },
        {
            "key": "overall",
            "label": _("Overall readiness"),
            "value": ready.overall,
            "help": _("Weighted mean of the indices above (30, 30, 20, 20)."),
            "reason": _("Needs at least two of the indices above."),
        },
    ]


@dataclass
class PageInputs:
    """Everything the roadmap page's sections are made from, read once per request."""

    overview: RoadmapOverview
    chosen: list[Purpose]  # the purposes that may be placed
    width: int
    today: date
    focus: str = ""

    @classmethod
    def read(cls, request: HttpRequest, roadmap: Roadmap, *, focus: str = "") -> "PageInputs":
        return cls(
            overview=roadmap_overview(roadmap),
            chosen=list(
                Purpose.objects.filter(status=PurposeStatus.CHOSEN).order_by("title", "pk")
            ),
            width=timeline_width(request),
            today=timezone.localdate(),
            focus=focus,
        )


def _fields(obj) -> tuple | None:
    """A row's own column values (no relations followed), for a cache key.

    Read from the instance's ``__dict__``: the loaded columns, without Django's
    private state (``_state`` would put a memory address in the key).
    """
    if obj is None:
        return None
    return (type(obj).__name__, *(v for k, v in obj.__dict__.items() if k[0] != "_"))


def _sections_key(request: HttpRequest, inputs: PageInputs) -> str:
    """A digest of everything the page's sections show, and of nothing else.

    The rows the overview read (with the owners' names and the placed
    purposes), what was computed from them and the round, the purposes that
    may be placed, who is looking (what they may do) and how (width, day,
    language, focus). Any change to any of it is a new key, so a cached page
    is never stale; the CSRF token is put in after the cache.
    """
    overview = inputs.overview
    membership = request.membership
    return _digest(
        request.org.slug,
        membership.has_perm(Perm.EDIT_ROADMAP),
        membership.has_perm(Perm.EDIT_PURPOSES),
        inputs.width,
        inputs.today,
        inputs.focus,
        get_language(),
        _fields(overview.roadmap),
        [_fields(p) for p in overview.phases],
        [(_fields(p), _fields(p.purpose)) for p in overview.placements],
        [(_fields(m), m.owner.display_name if m.owner_id else None) for m in overview.milestones],
        [_fields(d) for d in overview.dependencies],
        [_fields(p) for p in inputs.chosen],
        _fields(overview.scoring_round),
        overview.readiness,
        overview.warnings,
        overview.date_conflicts,
        overview.risk_matrix,
        overview.investment_value,
        overview.community_targets,
        overview.timeline,
    )


def _body_context(
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
    milestone_tables_key = _digest(
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
        "risk_matrix_svg": _cached_svg(
            "risk-matrix",
            lambda: render_risk_matrix_svg(overview.risk_matrix),
            overview.risk_matrix,
        ),
        "investment_value_svg": _cached_svg(
            "investment-value",
            lambda: render_investment_value_svg(overview.investment_value),
            overview.investment_value,
        ),
        "investment_value": overview.investment_value,
        "community_targets": overview.community_targets,
        "new_milestone_url": urls["milestone_create"],
        "new_phase_url": reverse("roadmaps:phase_create", kwargs=slug_kwargs),
        "new_dependency_url": reverse("roadmaps:dependency_create", kwargs=slug_kwargs),
        "detail_url": _detail_url(request, roadmap),
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


# Rendered into the cached sections instead of a token; each response gets its own.
CSRF_PLACEHOLDER = "csrf-token-placeholder-5c1f0e"


def _sections_html(
    request: HttpRequest,
    roadmap: Roadmap,
    inputs: PageInputs,
    *,
    placement_forms: dict[int, PlacementForm] | None = None,
) -> str:
    """The page's sections (timeline, checks, phases, milestones…), cached whole.

    With bound forms to show (a refused placement) nothing is cached.
    """
    key = None if placement_forms else f"roadmap:sections:{_sections_key(request, inputs)}"
    html = fragments.get(key) if key else None
    if html is None:
        context = _body_context(request, roadmap, inputs, placement_forms=placement_forms)
        context.update(current_org=request.org, csrf_token=CSRF_PLACEHOLDER)
        html = get_template(SECTIONS).render(context)
        if key:
            fragments.set(key, html)
    # Our own template's output, escaped when it was rendered.
    return mark_safe(html.replace(CSRF_PLACEHOLDER, get_token(request)))  # noqa: S308


def _render_body(
    request: HttpRequest,
    roadmap: Roadmap,
    *,
    status: int = 200,
    focus: str = "",
    placement_forms: dict[int, PlacementForm] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """The page, or for htmx just its body (with the messages, out of band)."""
    inputs = PageInputs.read(request, roadmap, focus=focus)
    sections = _sections_html(request, roadmap, inputs, placement_forms=placement_forms)
    template = BODY if request.htmx else TEMPLATE
    response = render(request, template, {"roadmap": roadmap, "sections": sections}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _add_service_error(form, error: ValidationError) -> None:
    """Show a service's refusal on the form: on its field when the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for item in errors:
                form.add_error(target, item)
    else:
        form.add_error(None, error)


def _done(request: HttpRequest, roadmap: Roadmap, *, anchor: str = "", focus: str = ""):
    """After a change: htmx gets the fresh body (and closes any dialog), others a redirect."""
    if request.htmx:
        return _render_body(
            request,
            roadmap,
            focus=focus,
            headers={
                "HX-Retarget": "#roadmap-body",
                "HX-Reswap": "outerHTML",
                "HX-Trigger": "roadmap-saved",
            },
        )
    return redirect(_detail_url(request, roadmap, anchor))


def _editor(
    request: HttpRequest,
    template: str,
    context: dict,
    *,
    status: int = 200,
) -> HttpResponse:
    """An editor: its form for the dialog (htmx), or a page of its own."""
    if request.htmx:
        response = render(request, f"{template}#editor", context, status=status)
        response["HX-Retarget"] = f"#{DIALOG_BODY}"
        response["HX-Reswap"] = "innerHTML"
        return response
    return render(request, template, context, status=status)


# ---------------------------------------------------------------- roadmaps


@require_GET
@org_view(Perm.VIEW)
def roadmap_list(request: HttpRequest) -> HttpResponse:
    roadmaps = list(Roadmap.objects.select_related("owner").order_by("-start", "title", "pk"))
    return render(request, "roadmap/list.html", {"roadmaps": roadmaps})


@require_http_methods(["GET", "POST"])
@org_view(Perm.EDIT_ROADMAP)
def roadmap_create(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        today = timezone.localdate()
        start = today.replace(day=1)
        form = RoadmapForm(
            organisation=request.org,
            initial={
                "start": start,
                "end": add_years(start, 3) - timedelta(days=1),
                "status": RoadmapStatus.DRAFT,
                "owner": request.user.pk,
                "currency": "EUR",
            },
        )
        return render(request, "roadmap/form.html", {"form": form, "roadmap": None})
    form = RoadmapForm(request.POST, organisation=request.org)
    if form.is_valid():
        try:
            roadmap = services.roadmap_create(organisation=request.org, **form.cleaned_data)
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Roadmap “%(title)s” created. Add its phases next.") % {"title": roadmap.title},
            )
            return redirect(_detail_url(request, roadmap, "phases"))
    return render(request, "roadmap/form.html", {"form": form, "roadmap": None}, status=422)


@require_GET
@org_view(Perm.VIEW)
def roadmap_detail(request: HttpRequest, roadmap_id: int) -> HttpResponse:
    roadmap = _get_roadmap(roadmap_id)
    if request.htmx and request.htmx.target == "timeline-figure":
        # The browser asks for the timeline at its own width (roadmap.js).
        context = _body_context(request, roadmap, PageInputs.read(request, roadmap))
        return render(request, f"{TEMPLATE}#timeline-figure", context)
    return _render_body(request, roadmap)


@require_http_methods(["GET", "POST"])
@org_view(Perm.EDIT_ROADMAP)
def roadmap_edit(request: HttpRequest, roadmap_id: int) -> HttpResponse:
    roadmap = _get_roadmap(roadmap_id)
    context = {"roadmap": roadmap}
    if request.method == "GET":
        form = RoadmapForm(organisation=request.org, initial=RoadmapForm.initial_for(roadmap))
        return render(request, "roadmap/form.html", {**context, "form": form})
    form = RoadmapForm(request.POST, organisation=request.org)
    if form.is_valid():
        try:
            services.roadmap_update(organisation=request.org, roadmap=roadmap, **form.cleaned_data)
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Saved “%(title)s”.") % {"title": roadmap.title})
            return redirect(_detail_url(request, roadmap))
    return render(request, "roadmap/form.html", {**context, "form": form}, status=422)


@require_http_methods(["GET", "POST"])
@org_view(Perm.EDIT_ROADMAP)
def roadmap_delete(request: HttpRequest, roadmap_id: int) -> HttpResponse:
    roadmap = _get_roadmap(roadmap_id)
    if request.method == "GET" or request.POST.get("confirmed") != "yes":
        counts = {
            "phases": Phase.objects.filter(roadmap=roadmap).count(),
            "milestones": Milestone.objects.filter(roadmap=roadmap).count(),
        }
        return render(
            request, "roadmap/confirm_delete.html", {"roadmap": roadmap, "counts": counts}
        )
    services.roadmap_delete(organisation=request.org, roadmap=roadmap)
    messages.success(request, _("Deleted the roadmap “%(title)s”.") % {"title": roadmap.title})
    return redirect("roadmaps:list", org_slug=request.org.slug)


# ---------------------------------------------------------------- phases


def _phase_context(request: HttpRequest, roadmap: Roadmap, form: PhaseForm, phase=None) -> dict:
    kwargs = {"org_slug": request.org.slug, "roadmap_id": roadmap.pk}
    action = (
        reverse("roadmaps:phase_edit", kwargs={**kwargs, "phase_id": phase.pk})
        if phase
        else reverse("roadmaps:phase_create", kwargs=kwargs)
    )
    return {
        "roadmap": roadmap,
        "phase": phase,
        "form": form,
        "action": action,
        "detail_url": _detail_url(request, roadmap, f"phase-{phase.pk}" if phase else "phases"),
    }


@require_http_methods(["GET", "POST"])
@org_view(Perm.EDIT_ROADMAP)
def phase_create(request: HttpRequest, roadmap_id: int) -> HttpResponse:
    roadmap = _get_roadmap(roadmap_id)
    siblings = list(Phase.objects.filter(roadmap=roadmap))
    if request.method == "GET":
        start, end = next_phase_dates(roadmap, siblings)
        form = PhaseForm(roadmap=roadmap, siblings=siblings, initial={"start": start, "end": end})
        return _editor(request, "roadmap/phase_form.html", _phase_context(request, roadmap, form))
    form = PhaseForm(request.POST, roadmap=roadmap, siblings=siblings)
    if form.is_valid():
        try:
            phase = services.phase_create(
                organisation=request.org, roadmap=roadmap, **form.cleaned_data
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Added the phase “%(name)s”.") % {"name": phase.name})
            return _done(request, roadmap, anchor=f"phase-{phase.pk}", focus=f"phase-{phase.pk}")
    return _editor(
        request, "roadmap/phase_form.html", _phase_context(request, roadmap, form), status=422
    )


@require_http_methods(["GET", "POST"])
@org_view(Perm.EDIT_ROADMAP)
def phase_edit(request: HttpRequest, roadmap_id: int, phase_id: int) -> HttpResponse:
    roadmap = _get_roadmap(roadmap_id)
    phase = get_object_or_404(Phase, pk=phase_id, roadmap=roadmap)
    siblings = list(Phase.objects.filter(roadmap=roadmap))
    if request.method == "GET":
        form = PhaseForm(
            roadmap=roadmap,
            siblings=siblings,
            phase=phase,
            initial={"name": phase.name, "start": phase.start, "end": phase.end},
        )
        return _editor(
            request, "roadmap/phase_form.html", _phase_context(request, roadmap, form, phase)
        )
    form = PhaseForm(request.POST, roadmap=roadmap, siblings=siblings, phase=phase)
    if form.is_valid():
        try:
            services.phase_update(organisation=request.org, phase=phase, **form.cleaned_data)
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Saved the phase “%(name)s”.") % {"name": phase.name})
            return _done(request, roadmap, anchor=f"phase-{phase.pk}", focus=f"phase-{phase.pk}")
    return _editor(
        request,
        "roadmap/phase_form.html",
        _phase_context(request, roadmap, form, phase),
        status=422,
    )


@require_http_methods(["GET", "POST"])
@org_view(Perm.EDIT_ROADMAP)
def phase_delete(request: HttpRequest, roadmap_id: int, phase_id: int) -> HttpResponse:
    roadmap = _get_roadmap(roadmap_id)
    phase = get_object_or_404(Phase, pk=phase_id, roadmap=roadmap)
    if request.method == "GET" or request.POST.get("confirmed") != "yes":
        return render(
            request,
            "roadmap/confirm_delete.html",
            {
                "roadmap": roadmap,
                "phase": phase,
                "placement_count": PhasePurpose.objects.filter(phase=phase).count(),
            },
        )
    services.phase_delete(organisation=request.org, phase=phase)
    messages.success(
        request,
        _("Deleted the phase “%(name)s”; its milestones stay on the roadmap.")
        % {"name": phase.name},
    )
    return _done(request, roadmap, anchor="phases", focus="phases-heading")


# ---------------------------------------------------------------- placements


@require_POST
@org_view(Perm.EDIT_ROADMAP)
def placement_add(request: HttpRequest, roadmap_id: int, phase_id: int) -> HttpResponse:
    roadmap = _get_roadmap(roadmap_id)
    phase = get_object_or_404(Phase.objects.select_related("roadmap"), pk=phase_id, roadmap=roadmap)
    form = PlacementForm(request.POST, organisation=request.org, phase=phase)
    if form.is_valid():
        purpose = form.cleaned_data["purpose"]
        try:
            services.placement_add(organisation=request.org, phase=phase, purpose=purpose)
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Placed “%(purpose)s” in “%(phase)s”.")
                % {"purpose": purpose.title, "phase": phase.name},
            )
            return _done(request, roadmap, anchor=f"phase-{phase.pk}", focus=f"place-{phase.pk}")
    return _render_body(
        request,
        roadmap,
        status=422,
        placement_forms={phase.pk: form},
        focus=f"place-{phase.pk}",
    )


def _get_placement(roadmap: Roadmap, placement_id: int) -> PhasePurpose:
    return get_object_or_404(
        PhasePurpose.objects.select_related("phase__roadmap", "purpose"),
        pk=placement_id,
        phase__roadmap=roadmap,
    )


@require_POST
@org_view(Perm.EDIT_ROADMAP)
def placement_move(request: HttpRequest, roadmap_id: int, placement_id: int) -> HttpResponse:
    roadmap = _get_roadmap(roadmap_id)
    placement = _get_placement(roadmap, placement_id)
    form = DirectionForm(request.POST)
    if form.is_valid():
        direction = form.cleaned_data["direction"]
        if services.placement_move(
            organisation=request.org, placement=placement, direction=direction
        ):
            message = (
                _("Moved “%(purpose)s” earlier in “%(phase)s”.")
                if direction == "up"
                else _("Moved “%(purpose)s” later in “%(phase)s”.")
            )
            messages.info(
                request,
                message % {"purpose": placement.purpose.title, "phase": placement.phase.name},
            )
    return _done(request, roadmap, anchor=f"phase-{placement.phase_id}")


@require_http_methods(["GET", "POST"])
@org_view(Perm.EDIT_ROADMAP)
def placement_remove(request: HttpRequest, roadmap_id: int, placement_id: int) -> HttpResponse:
    roadmap = _get_roadmap(roadmap_id)
    placement = _get_placement(roadmap, placement_id)
    if request.method == "GET" or request.POST.get("confirmed") != "yes":
        return render(
            request, "roadmap/confirm_delete.html", {"roadmap": roadmap, "placement": placement}
        )
    services.placement_remove(organisation=request.org, placement=placement)
    messages.success(
        request,
        _("Took “%(purpose)s” out of “%(phase)s”.")
        % {"purpose": placement.purpose.title, "phase": placement.phase.name},
    )
    return _done(
        request, roadmap, anchor=f"phase-{placement.phase_id}", focus=f"place-{placement.phase_id}"
    )


# ---------------------------------------------------------------- milestones


def _milestone_context(
    request: HttpRequest, roadmap: Roadmap, form: MilestoneForm, milestone=None
) -> dict:
    kwargs = {"org_slug": request.org.slug, "roadmap_id": roadmap.pk}
    action = (
        reverse("roadmaps:milestone_edit", kwargs={**kwargs, "milestone_id": milestone.pk})
        if milestone
        else reverse("roadmaps:milestone_create", kwargs=kwargs)
    )
    return {
        "roadmap": roadmap,
        "milestone": milestone,
        "form": form,
        "action": action,
        "chosen_kind": form["kind"].value() or "",
        "detail_url": _detail_url(
            request, roadmap, f"milestone-{milestone.pk}" if milestone else "milestones"
        ),
    }


def _new_milestone_initial(request: HttpRequest, roadmap: Roadmap) -> dict:
    """What the "add" links preselect: ``?kind=`` and ``?phase=`` (its start date)."""
    initial: dict = {"start": min(max(timezone.localdate(), roadmap.start), roadmap.end)}
    kind = request.GET.get("kind", "")
    if kind in MilestoneKind.values:
        initial["kind"] = kind
    phase_id = request.GET.get("phase", "")
    if phase_id.isdigit():
        phase = Phase.objects.filter(roadmap=roadmap, pk=int(phase_id)).first()
        if phase is not None:
            initial["start"] = phase.start
    return initial


@require_http_methods(["GET", "POST"])
@org_view(Perm.EDIT_ROADMAP)
def milestone_create(request: HttpRequest, roadmap_id: int) -> HttpResponse:
    roadmap = _get_roadmap(roadmap_id)
    if request.method == "GET":
        form = MilestoneForm(
            organisation=request.org,
            roadmap=roadmap,
            initial=_new_milestone_initial(request, roadmap),
        )
        return _editor(
            request, "roadmap/milestone_form.html", _milestone_context(request, roadmap, form)
        )
    form = MilestoneForm(request.POST, organisation=request.org, roadmap=roadmap)
    if form.is_valid():
        try:
            milestone = services.milestone_create(
                organisation=request.org, roadmap=roadmap, **form.service_kwargs()
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(
                request, _("Added the milestone “%(title)s”.") % {"title": milestone.title}
            )
            return _done(request, roadmap, anchor=f"milestone-{milestone.pk}")
    return _editor(
        request,
        "roadmap/milestone_form.html",
        _milestone_context(request, roadmap, form),
        status=422,
    )


def _get_milestone(roadmap: Roadmap, milestone_id: int) -> Milestone:
    return get_object_or_404(
        Milestone.objects.select_related("roadmap"), pk=milestone_id, roadmap=roadmap
    )


@require_http_methods(["GET", "POST"])
@org_view(Perm.EDIT_ROADMAP)
def milestone_edit(request: HttpRequest, roadmap_id: int, milestone_id: int) -> HttpResponse:
    roadmap = _get_roadmap(roadmap_id)
    milestone = _get_milestone(roadmap, milestone_id)
    if request.method == "GET":
        form = MilestoneForm(
            organisation=request.org,
            roadmap=roadmap,
            milestone=milestone,
            initial=MilestoneForm.initial_for(milestone),
        )
        return _editor(
            request,
            "roadmap/milestone_form.html",
            _milestone_context(request, roadmap, form, milestone),
        )
    form = MilestoneForm(
        request.POST, organisation=request.org, roadmap=roadmap, milestone=milestone
    )
    if form.is_valid():
        try:
            services.milestone_update(
                organisation=request.org, milestone=milestone, **form.service_kwargs()
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Saved “%(title)s”.") % {"title": milestone.title})
            return _done(request, roadmap, anchor=f"milestone-{milestone.pk}")
    return _editor(
        request,
        "roadmap/milestone_form.html",
        _milestone_context(request, roadmap, form, milestone),
        status=422,
    )


@require_http_methods(["GET", "POST"])
@org_view(Perm.EDIT_ROADMAP)
def milestone_delete(request: HttpRequest, roadmap_id: int, milestone_id: int) -> HttpResponse:
    roadmap = _get_roadmap(roadmap_id)
    milestone = _get_milestone(roadmap, milestone_id)
    if request.method == "GET" or request.POST.get("confirmed") != "yes":
        return render(
            request, "roadmap/confirm_delete.html", {"roadmap": roadmap, "milestone": milestone}
        )
    services.milestone_delete(organisation=request.org, milestone=milestone)
    messages.success(request, _("Deleted the milestone “%(title)s”.") % {"title": milestone.title})
    return _done(request, roadmap, anchor="milestones", focus="milestones-heading")


@require_POST
@org_view(Perm.EDIT_ROADMAP)
def milestone_move(request: HttpRequest, roadmap_id: int, milestone_id: int) -> HttpResponse:
    """Move a milestone by a week or a month (buttons) or to a date (dragged on the timeline)."""
    roadmap = _get_roadmap(roadmap_id)
    milestone = _get_milestone(roadmap, milestone_id)
    form = MilestoneShiftForm(request.POST, milestone=milestone, roadmap=roadmap)
    if not form.is_valid():
        for error in form.non_field_errors() or [_("Give a valid date.")]:
            messages.error(request, error)
        return _render_body(request, roadmap, status=422)
    services.milestone_move(
        organisation=request.org, milestone=milestone, start=form.cleaned_data["new_start"]
    )
    messages.info(
        request,
        _("Moved “%(title)s” to %(date)s.")
        % {"title": milestone.title, "date": short_date(milestone.start)},
    )
    return _done(request, roadmap, anchor=f"milestone-{milestone.pk}")


# ---------------------------------------------------------------- dependencies


def _dependency_context(request: HttpRequest, roadmap: Roadmap, form: DependencyForm) -> dict:
    return {
        "roadmap": roadmap,
        "form": form,
        "action": reverse(
            "roadmaps:dependency_create",
            kwargs={"org_slug": request.org.slug, "roadmap_id": roadmap.pk},
        ),
        "detail_url": _detail_url(request, roadmap, "dependencies"),
    }


@require_http_methods(["GET", "POST"])
@org_view(Perm.EDIT_ROADMAP)
def dependency_create(request: HttpRequest, roadmap_id: int) -> HttpResponse:
    roadmap = _get_roadmap(roadmap_id)
    template = "roadmap/dependency_form.html"
    if request.method == "GET":
        initial = {}
        for name in ("predecessor", "successor"):
            if request.GET.get(name, "").isdigit():
                initial[name] = int(request.GET[name])
        form = DependencyForm(roadmap=roadmap, initial=initial)
        return _editor(request, template, _dependency_context(request, roadmap, form))
    form = DependencyForm(request.POST, roadmap=roadmap)
    if form.is_valid():
        before, after = form.cleaned_data["predecessor"], form.cleaned_data["successor"]
        try:
            services.dependency_add(organisation=request.org, predecessor=before, successor=after)
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(
                request,
                _("“%(after)s” now waits for “%(before)s”.")
                % {"after": after.title, "before": before.title},
            )
            return _done(request, roadmap, anchor="dependencies")
    return _editor(request, template, _dependency_context(request, roadmap, form), status=422)


@require_http_methods(["GET", "POST"])
@org_view(Perm.EDIT_ROADMAP)
def dependency_delete(request: HttpRequest, roadmap_id: int, dependency_id: int) -> HttpResponse:
    roadmap = _get_roadmap(roadmap_id)
    dependency = get_object_or_404(
        MilestoneDependency.objects.select_related("predecessor", "successor__roadmap"),
        pk=dependency_id,
        successor__roadmap=roadmap,
    )
    if request.method == "GET" or request.POST.get("confirmed") != "yes":
        return render(
            request, "roadmap/confirm_delete.html", {"roadmap": roadmap, "dependency": dependency}
        )
    services.dependency_remove(organisation=request.org, dependency=dependency)
    messages.success(
        request,
        _("“%(after)s” no longer waits for “%(before)s”.")
        % {"after": dependency.successor.title, "before": dependency.predecessor.title},
    )
    return _done(request, roadmap, anchor="dependencies", focus="dependencies-heading")
