"""The demo roadmap: Voltaic Components' three years from a pilot with 500 design
engineers to a community of 75,000 (the DesignSpark story in PRODUCT.md).

Runs after the communities, purposes and scoring demos. It starts on the first
day of the current quarter, so the today line always falls in the Pilot phase
whenever the demo is loaded, with the first few milestones behind it. The
purposes are sequenced as the method says: the low-risk, magnetic “Right first
time” first; reference designs once engineers come; the higher-value,
higher-risk end-of-life purpose (supplier data, competitors' parts) only when
the community has critical mass.

Two “provide and pray” warnings are left in on purpose, for the diagnostics to
catch: a high-impact risk without a mitigation, and a community target nobody
owns. ``load(org)`` is idempotent: if the roadmap exists it changes nothing.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django_scopes import scope

from communities.models import Community
from organisations.models import Organisation, User
from purposes.models import Purpose, PurposeStatus
from purposes.services import purpose_set_status
from roadmap.models import (
    CommunityMetric,
    DecisionArea,
    InvestmentKind,
    Milestone,
    MilestoneDependency,
    MilestoneKind,
    MilestoneStatus,
    Phase,
    PhasePurpose,
    RiskCategory,
    Roadmap,
    RoadmapStatus,
    add_years,
)

TITLE = "Design engineer community roadmap"
DESCRIPTION = (
    "Three years from a pilot with 500 invited design engineers to a community of "
    "75,000, in the spirit of RS Components' DesignSpark: engineers come to get their "
    "boards right first time, stay for each other's reference designs, and in time "
    "help each other through parts going end-of-life."
)
RECOMMENDATION = (
    "We recommend approving the roadmap as drafted: start with “Right first time”, "
    "the need engineers rated highest and the one our catalogue data already serves, "
    "then let reference designs and end-of-life warnings grow on the traffic it brings. "
    "We set aside the supplier innovation forum, which serves our suppliers more than "
    "engineers, and the loyalty points club, which scored lowest on trust and would "
    "teach members to come for discounts rather than for each other. The board's main "
    "decision is the Grow phase budget: within these three years expected value covers "
    "about four-fifths of the spending, so the case rests on the years after."
)
OWNER = "facilitator@demo.example"

# The purposes in each phase, in order (titles as the purposes demo leaves them).
RIGHT_FIRST_TIME = "Right first time"
REFERENCE_DESIGNS = "Reference designs engineers trust"
END_OF_LIFE = "No surprise end-of-life"
FIRST_PRODUCT = "Your first real product"

# (name, first month, months long, purposes), months counted from the start.
PHASES = [
    ("Pilot", 0, 6, [RIGHT_FIRST_TIME]),
    ("Launch", 6, 6, [RIGHT_FIRST_TIME, REFERENCE_DESIGNS]),
    ("Grow", 12, 12, [REFERENCE_DESIGNS, RIGHT_FIRST_TIME, END_OF_LIFE]),
    ("Scale", 24, 12, [END_OF_LIFE, REFERENCE_DESIGNS, FIRST_PRODUCT]),
]

# Community names from communities.demo.
ENGINEERS = "Design engineers"
BUYERS = "Purchasing managers"
SUPPLIERS = "Component manufacturers"
FAES = "Field application engineers"


@dataclass(frozen=True)
class DemoMilestone:
    kind: str
    title: str
    month: int  # months after the roadmap starts
    day: int = 1
    days: int = 0  # > 0: a stretch of this many days
    owner: str | None = None
    purpose: str | None = None
    community: str | None = None
    description: str = ""
    status: str = MilestoneStatus.PLANNED
    fields: dict = field(default_factory=dict)


def community_fields(target, metric=CommunityMetric.MEMBERS, label=""):
    return {"metric": metric, "target_value": Decimal(target), "metric_label": label}


def risk_fields(category, likelihood, impact, mitigation="", review_in_months=None):
    return {
        "risk_category": category,
        "likelihood": likelihood,
        "impact": impact,
        "mitigation": mitigation,
        "review_in_months": review_in_months,
    }


def investment_fields(amount, kind):
    return {"amount": Decimal(amount), "currency": "EUR", "investment_kind": kind}


def value_fields(amount, metric, currency="EUR"):
    return {"amount": Decimal(amount), "currency": currency, "value_metric": metric}


def decision_fields(area, text, decided=False):
    return {"decision_area": area, "decision_text": text, "decided": decided}


HANNAH, FARID, MARIA = "admin@demo.example", "facilitator@demo.example", "executive@demo.example"
TOM, PRIYA, JONAS, GRACE = (
    "tom@demo.example",
    "priya@demo.example",
    "jonas@demo.example",
    "grace@demo.example",
)
K = MilestoneKind

MILESTONES = [
    # --- Pilot: 500 invited engineers, one purpose ---------------------------
    DemoMilestone(
        K.DECISION,
        "Community guidelines and code of conduct",
        0,
        12,
        owner=FARID,
        purpose=RIGHT_FIRST_TIME,
        fields=decision_fields(
            DecisionArea.POLICY,
            "Plain-language guidelines: no selling in threads, declare any supplier "
            "affiliation, credit other people's designs. Designs members post are shared "
            "under CC BY-SA 4.0 unless they say otherwise.",
            decided=True,
        ),
    ),
    DemoMilestone(
        K.INVESTMENT,
        "Community manager and two part-time moderators",
        0,
        15,
        owner=HANNAH,
        description="First year's cost; the community manager reports to the Strategy Director.",
        fields=investment_fields(145000, InvestmentKind.PEOPLE),
    ),
    DemoMilestone(
        K.INVESTMENT,
        "Forum platform, single sign-on and hosting (first year)",
        1,
        1,
        owner=PRIYA,
        fields=investment_fields(38000, InvestmentKind.PLATFORM),
    ),
    DemoMilestone(
        K.DECISION,
        "Forum platform for the pilot",
        1,
        3,
        owner=PRIYA,
        purpose=RIGHT_FIRST_TIME,
        description="Chosen after the purpose, for what engineers asked for: search, "
        "threaded answers, attachments for schematics.",
        fields=decision_fields(
            DecisionArea.TECHNOLOGY,
            "Run the pilot on a hosted Discourse forum with single sign-on from voltaic.com "
            "accounts; decide on our own platform only after a year of real use.",
            decided=True,
        ),
    ),
    DemoMilestone(
        K.INVESTMENT,
        "Verify 300 footprints and 3D models",
        1,
        10,
        days=60,
        owner=PRIYA,
        purpose=RIGHT_FIRST_TIME,
        fields=investment_fields(60000, InvestmentKind.CONTENT),
    ),
    DemoMilestone(
        K.RISK,
        "Account takeover through single sign-on",
        1,
        20,
        owner=PRIYA,
        description="A stolen voltaic.com password would open the forum and order history alike.",
        fields=risk_fields(
            RiskCategory.SECURITY_PRIVACY,
            2,
            4,
            "Multi-factor sign-in for staff and moderators, rate-limited sign-in, and a "
            "penetration test before the public launch.",
            review_in_months=3,
        ),
    ),
    DemoMilestone(
        K.DECISION,
        "Seed the library with 300 verified footprints",
        2,
        1,
        owner=PRIYA,
        purpose=RIGHT_FIRST_TIME,
        fields=decision_fields(
            DecisionArea.CONTENT_SEEDING,
            "Application engineers verify and publish footprints and 3D models for the 300 "
            "most-ordered parts before the first invitation goes out; every part page links "
            "to a forum thread for questions about it.",
            decided=True,
        ),
    ),
    DemoMilestone(
        K.RISK,
        "Field engineers see the forum as extra work",
        2,
        1,
        owner=TOM,
        community=FAES,
        fields=risk_fields(
            RiskCategory.CULTURE,
            3,
            3,
            "Count accepted answers in the field engineers' objectives and protect two "
            "hours a week for the forum.",
        ),
    ),
    DemoMilestone(
        K.COMMUNITY,
        "First 500 invited engineers",
        2,
        15,
        owner=MARIA,
        purpose=RIGHT_FIRST_TIME,
        community=ENGINEERS,
        description="Invitations to engineers who downloaded a footprint in the last year.",
        status=MilestoneStatus.ON_TRACK,
        fields=community_fields(500),
    ),
    DemoMilestone(
        K.RISK,
        "Customer designs posted in public threads",
        3,
        15,
        owner=FARID,
        purpose=RIGHT_FIRST_TIME,
        description="Engineers may post schematics that belong to their employer.",
        fields=risk_fields(
            RiskCategory.INTELLECTUAL_CAPITAL,
            3,
            4,
            "Warn before upload when a file looks like a schematic or layout; moderators "
            "hide a post within the hour on request; private threads for questions under NDA.",
        ),
    ),
    DemoMilestone(
        K.COMMUNITY,
        "100 members who answer each other",
        4,
        1,
        owner=MARIA,
        purpose=RIGHT_FIRST_TIME,
        community=ENGINEERS,
        fields=community_fields(100, CommunityMetric.ACTIVE_CONTRIBUTORS),
    ),
    DemoMilestone(
        K.DECISION,
        "Moderation model for the public launch",
        4,
        15,
        owner=FARID,
        fields=decision_fields(
            DecisionArea.MODERATION,
            "Volunteer moderators from the pilot's best contributors, backed by staff on "
            "weekdays; every reported post reviewed within four working hours.",
        ),
    ),
    DemoMilestone(
        K.COMMUNITY,
        "Members answer as many questions as our staff",
        5,
        20,
        owner=MARIA,
        community=ENGINEERS,
        fields=community_fields(1, CommunityMetric.CONTRIBUTION_RATIO),
    ),
    DemoMilestone(
        K.VALUE,
        "Support questions answered by peers",
        5,
        28,
        owner=GRACE,
        purpose=RIGHT_FIRST_TIME,
        description="Technical support tickets that a forum answer made unnecessary.",
        fields=value_fields(1200, "Support tickets answered in the community", currency=None),
    ),
    # --- Launch: open to every engineer, reference designs join ------------
    DemoMilestone(
        K.INVESTMENT,
        "Launch campaign and embedded world stand",
        6,
        1,
        owner=MARIA,
        fields=investment_fields(120000, InvestmentKind.MARKETING),
    ),
    DemoMilestone(
        K.INVESTMENT,
        "Two application engineers for the forum",
        6,
        1,
        owner=TOM,
        community=FAES,
        fields=investment_fields(160000, InvestmentKind.PEOPLE),
    ),
    DemoMilestone(
        K.DECISION,
        "Launch campaign to design engineers",
        6,
        5,
        owner=MARIA,
        fields=decision_fields(
            DecisionArea.MARKETING_COMMUNICATIONS,
            "Launch at embedded world with a “first board right” challenge and an email to "
            "180,000 registered customers; no paid social media until members come back "
            "on their own.",
        ),
    ),
    DemoMilestone(
        K.RISK,
        "Members' personal data outside the EU",
        6,
        15,
        owner=GRACE,
        fields=risk_fields(
            RiskCategory.COMPLIANCE,
            2,
            4,
            "EU hosting with a data processing agreement; members export or delete their "
            "data themselves.",
        ),
    ),
    DemoMilestone(
        K.RISK,
        "Wrong answers on safety-critical designs",
        7,
        1,
        owner=PRIYA,
        purpose=REFERENCE_DESIGNS,
        fields=risk_fields(
            RiskCategory.REPUTATION,
            2,
            5,
            "Threads about mains voltage or medical devices carry a notice, and an "
            "application engineer reviews the answers within a working day.",
        ),
    ),
    DemoMilestone(
        K.VALUE,
        "Support cost saved by peer answers",
        8,
        15,
        owner=GRACE,
        fields=value_fields(60000, "Support cost saved"),
    ),
    DemoMilestone(
        K.COMMUNITY,
        "10,000 members",
        8,
        30,
        owner=MARIA,
        community=ENGINEERS,
        fields=community_fields(10000),
    ),
    DemoMilestone(
        K.DECISION,
        "Supplier participation rules",
        9,
        1,
        owner=JONAS,
        community=SUPPLIERS,
        fields=decision_fields(
            DecisionArea.POLICY,
            "Suppliers' engineers answer questions about their own parts under a “supplier” "
            "badge; no unsolicited promotion; a post that links to a price list is removed.",
        ),
    ),
    DemoMilestone(
        K.COMMUNITY,
        "500 active contributors a month",
        11,
        15,
        owner=MARIA,
        purpose=REFERENCE_DESIGNS,
        community=ENGINEERS,
        fields=community_fields(500, CommunityMetric.ACTIVE_CONTRIBUTORS),
    ),
    DemoMilestone(
        K.VALUE,
        "Margin on members' first orders",
        11,
        30,
        owner=TOM,
        community=ENGINEERS,
        fields=value_fields(150000, "Gross margin on first orders from members"),
    ),
    # --- Grow: reference designs at scale, end-of-life alerts --------------
    DemoMilestone(
        K.DECISION,
        "Own platform or stay hosted",
        12,
        15,
        owner=PRIYA,
        fields=decision_fields(
            DecisionArea.TECHNOLOGY,
            "Move to our own platform or stay on the hosted forum, judged on a year of use: "
            "search traffic, cost per active member and what the reference-design library needs.",
        ),
    ),
    DemoMilestone(
        K.INVESTMENT,
        "Reference design library with build reports",
        13,
        1,
        days=120,
        owner=PRIYA,
        purpose=REFERENCE_DESIGNS,
        fields=investment_fields(220000, InvestmentKind.PLATFORM),
    ),
    DemoMilestone(
        K.RISK,
        "Competitors' sales teams copy our reference designs",
        14,
        1,
        owner=TOM,
        purpose=REFERENCE_DESIGNS,
        fields=risk_fields(
            RiskCategory.INTELLECTUAL_CAPITAL,
            4,
            2,
            "Accepted: the designs are open on purpose. What a competitor cannot copy is "
            "the community that improves them.",
        ),
    ),
    DemoMilestone(
        K.DECISION,
        "Seed end-of-life alerts with supplier notices",
        15,
        1,
        owner=JONAS,
        purpose=END_OF_LIFE,
        community=SUPPLIERS,
        fields=decision_fields(
            DecisionArea.CONTENT_SEEDING,
            "Publish every supplier notice for parts in members' saved bills of materials, "
            "with at least one tested replacement, nine months before the last-time buy.",
        ),
    ),
    DemoMilestone(
        K.INVESTMENT,
        "Replacement testing for end-of-life parts",
        15,
        1,
        owner=JONAS,
        purpose=END_OF_LIFE,
        fields=investment_fields(90000, InvestmentKind.CONTENT),
    ),
    DemoMilestone(
        K.RISK,
        "Supplier end-of-life notices leak before their announcement",
        15,
        15,
        owner=JONAS,
        purpose=END_OF_LIFE,
        community=SUPPLIERS,
        description="Our supply agreements forbid sharing a notice before the supplier "
        "announces it; a leak could cost us a franchise line.",
        status=MilestoneStatus.AT_RISK,
        # Left without a mitigation on purpose: the diagnostics flag it.
        fields=risk_fields(RiskCategory.COMPLIANCE, 3, 5),
    ),
    DemoMilestone(
        K.COMMUNITY,
        "30,000 members",
        17,
        1,
        owner=MARIA,
        community=ENGINEERS,
        fields=community_fields(30000),
    ),
    DemoMilestone(
        K.RISK,
        "Application engineers pulled into the forum full-time",
        18,
        1,
        owner=TOM,
        community=FAES,
        fields=risk_fields(
            RiskCategory.PRODUCTIVITY,
            3,
            3,
            "Cap forum time at a fifth of each engineer's week; volunteer moderators and "
            "supplier engineers give the first answer.",
        ),
    ),
    DemoMilestone(
        K.VALUE,
        "Orders kept when a part goes end-of-life",
        20,
        1,
        owner=JONAS,
        purpose=END_OF_LIFE,
        community=BUYERS,
        fields=value_fields(240000, "Gross margin on replacement orders that stay with us"),
    ),
    DemoMilestone(
        K.COMMUNITY,
        "Members contribute three times what we do",
        23,
        1,
        owner=MARIA,
        fields=community_fields(3, CommunityMetric.CONTRIBUTION_RATIO),
    ),
    # --- Scale: 75,000 members, regions, the next generation ---------------
    DemoMilestone(
        K.INVESTMENT,
        "Regional communities in German and French",
        24,
        1,
        owner=MARIA,
        fields=investment_fields(180000, InvestmentKind.MARKETING),
    ),
    DemoMilestone(
        K.INVESTMENT,
        "Regional community managers",
        24,
        1,
        owner=HANNAH,
        fields=investment_fields(140000, InvestmentKind.PEOPLE),
    ),
    DemoMilestone(
        K.DECISION,
        "Regional volunteer moderators",
        24,
        15,
        owner=FARID,
        fields=decision_fields(
            DecisionArea.MODERATION,
            "Two volunteer moderators per language, chosen from members with 50 or more "
            "accepted answers; staff handle only escalations.",
        ),
    ),
    DemoMilestone(
        K.DECISION,
        "Member stories in every customer newsletter",
        25,
        1,
        owner=MARIA,
        fields=decision_fields(
            DecisionArea.MARKETING_COMMUNICATIONS,
            "Every customer newsletter leads with a member's project; the community, not "
            "our products, is the story.",
        ),
    ),
    DemoMilestone(
        K.RISK,
        "Students change the tone for professionals",
        26,
        1,
        owner=FARID,
        purpose=FIRST_PRODUCT,
        fields=risk_fields(
            RiskCategory.CULTURE,
            3,
            2,
            "Separate “first product” spaces with their own mentors; professionals opt in.",
        ),
    ),
    DemoMilestone(
        K.COMMUNITY,
        "75,000 members",
        29,
        1,
        owner=MARIA,
        community=ENGINEERS,
        fields=community_fields(75000),
    ),
    DemoMilestone(
        K.COMMUNITY,
        "Mentors from industry",
        32,
        1,
        purpose=FIRST_PRODUCT,
        description="Nobody has taken this on yet: the diagnostics flag it.",
        fields=community_fields(
            150, CommunityMetric.CUSTOM, "Volunteer mentors who have shipped a product"
        ),
    ),
    DemoMilestone(
        K.VALUE,
        "Margin on members' orders",
        35,
        15,
        owner=GRACE,
        community=ENGINEERS,
        fields=value_fields(450000, "Gross margin on orders from community members"),
    ),
]

# (predecessor, successor) by title.
DEPENDENCIES = [
    ("Forum platform for the pilot", "First 500 invited engineers"),
    ("Seed the library with 300 verified footprints", "First 500 invited engineers"),
    ("Moderation model for the public launch", "Launch campaign to design engineers"),
    ("Launch campaign to design engineers", "10,000 members"),
    ("Own platform or stay hosted", "Reference design library with build reports"),
    ("Seed end-of-life alerts with supplier notices", "Orders kept when a part goes end-of-life"),
]


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def month_start_after(day: date, months: int) -> date:
    """The first day of the month ``months`` after ``day``'s month."""
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, 1)


