"""The demo organisation's stakeholders: Voltaic Components, an electronics
distributor building an online community of design engineers (as RS
Components did with DesignSpark, which drew some 75,000 potential customers)."""

from django.db import transaction
from django_scopes import scope

from communities import services
from communities.models import Community, CommunityKind, Need
from organisations.models import Organisation

# (name, kind, estimated size, description, [(need, weight, evidence), ...])
DEMO_COMMUNITIES = [
    (
        "Design engineers",
        CommunityKind.CUSTOMERS,
        75000,
        "Electronics engineers who choose the parts for new boards. They decide what "
        "ends up on the bill of materials long before purchasing sees it.",
        [
            (
                "Get a prototype board right first time",
                5,
                "24 of 30 engineers interviewed in 2024 named board re-spins as their "
                "biggest loss of time; a re-spin costs 3–6 weeks.",
            ),
            (
                "Free design tools, models and footprints they can trust",
                4,
                "Footprint and 3D model downloads grew 40% a year; support tickets show "
                "wrong footprints as the top complaint about other sources.",
            ),
            (
                "Advice from peers who have solved the same problem",
                4,
                "Forum threads with an answer from another engineer are read 5× more "
                "than our application notes (web analytics, Q3).",
            ),
            (
                "Samples and small quantities delivered the next day",
                3,
                "Half of first orders from new engineers are under £50; next-day delivery "
                "is the most cited reason in the customer survey.",
            ),
        ],
    ),
    (
        "Purchasing managers",
        CommunityKind.PROSPECTS,
        12000,
        "Procurement teams at manufacturers that buy at volume, mostly from our competitors today.",
        [
            (
                "Parts that stay available for the product's whole life",
                5,
                "Obsolescence notices were the top risk in 8 of 10 buyer interviews.",
            ),
            (
                "Predictable prices and lead times",
                4,
                "Lead-time swings in 2022 cost two key accounts a production stop each.",
            ),
            (
                "Fewer suppliers to manage",
                3,
                "Buyers consolidate to 3–5 distributors; our share of wallet is 12%.",
            ),
        ],
    ),
    (
        "Component manufacturers",
        CommunityKind.SUPPLIERS,
        350,
        "The semiconductor and passive-component makers whose lines we carry.",
        [
            (
                "Their new parts designed in early",
                5,
                "Suppliers pay for design-in programmes; a design win is worth years of volume.",
            ),
            (
                "Insight into what engineers are designing",
                3,
                "Asked for by 4 of our top 10 suppliers at the last partner summit.",
            ),
        ],
    ),
    (
        "Field application engineers",
        CommunityKind.EMPLOYEES,
        60,
        "Our own engineers who help customers choose and use parts.",
        [
            (
                "Spend time on real design problems, not repeat questions",
                4,
                "A time study found 35% of their week goes on questions already answered "
                "in our documentation.",
            ),
            (
                "Recognition for the expertise they share",
                3,
                "Staff survey: recognition scored lowest of all items (2.9 of 5).",
            ),
            (
                "Early news of customer projects in their region",
                2,
                "Regional managers' request at the 2024 sales conference.",
            ),
        ],
    ),
]


def load(org: Organisation) -> None:
    """Create the demo communities and needs; running it again changes nothing."""
    with scope(organisation=org), transaction.atomic():
        for name, kind, size, description, needs in DEMO_COMMUNITIES:
            community = Community.objects.filter(name__iexact=name).first()
            if community is None:
                community = services.community_create(
                    organisation=org,
                    name=name,
                    kind=kind,
                    description=description,
                    estimated_size=size,
                )
            existing = {
                statement.casefold()
                for statement in Need.objects.filter(community=community).values_list(
                    "statement", flat=True
                )
            }
            for statement, weight, evidence in needs:
                if statement.casefold() not in existing:
                    services.need_create(
                        organisation=org,
                        community=community,
                        statement=statement,
                        weight=weight,
                        evidence=evidence,
                    )
