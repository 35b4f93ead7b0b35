"""Demo purposes for Voltaic Components, an electronics distributor building a
community of design engineers (the DesignSpark story in PRODUCT.md).

``load(org)`` is idempotent: a purpose whose title already exists is left as
it is, so running it twice changes nothing. It writes through the services, so
every demo edit is a real revision by a real demo user.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_scopes import scope

from communities.models import Community, CommunityKind
from organisations.models import Organisation, User
from purposes import services
from purposes.models import Purpose, PurposeComment, PurposeRevision, PurposeStatus
from purposes.services import PurposeText

FACILITATOR = "facilitator@demo.example"


@dataclass(frozen=True)
class DemoEdit:
    author: str
    changes: dict[str, str]


@dataclass(frozen=True)
class DemoPurpose:
    author: str
    text: dict[str, str]
    kinds: tuple[str, ...]
    edits: list[DemoEdit] = field(default_factory=list)
    status: str = PurposeStatus.DRAFT
    comments: list[tuple[str, str]] = field(default_factory=list)


DEMO_PURPOSES = [
    DemoPurpose(
        author="admin@demo.example",
        text={
            "title": "Right first time",
            "statement": "Help design engineers get their boards right first time.",
            "participants": "Electronics design engineers in small and mid-sized firms.",
            "issue": "Prototype boards fail for avoidable reasons: wrong footprints, "
            "missing models, misread datasheets.",
            "value_to_participants": "Working boards sooner.",
            "value_to_organisation": "More orders.",
        },
        kinds=(CommunityKind.CUSTOMERS, CommunityKind.PROSPECTS),
        edits=[
            DemoEdit(
                "priya@demo.example",
                {
                    "value_to_participants": "Verified CAD models, footprints and answers "
                    "from peers within hours, so the first prototype works.",
                },
            ),
            DemoEdit(
                "executive@demo.example",
                {
                    "statement": "Help design engineers get their boards right first time, "
                    "with answers from thousands of peers.",
                    "value_to_organisation": "Engineers specify our parts at the design "
                    "stage; measured by design-in registrations and first orders from "
                    "community members.",
                },
            ),
        ],
        status=PurposeStatus.CHOSEN,
        comments=[
            (
                "tom@demo.example",
                "This is the one our sales team hears about every week. The 75,000 "
                "engineers DesignSpark drew in is the bar to aim for.",
            ),
            (
                "grace@demo.example",
                "Agreed, if we can count design-ins per member from day one.",
            ),
        ],
    ),
    DemoPurpose(
        author="priya@demo.example",
        text={
            "title": "Reference designs engineers trust",
            "statement": "Share proven reference designs that engineers can adapt and improve.",
            "participants": "Design engineers and our application engineers.",
            "issue": "Vendor reference designs are often untested outside the lab.",
            "value_to_participants": "Designs that others have built, with their fixes.",
            "value_to_organisation": "Bills of materials built around parts we stock.",
        },
        kinds=(CommunityKind.CUSTOMERS, CommunityKind.EMPLOYEES),
        edits=[
            DemoEdit(
                "jonas@demo.example",
                {
                    "value_to_organisation": "Bills of materials built around parts we "
                    "stock, and early warning of demand.",
                },
            ),
        ],
        status=PurposeStatus.CHOSEN,
    ),
    DemoPurpose(
        author="jonas@demo.example",
        text={
            "title": "No surprise end-of-life",
            "statement": "Warn engineers before a part goes end-of-life and help them "
            "choose a replacement together.",
            "participants": "Design engineers, buyers and our suppliers' product managers.",
            "issue": "Obsolete parts force late redesigns and line stoppages.",
            "value_to_participants": "Months of warning and a replacement others have tested.",
            "value_to_organisation": "Orders move to a replacement we stock instead of a "
            "competitor's.",
        },
        kinds=(CommunityKind.CUSTOMERS, CommunityKind.SUPPLIERS, CommunityKind.DISTRIBUTORS),
        edits=[
            DemoEdit(
                "tom@demo.example",
                {"participants": "Design engineers, buyers, and suppliers' product managers."},
            ),
        ],
        status=PurposeStatus.SHORTLISTED,
    ),
    DemoPurpose(
        author="executive@demo.example",
        text={
            "title": "First real product",
            "statement": "Help engineering students build their first real product, with "
            "mentors from industry.",
            "participants": "Engineering students, graduates and volunteer mentors.",
            "issue": "Graduates have theory but have never taken a board to production.",
            "value_to_participants": "",
            "value_to_organisation": "The next generation of engineers learns on our parts.",
        },
        kinds=(CommunityKind.PROSPECTS,),
        edits=[
            DemoEdit(
                "grace@demo.example",
                {
                    "value_to_participants": "A finished product for their portfolio and a "
                    "mentor who has shipped one.",
                },
            ),
            DemoEdit(
                "tom@demo.example",
                {"title": "Your first real product"},
            ),
        ],
        status=PurposeStatus.SHORTLISTED,
    ),
    DemoPurpose(
        author="tom@demo.example",
        text={
            "title": "Supplier innovation forum",
            "statement": "Leverage synergies with our suppliers to empower best-in-class "
            "solutions.",
            "participants": "Suppliers' field application engineers.",
            "issue": "",
            "value_to_participants": "",
            "value_to_organisation": "",
        },
        kinds=(CommunityKind.SUPPLIERS,),
        edits=[
            DemoEdit(
                "jonas@demo.example",
                {"issue": "New parts reach engineers months after launch."},
            ),
        ],
        comments=[
            (
                "priya@demo.example",
                "What would an engineer actually get from this? The hints panel is right "
                "about “solutions”.",
            ),
        ],
    ),
    DemoPurpose(
        author="grace@demo.example",
        text={
            "title": "Loyalty points club",
            "statement": "Reward engineers with points for every order they place.",
            "participants": "Registered customers.",
            "issue": "Customers compare prices across distributors.",
            "value_to_participants": "Points to spend on tools.",
            "value_to_organisation": "Repeat orders.",
        },
        kinds=(CommunityKind.CUSTOMERS,),
        edits=[
            DemoEdit(
                "tom@demo.example",
                {"value_to_participants": "Points to spend on tools and event tickets."},
            ),
        ],
        status=PurposeStatus.RETIRED,
        comments=[
            (
                FACILITATOR,
                "Retired: people would come for the points, not for each other. That is "
                "an incentive, not a purpose.",
            ),
        ],
    ),
]


def _communities(org: Organisation, kinds: tuple[str, ...]) -> list[Community]:
    return list(Community.objects.filter(organisation=org, kind__in=kinds))


def _load_one(org: Organisation, demo: DemoPurpose, users: dict[str, User], days_ago: int):
    communities = _communities(org, demo.kinds)
    purpose = services.purpose_create(
        organisation=org,
        actor=users[demo.author],
        text=PurposeText.from_values(demo.text),
        communities=communities,
    )
    text = dict(demo.text)
    for edit in demo.edits:
        text.update(edit.changes)
        purpose = services.purpose_update(
            purpose=purpose,
            actor=users[edit.author],
            loaded_version=purpose.version,
            text=PurposeText.from_values(text),
            communities=communities,
        )
    if demo.status != PurposeStatus.DRAFT:
        services.purpose_set_status(purpose=purpose, status=demo.status, actor=users[FACILITATOR])
    for author, body in demo.comments:
        services.comment_create(purpose=purpose, actor=users[author], body=body)
    _spread_over_past_days(purpose, days_ago)


def _spread_over_past_days(purpose: Purpose, days_ago: int) -> None:
    """Date the revisions a day or two apart, as a real draft would have grown."""
    now = timezone.now()
    revisions = list(PurposeRevision.objects.filter(purpose=purpose).order_by("number"))
    for step, revision in enumerate(revisions):
        when = now - timedelta(days=days_ago - 2 * step, hours=3 * step)
        PurposeRevision.objects.filter(pk=revision.pk).update(created_at=when)
    last_saved = now - timedelta(days=days_ago - 2 * (len(revisions) - 1))
    for step, comment in enumerate(PurposeComment.objects.filter(purpose=purpose)):
        PurposeComment.objects.filter(pk=comment.pk).update(
            created_at=last_saved + timedelta(hours=2 + 5 * step)
        )
    Purpose.objects.filter(pk=purpose.pk).update(
        created_at=now - timedelta(days=days_ago),
        updated_at=last_saved,
    )


def load(org: Organisation) -> None:
    """Create the six demo purposes that do not exist yet."""
    emails = set().union(*(_emails(demo) for demo in DEMO_PURPOSES))
    users = {user.email: user for user in User.objects.filter(email__in=emails)}
    missing = emails - set(users)
    if missing:
        raise RuntimeError(f"Load the demo people first; missing: {sorted(missing)}")
    with scope(organisation=org), transaction.atomic():
        existing = set(Purpose.objects.filter(organisation=org).values_list("title", flat=True))
        for index, demo in enumerate(DEMO_PURPOSES):
            titles = {demo.text["title"], *(e.changes.get("title") for e in demo.edits)}
            if titles & existing:
                continue
            _load_one(org, demo, users, days_ago=30 - 3 * index)


def _emails(demo: DemoPurpose) -> set[str]:
    return {
        demo.author,
        FACILITATOR,
        *(edit.author for edit in demo.edits),
        *(author for author, _body in demo.comments),
    }
