from django.urls import reverse

from organisations.permissions import Role
from tests.support.factories import UserFactory


def test_platform_staff_manage_every_organisation_in_django_admin(world):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client = world.client(staff)
    orgs = client.get(reverse("admin:organisations_organisation_changelist"))
    assert orgs.status_code == 200
    assert world.ours.org.name in orgs.text and world.foreign.org.name in orgs.text
    memberships = client.get(reverse("admin:organisations_membership_changelist"))
    assert memberships.status_code == 200
    assert world.foreign.user(Role.VIEWER).display_name in memberships.text
    change = client.get(
        reverse("admin:organisations_organisation_change", args=[world.foreign.org.pk])
    )
    assert change.status_code == 200
    assert world.foreign.user(Role.ADMIN).display_name in change.text


def test_organisation_admin_is_not_platform_staff(world):
    client = world.client(world.ours.user(Role.ADMIN))
    response = client.get(reverse("admin:organisations_organisation_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