def _milestone(demo: DemoMilestone, start: date, today: date, refs: dict) -> Milestone:
    first = month_start_after(start, demo.month) + timedelta(days=demo.day - 1)
    end = first + timedelta(days=demo.days) if demo.days else None
    status = demo.status
    if (end or first) < today and status in (MilestoneStatus.PLANNED, MilestoneStatus.ON_TRACK):
        status = MilestoneStatus.DONE
    fields = dict(demo.fields)
    review = fields.pop("review_in_months", None)
    if review is not None:
        fields["review_date"] = month_start_after(first, review)
    return Milestone(
        organisation=refs["org"],
        roadmap=refs["roadmap"],
        kind=demo.kind,
        title=demo.title,
        description=demo.description,
        start=first,
        end=end,
        owner=refs["users"].get(demo.owner),
        status=status,
        purpose=refs["purposes"].get(demo.purpose),
        community=refs["communities"].get(demo.community),
        **fields,
    )


def load(org: Organisation, *, today: date | None = None) -> Roadmap | None:
    """Create the demo roadmap once; running it again changes nothing."""
    today = today or timezone.localdate()
    with scope(organisation=org), transaction.atomic():
        existing = Roadmap.objects.filter(title=TITLE).first()
        if existing is not None:
            return existing
        emails = {m.owner for m in MILESTONES if m.owner} | {OWNER}
        users = {
            user.email: user
            for user in User.objects.filter(email__in=emails, memberships__organisation=org)
        }
        purposes = {p.title: p for p in Purpose.objects.all()}
        # Only chosen purposes go on a roadmap: the team chose the two
        # shortlisted ones for the later phases, once the community has grown.
        placed = {title for *_, titles in PHASES for title in titles}
        facilitator = users.get(OWNER)
        for title in sorted(placed & purposes.keys()):
            if purposes[title].status != PurposeStatus.CHOSEN and facilitator is not None:
                purpose_set_status(
                    purpose=purposes[title], status=PurposeStatus.CHOSEN, actor=facilitator
                )
        communities = {c.name: c for c in Community.objects.all()}
        start = quarter_start(today)
        roadmap = Roadmap(
            organisation=org,
            title=TITLE,
            description=DESCRIPTION,
            recommendation=RECOMMENDATION,
            start=start,
            end=add_years(start, 3) - timedelta(days=1),
            status=RoadmapStatus.DRAFT,
            owner=users.get(OWNER),
            currency="EUR",
        )
        roadmap.full_clean()
        roadmap.save()
        for name, first_month, months, titles in PHASES:
            phase = Phase(
                organisation=org,
                roadmap=roadmap,
                name=name,
                start=month_start_after(start, first_month),
                end=month_start_after(start, first_month + months) - timedelta(days=1),
            )
            phase.full_clean()
            phase.save()
            PhasePurpose.objects.bulk_create(
                PhasePurpose(organisation=org, phase=phase, purpose=purposes[title], position=i)
                for i, title in enumerate(titles)
                if title in purposes
            )
        refs = {
            "org": org,
            "roadmap": roadmap,
            "users": users,
            "purposes": purposes,
            "communities": communities,
        }
        by_title = {}
        for demo in MILESTONES:
            milestone = _milestone(demo, start, today, refs)
            # Validates the constraints too: a mistake in the demo data fails loudly.
            milestone.full_clean()
            milestone.save()
            by_title[demo.title] = milestone
        MilestoneDependency.objects.bulk_create(
            MilestoneDependency(
                organisation=org, predecessor=by_title[before], successor=by_title[after]
            )
            for before, after in DEPENDENCIES
        )
    return roadmap
