"""Roadmaps whose every text, date and amount is hostile, yet what a member could store.

For the export property tests (milestones CSV, iCalendar feed): Hypothesis
draws a :class:`RoadmapPlan` of plain values with :func:`roadmap_plans`, and
:func:`build_hostile_roadmap` stores it through the services, so the rows are
exactly what the forms and the services let through: text stripped, within
its column's length, free of what ``text_problem`` refuses; dates within the
roadmap's window; amounts within the columns' precision.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django_scopes import scopes_disabled
from hypothesis import strategies as st

from common.text import text_problem
from organisations.permissions import Role
from roadmap.milestone_rules import MilestoneDetails, milestone_window
from roadmap.models import (
    FIRST_YEAR,
    LAST_YEAR,
    MAX_ROADMAP_YEARS,
    CommunityMetric,
    DecisionArea,
    InvestmentKind,
    Milestone,
    MilestoneDependency,
    MilestoneKind,
    MilestoneStatus,
    RiskCategory,
    Roadmap,
    add_years,
)
from roadmap.services import dependency_add, milestone_create, phase_create, roadmap_create
from tests.support.factories import (
    CommunityFactory,
    MembershipFactory,
    PurposeFactory,
    UserFactory,
)

# What broke, or could break, a spreadsheet or a calendar: formula starts, quotes,
# separators, line ends of every kind, iCalendar escapes, bidi controls, emoji.
TRICKY = [
    "=",
    "+",
    "-",
    "@",
    "'",
    "'=",
    "=SUM(1,2)",
    "@cmd|' /C calc'!A0",
    "\t",
    '"',
    '""',
    ",",
    ";",
    ":",
    "\\",
    "\\N",
    "\\n",
    "\\;",
    "\\,",
    "\n",
    "\r\n",
    "\r",
    "\x85",
    "\u2028",
    "\u2029",
    "\u200f",
    "\u202e",
    "\u2066",
    "\ufeff",
    "\u00a0",
    "é",
    "🙂",
    "👩🏽‍💻",
    "🇪🇺",
    "שלום",
    "مرحبا",
    "漢字",
]
# Repeated up to a column's length: line folding and long cells.
LONG_PIECES = ["x", "é", "漢", "🙂", "👩🏽‍💻", "=1+", "\\N", "a\nb", '";,']
MAX_AMOUNT = Decimal("999999999999.99")  # max_digits=14, decimal_places=2
AMOUNTS = [Decimal("0"), Decimal("0.01"), Decimal("0.10"), Decimal("100.00"), MAX_AMOUNT]
# Local parts an email address may have that a spreadsheet would run.
EMAILS = ["-minus@example.com", "=1+1@example.com", "+plus@example.com", "o'brien@example.com"]
FIRST_DAY, LAST_DAY = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)


def storable_text(max_size: int, *, min_size: int = 0) -> st.SearchStrategy[str]:
    """Text a form would store: stripped, at most ``max_size`` characters, no NUL."""
    alphabet = st.characters(codec="utf-8", exclude_categories=["Cc"])
    pieces = st.lists(
        st.one_of(st.text(alphabet, max_size=8), st.sampled_from(TRICKY)),
        min_size=min_size,
        max_size=12,
    ).map("".join)
    long = st.sampled_from(LONG_PIECES).map(lambda piece: piece * max_size)
    return (
        st.one_of(pieces, pieces, long)
        .map(lambda text: text[:max_size].strip() or ("=" if min_size else ""))
        .filter(lambda text: text_problem(text) is None)
    )


def amounts() -> st.SearchStrategy[Decimal]:
    return st.one_of(
        st.sampled_from(AMOUNTS),
        st.decimals(min_value=0, max_value=MAX_AMOUNT, places=2),
    )


def _days(first: date, last: date) -> st.SearchStrategy[date]:
    """A day in [first, last], the edges and their neighbours drawn often."""
    edges = [first, first + timedelta(days=1), last - timedelta(days=1), last]
    return st.one_of(
        st.sampled_from([day for day in edges if first <= day <= last]),
        st.dates(first, last),
    )


@dataclass
class MilestonePlan:
    kind: str
    title: str
    description: str
    start: date
    end: date | None
    status: str
    details: MilestoneDetails
    owned: bool
    with_purpose: bool
    with_community: bool


@dataclass
class RoadmapPlan:
    title: str
    description: str
    start: date
    end: date
    phase_name: str
    purpose_title: str
    community_name: str
    owner_first_name: str
    owner_last_name: str
    owner_email: str
    milestones: list[MilestonePlan] = field(default_factory=list)


@st.composite
def _details(draw, kind: str, window: tuple[date, date]) -> MilestoneDetails:
    if kind == MilestoneKind.COMMUNITY:
        metric = draw(st.sampled_from(CommunityMetric.values))
        label = storable_text(80, min_size=1 if metric == CommunityMetric.CUSTOM else 0)
        return MilestoneDetails(
            metric=metric,
            metric_label=draw(label) if metric == CommunityMetric.CUSTOM else "",
            target_value=draw(amounts()),
        )
    if kind == MilestoneKind.RISK:
        return MilestoneDetails(
            risk_category=draw(st.sampled_from(RiskCategory.values)),
            likelihood=draw(st.integers(1, 5)),
            impact=draw(st.integers(1, 5)),
            mitigation=draw(storable_text(2000)),
            review_date=draw(st.none() | _days(*window)),
        )
    if kind == MilestoneKind.INVESTMENT:
        return MilestoneDetails(
            amount=draw(amounts()),
            currency=draw(st.sampled_from(["EUR", "USD", "JPY"])),
            investment_kind=draw(st.sampled_from(InvestmentKind.values)),
        )
    if kind == MilestoneKind.VALUE:
        return MilestoneDetails(
            amount=draw(amounts()),
            currency=draw(st.sampled_from([None, "EUR", "CHF"])),
            value_metric=draw(storable_text(120, min_size=1)),
        )
    return MilestoneDetails(
        decision_area=draw(st.sampled_from(DecisionArea.values)),
        decision_text=draw(storable_text(2000, min_size=1)),
        decided=draw(st.booleans()),
    )


@st.composite
def _milestone(draw, window: tuple[date, date]) -> MilestonePlan:
    first, last = window
    kind = draw(st.sampled_from(MilestoneKind.values))
    start = draw(_days(first, last))
    return MilestonePlan(
        kind=kind,
        title=draw(storable_text(120, min_size=1)),
        description=draw(storable_text(2000)),
        start=start,
        end=draw(st.none() | _days(start, last)),
        status=draw(st.sampled_from(MilestoneStatus.values)),
        details=draw(_details(kind, window)),
        owned=draw(st.booleans()),
        with_purpose=draw(st.booleans()),
        with_community=draw(st.booleans()),
    )


@st.composite
def roadmap_plans(draw, *, max_milestones: int = 4) -> RoadmapPlan:
    """A roadmap anywhere in the years roadmaps may plan, and milestones at its edges."""
    start = draw(_days(FIRST_DAY, LAST_DAY - timedelta(days=1)))
    end = draw(_days(start + timedelta(days=1), min(add_years(start, MAX_ROADMAP_YEARS), LAST_DAY)))
    window = milestone_window(Roadmap(start=start, end=end))
    return RoadmapPlan(
        title=draw(storable_text(120, min_size=1)),
        description=draw(storable_text(2000)),
        start=start,
        end=end,
        phase_name=draw(storable_text(80, min_size=1)),
        purpose_title=draw(storable_text(120, min_size=1)),
        community_name=draw(storable_text(120, min_size=1)),
        owner_first_name=draw(storable_text(150)),
        owner_last_name=draw(storable_text(150)),
        owner_email=draw(st.sampled_from(EMAILS)),
        milestones=draw(st.lists(_milestone(window), min_size=1, max_size=max_milestones)),
    )


def build_hostile_roadmap(tenant, plan: RoadmapPlan) -> Roadmap:
    """Store ``plan`` in ``tenant``'s organisation through the services.

    One phase spans the roadmap (milestones in the margins fall outside it);
    each milestone depends on the one before it.
    """
    org = tenant.org
    with scopes_disabled():
        owner = UserFactory(
            first_name=plan.owner_first_name,
            last_name=plan.owner_last_name,
            email=plan.owner_email,
        )
        MembershipFactory(organisation=org, user=owner, role=Role.FACILITATOR)
        purpose = PurposeFactory(organisation=org, title=plan.purpose_title)
        community = CommunityFactory(organisation=org, name=plan.community_name)
        roadmap = roadmap_create(
            organisation=org,
            title=plan.title,
            description=plan.description,
            start=plan.start,
            end=plan.end,
            owner=owner,
        )
        phase_create(
            organisation=org, roadmap=roadmap, name=plan.phase_name, start=plan.start, end=plan.end
        )
        previous: Milestone | None = None
        for item in plan.milestones:
            milestone = milestone_create(
                organisation=org,
                roadmap=roadmap,
                kind=item.kind,
                title=item.title,
                description=item.description,
                start=item.start,
                end=item.end,
                status=item.status,
                owner=owner if item.owned else None,
                purpose=purpose if item.with_purpose else None,
                community=community if item.with_community else None,
                details=item.details,
            )
            if previous is not None:
                dependency_add(organisation=org, predecessor=previous, successor=milestone)
            previous = milestone
    return roadmap


def stored_milestones(roadmap: Roadmap) -> tuple[list[Milestone], dict[int, list[Milestone]]]:
    """The roadmap's milestones as stored, in date order, and what each depends on."""
    with scopes_disabled():
        milestones = list(
            Milestone.objects.filter(roadmap=roadmap)
            .select_related("owner", "purpose", "community")
            .order_by("start", "pk")
        )
        edges = list(
            MilestoneDependency.objects.filter(successor__roadmap=roadmap).values_list(
                "predecessor_id", "successor_id"
            )
        )
    by_id = {m.pk: m for m in milestones}
    before = {
        m.pk: sorted((by_id[p] for p, s in edges if s == m.pk), key=lambda p: (p.start, p.pk))
        for m in milestones
    }
    return milestones, before
