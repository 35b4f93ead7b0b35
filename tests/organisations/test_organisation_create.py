"""Any signed-in user creates an organisation and becomes its admin (unless only staff may)."""

import pytest
from django.core.cache import cache
from django.db import IntegrityError
from django.urls import reverse
from django_scopes import scopes_disabled

from organisations import services
from organisations.models import AuditEntry, Membership, Organisation
from organisations.permissions import Role
from tests.support.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/organisations/new/"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def newcomer(world):
    """Someone signed in who belongs to no organisation."""
    return world.client(world.loner)


def _created(name: str) -> list[Organisation]:
    return list(Organisation.objects.filter(name=name))


def test_the_url_is_named():
    assert reverse("organisation_create") == URL


def test_a_plain_user_creates_one_and_becomes_its_admin(world, newcomer):
    response = newcomer.post(URL, {"name": "  Acme   Robotics "})

    organisation = Organisation.objects.get(name="Acme Robotics")
    assert organisation.slug == "acme-robotics"
    assert response.status_code == 302
    assert response["Location"] == reverse("organisations:home", args=["acme-robotics"])
    with scopes_disabled():
        memberships = list(Membership.objects.filter(organisation=organisation))
    assert [(m.user, m.role) for m in memberships] == [(world.loner, Role.ADMIN)]

    home = newcomer.get(response["Location"])
    assert home.status_code == 200
    assert "Acme Robotics is ready and you are its admin." in home.text
    assert "Your role: Admin · 1 member" in home.text


def test_the_creation_is_in_the_new_organisations_audit_log(world, newcomer):
    newcomer.post(URL, {"name": "Acme"})
    organisation = Organisation.objects.get(name="Acme")
    with scopes_disabled():
        entries = list(AuditEntry.objects.filter(organisation=organisation).order_by("pk"))
    assert [(e.content_type.model, e.action, e.actor) for e in entries] == [
        ("organisation", AuditEntry.Action.CREATE, world.loner),
        ("membership", AuditEntry.Action.CREATE, world.loner),
    ]
    page = newcomer.get(reverse("organisations:audit", args=[organisation.slug]))
    assert page.status_code == 200
    assert "Acme" in page.text


def test_a_name_another_organisation_has_is_allowed_with_a_suffixed_slug(world):
    OrganisationFactory(name="Acme", slug="acme")
    OrganisationFactory(name="Other", slug="acme-2")
    client = world.client(world.loner)

    assert client.post(URL, {"name": "Acme"})["Location"] == "/o/acme-3/"
    assert client.post(URL, {"name": "ACME!"})["Location"] == "/o/acme-4/"
    assert [o.slug for o in Organisation.objects.filter(name__iexact="acme")] == [
        "acme",
        "acme-3",
    ]


def test_a_long_name_gets_a_slug_that_fits_with_its_suffix():
    name = "The International Consortium of Independent Component Distributors and Makers"
    first = services.organisation_slug_for(name)
    assert len(first) == services.SLUG_MAX_LENGTH
    assert not first.endswith("-")
    OrganisationFactory(slug=first)
    second = services.organisation_slug_for(name)
    assert len(second) <= services.SLUG_MAX_LENGTH
    assert second.endswith("-2")
    assert second.removesuffix("-2") == first[: len(second) - 2].rstrip("-")


def test_a_name_without_latin_letters_gets_a_plain_slug():
    assert services.organisation_slug_for("東京 工業") == "organisation"
    OrganisationFactory(slug="organisation")
    assert services.organisation_slug_for("東京 工業") == "organisation-2"
    assert services.organisation_slug_for("Ærø Café") == "r-cafe"


def test_a_slug_taken_at_the_same_moment_is_looked_up_again(world, monkeypatch):
    """Two people creating "Acme" at once: the second insert fails, then takes acme-2."""
    real = services.organisation_slug_for
    answers = iter(["ours"])  # as if "ours" had been free when it was looked up
    monkeypatch.setattr(
        services, "organisation_slug_for", lambda name: next(answers, None) or real(name)
    )
    organisation = services.organisation_create(name="Ours", creator=world.loner)
    assert organisation.slug == "ours-2"
    with scopes_disabled():
        assert Membership.objects.filter(organisation=organisation).count() == 1


