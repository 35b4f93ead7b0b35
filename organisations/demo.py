"""The demo organisation's people: an electronics distributor building a
community of design engineers (the DesignSpark story in PRODUCT.md)."""

from dataclasses import dataclass

from django_scopes import scopes_disabled

from organisations.models import Membership, Organisation, User
from organisations.permissions import Role

DEMO_PASSWORD = "purpose-demo"  # noqa: S105 - printed by `make run` on purpose
DEMO_SLUG = "voltaic"


@dataclass(frozen=True)
class DemoPerson:
    email: str
    first_name: str
    last_name: str
    role: str
    title: str


DEMO_PEOPLE = [
    DemoPerson("admin@demo.example", "Hannah", "Reid", Role.ADMIN, "Chief Executive"),
    DemoPerson("facilitator@demo.example", "Farid", "Khan", Role.FACILITATOR, "Strategy Director"),
    DemoPerson("executive@demo.example", "Maria", "Lopez", Role.EXECUTIVE, "Marketing Director"),
    DemoPerson("tom@demo.example", "Tom", "Becker", Role.EXECUTIVE, "Sales Director"),
    DemoPerson(
        "priya@demo.example", "Priya", "Natarajan", Role.EXECUTIVE, "Chief Technology Officer"
    ),
    DemoPerson("jonas@demo.example", "Jonas", "Weber", Role.EXECUTIVE, "Supply Chain Director"),
    DemoPerson("grace@demo.example", "Grace", "Okafor", Role.EXECUTIVE, "Chief Financial Officer"),
    DemoPerson("viewer@demo.example", "Eleanor", "Shaw", Role.VIEWER, "Non-executive Director"),
]


def _user(person: DemoPerson) -> User:
    user = User.objects.filter(email=person.email).first()
    if user is None:
        user = User.objects.create_user(
            email=person.email,
            password=DEMO_PASSWORD,
            first_name=person.first_name,
            last_name=person.last_name,
        )
    return user


def load_people() -> Organisation:
    """Create the demo organisations and people; running it again changes nothing."""
    with scopes_disabled():
        org, _created = Organisation.objects.get_or_create(
            slug=DEMO_SLUG,
            defaults={"name": "Voltaic Components", "brand_colour": "#1f4e79"},
        )
        foundation, _created = Organisation.objects.get_or_create(
            slug="voltaic-foundation",
            defaults={"name": "Voltaic Engineering Foundation", "brand_colour": "#2f6f4e"},
        )
        for person in DEMO_PEOPLE:
            user = _user(person)
            Membership.objects.get_or_create(
                organisation=org, user=user, defaults={"role": person.role}
            )
        admin = User.objects.get(email=DEMO_PEOPLE[0].email)
        Membership.objects.get_or_create(
            organisation=foundation, user=admin, defaults={"role": Role.ADMIN}
        )
    return org
