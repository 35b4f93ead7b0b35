"""factory_boy factories. Related rows always stay in one organisation.

Tenant models sit behind django-scopes; factories create rows with scopes
disabled so that tests set up data freely while the code under test stays
checked.
"""

import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled

from communities.models import Community, CommunityKind, Need
from organisations.models import Invitation, Membership, Organisation, User, hash_token
from organisations.permissions import Role
from purposes.models import Purpose, PurposeStatus, RoundStatus, ScoringRound

TEST_PASSWORD = "correct horse battery staple"


def png_file(name: str = "logo.png", size: tuple[int, int] = (40, 20)) -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, "#1f4e79").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


class UnscopedFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with scopes_disabled():
            return super()._create(model_class, *args, **kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password(TEST_PASSWORD)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class MembershipFactory(UnscopedFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.EXECUTIVE


class InvitationFactory(UnscopedFactory):
    class Meta:
        model = Invitation
        exclude = ("token",)

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = Role.EXECUTIVE
    token = factory.Sequence(lambda n: f"test-token-{n}")
    token_hash = factory.LazyAttribute(lambda o: hash_token(o.token))
    invited_by = None


class CommunityFactory(UnscopedFactory):
    class Meta:
        model = Community

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Community {n}")
    kind = CommunityKind.CUSTOMERS
    description = ""
    estimated_size = 1000
    position = factory.Sequence(int)


class NeedFactory(UnscopedFactory):
    class Meta:
        model = Need

    community = factory.SubFactory(CommunityFactory)
    organisation = factory.SelfAttribute("community.organisation")
    statement = factory.Sequence(lambda n: f"Need number {n}")
    weight = 3
    position = factory.Sequence(int)


class PurposeFactory(UnscopedFactory):
    class Meta:
        model = Purpose
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Purpose {n}")
    statement = "Help design engineers get their boards right first time."
    participants = "Design engineers"
    issue = "Prototype boards fail for avoidable reasons"
    value_to_participants = "Working designs sooner"
    value_to_organisation = "Engineers choose our parts"
    status = PurposeStatus.DRAFT


class ScoringRoundFactory(UnscopedFactory):
    """A round over ``purposes``, ``needs`` and ``executives`` (lists, all of one org)."""

    class Meta:
        model = ScoringRound
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Round {n}")
    status = RoundStatus.OPEN

    @factory.post_generation
    def purposes(self, create, extracted, **kwargs):
        if create and extracted:
            self.purposes.set(extracted)

    @factory.post_generation
    def needs(self, create, extracted, **kwargs):
        if create and extracted:
            self.needs.set(extracted)

    @factory.post_generation
    def executives(self, create, extracted, **kwargs):
        if create and extracted:
            self.executives.set(extracted)