def test_a_slug_that_stays_taken_is_not_tried_for_ever(world, monkeypatch):
    monkeypatch.setattr(services, "organisation_slug_for", lambda name: "ours")
    with pytest.raises(IntegrityError):
        services.organisation_create(name="Ours", creator=world.loner)
    assert Organisation.objects.filter(slug__startswith="ours").count() == 1


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Give the organisation a name."),
        ("   ", "Give the organisation a name."),
        ("x" * 121, "Keep the name to 120 characters (this one has 121)."),
        ("Acme\x07 Ltd", "Remove the control character (U+0007) from this text."),
        ("Acme\x00", "Remove the control character (U+0000) from this text."),
    ],
    ids=["empty", "blank", "too-long", "bell", "nul"],
)
def test_a_bad_name_is_explained_and_nothing_is_created(world, newcomer, name, message):
    before = Organisation.objects.count()
    response = newcomer.post(URL, {"name": name})
    assert response.status_code == 422
    assert message in response.text
    assert 'aria-invalid="true"' in response.text
    assert Organisation.objects.count() == before
    with scopes_disabled():
        assert not Membership.objects.filter(user=world.loner).exists()


def test_a_name_at_the_limit_is_fine(newcomer):
    assert newcomer.post(URL, {"name": "x" * 120}).status_code == 302


def test_the_form_shows_the_address_and_htmx_updates_it(newcomer):
    page = newcomer.get(URL)
    assert page.status_code == 200
    assert 'maxlength="120"' in page.text
    assert 'hx-get="/organisations/new/"' in page.text
    assert "http://testserver/o/<strong>…</strong>/" in page.text

    preview = newcomer.get(URL, {"name": "Voltaic Components"}, **HTMX)
    assert preview.status_code == 200
    assert preview.text.strip() == "http://testserver/o/<strong>voltaic-components</strong>/"


def test_the_preview_does_not_tell_which_addresses_are_taken(world, newcomer):
    """Typing "Ours" must not reveal that an organisation at /o/ours/ exists."""
    preview = newcomer.get(URL, {"name": "Ours"}, **HTMX)
    assert "<strong>ours</strong>/" in preview.text
    assert "ours-2" not in preview.text


def test_a_refused_post_keeps_the_address_of_what_was_typed(newcomer):
    response = newcomer.post(URL, {"name": "Acme\x07"})
    assert "<strong>acme</strong>/" in response.text


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for response in (client.get(URL), client.post(URL, {"name": "Acme"})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert not Organisation.objects.filter(name="Acme").exists()


def test_the_dashboard_offers_it_to_someone_without_an_organisation(newcomer):
    page = newcomer.get(reverse("dashboard"))
    assert page.status_code == 200
    assert f'href="{URL}"' in page.text
    assert "Create an organisation" in page.text


def test_the_dashboard_offers_it_beside_several_organisations(world):
    user = world.ours.user(Role.EXECUTIVE)
    MembershipFactory(organisation=world.foreign.org, user=user, role=Role.VIEWER)
    client = world.client(user)
    page = client.get(reverse("dashboard"))
    assert page.status_code == 200
    assert "Foreign plc" in page.text
    assert f'href="{URL}"' in page.text


def test_the_account_menu_offers_it_to_someone_in_one_organisation(world):
    """They are sent straight to their organisation and never see the dashboard."""
    client = world.client(world.ours.user(Role.EXECUTIVE))
    page = client.get(reverse("organisations:home", args=[world.ours.org.slug]))
    assert f'<a href="{URL}">New organisation</a>' in page.text


class TestStaffOnly:
    @pytest.fixture(autouse=True)
    def _staff_only(self, settings):
        settings.ROADMAP_ORG_CREATION = "staff"

    def test_others_get_a_403_that_explains(self, newcomer):
        for response in (newcomer.get(URL), newcomer.post(URL, {"name": "Acme"})):
            assert response.status_code == 403
            assert "Only platform staff create organisations here" in response.text
            assert "ask the platform staff to create an organisation for you" in response.text
        assert not Organisation.objects.filter(name="Acme").exists()

    def test_the_dashboard_does_not_offer_it(self, newcomer, world):
        page = newcomer.get(reverse("dashboard"))
        assert URL not in page.text
        member = world.client(world.ours.user(Role.ADMIN))
        assert URL not in member.get(reverse("organisations:home", args=["ours"])).text
        assert "Ask an organisation's admin to invite you" in page.text

    def test_the_service_refuses_too(self, world):
        with pytest.raises(services.OrganisationCreationRefused):
            services.organisation_create(name="Acme", creator=world.loner)

    def test_staff_may(self, world):
        staff = UserFactory(email="staff@platform.example", is_staff=True)
        client = world.client(staff)
        assert "Create an organisation" in client.get(reverse("dashboard")).text
        assert client.post(URL, {"name": "Acme"})["Location"] == "/o/acme/"


def test_creating_many_in_a_row_is_rate_limited(world, newcomer, settings):
    settings.ROADMAP_RATE_ORG_CREATE = "3/h"
    cache.clear()
    try:
        statuses = [newcomer.post(URL, {"name": f"Acme {n}"}).status_code for n in range(5)]
    finally:
        cache.clear()
    assert statuses == [302, 302, 302, 429, 429]
    assert Organisation.objects.filter(name__startswith="Acme").count() == 3
