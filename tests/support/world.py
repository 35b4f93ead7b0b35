"""Two organisations with a member of each role, and someone in neither (the `world` fixture)."""

import time
from dataclasses import dataclass, field

from django.test import Client
from django_scopes import scopes_disabled

from organisations.middleware import LAST_TOUCHED
from organisations.models import Membership, Organisation, User
from organisations.permissions import Role
from organisations.tenancy import SESSION_ORG_KEY
from tests.support.factories import MembershipFactory, OrganisationFactory, UserFactory, png_file

ROLES = [Role.ADMIN, Role.FACILITATOR, Role.EXECUTIVE, Role.VIEWER]


@dataclass
class Tenant:
    """One organisation with one member of each role."""

    org: Organisation
    members: dict[str, Membership] = field(default_factory=dict)

    def user(self, role: str) -> User:
        return self.members[role].user


@dataclass
class World:
    """Our organisation, a foreign one, and someone who belongs to neither."""

    ours: Tenant
    foreign: Tenant
    loner: User

    def client(self, user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
            settle_session(client, user)
        return client


def settle_session(client: Client, user: User) -> None:
    """Make the session as it is after a person's first page in their organisation.

    A session is saved when it first records the organisation and at most
    once a minute after that (``SessionLimitsMiddleware``); recording both
    here keeps that one-off write out of tests that count a page's queries.
    """
    session = client.session
    session[LAST_TOUCHED] = time.time()
    with scopes_disabled():
        slugs = list(
            Membership.objects.filter(user=user).values_list("organisation__slug", flat=True)[:2]
        )
    if len(slugs) == 1:  # someone in several organisations has not picked one yet
        session[SESSION_ORG_KEY] = slugs[0]
    session.save()


def make_tenant(name: str, slug: str) -> Tenant:
    org = OrganisationFactory(name=name, slug=slug, logo=png_file())
    tenant = Tenant(org=org)
    for role in ROLES:
        tenant.members[role] = MembershipFactory(
            organisation=org, role=role, user=UserFactory(email=f"{role}@{slug}.example")
        )
    return tenant
