from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from organisations import services
from organisations.models import Invitation, Membership, User
from organisations.permissions import Role
from tests.support.factories import TEST_PASSWORD, InvitationFactory, UserFactory


def accept_url(token):
    return reverse("invitation_accept", kwargs={"token": token})


def invite(world, email="newcomer@example.com", role=Role.EXECUTIVE, **extra):
    return InvitationFactory(
        organisation=world.ours.org, email=email, role=role, token="tok-" + email, **extra
    )


def test_new_user_creates_account_and_joins(world):
    invite(world)
    client = world.client(None)
    page = client.get(accept_url("tok-newcomer@example.com"))
    assert page.status_code == 200
    assert "Create your account" in page.text
    response = client.post(
        accept_url("tok-newcomer@example.com"),
        {"full_name": "Nia Newcomer", "password1": TEST_PASSWORD, "password2": TEST_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("organisations:home", args=[world.ours.org.slug])
    user = User.objects.get(email="newcomer@example.com")
    assert (user.first_name, user.last_name) == ("Nia", "Newcomer")
    with scopes_disabled():
        assert Membership.objects.get(user=user).role == Role.EXECUTIVE
    # Signed in straight away.
    assert client.get(response["Location"]).status_code == 200


def test_signup_with_weak_or_mismatched_password_is_refused(world):
    invite(world)
    client = world.client(None)
    response = client.post(
        accept_url("tok-newcomer@example.com"),
        {"full_name": "Nia", "password1": "123", "password2": "1234"},
    )
    assert response.status_code == 422
    assert "The two passwords differ" in response.text
    response = client.post(
        accept_url("tok-newcomer@example.com"),
        {"full_name": "Nia", "password1": "password", "password2": "password"},
    )
    assert response.status_code == 422
    assert "too common" in response.text
    assert not User.objects.filter(email="newcomer@example.com").exists()


def test_existing_user_is_asked_to_sign_in_then_joins(world):
    person = UserFactory(email="known@example.com")
    invite(world, email="known@example.com", role=Role.VIEWER)
    anonymous = world.client(None).get(accept_url("tok-known@example.com"))
    assert "Sign in to accept" in anonymous.text
    client = world.client(person)
    assert client.post(accept_url("tok-known@example.com")).status_code == 302
    with scopes_disabled():
        assert Membership.objects.get(user=person, organisation=world.ours.org).role == Role.VIEWER


def test_invitation_works_only_once(world):
    invite(world)
    first = UserFactory(email="newcomer@example.com")
    assert world.client(first).post(accept_url("tok-newcomer@example.com")).status_code == 302
    for client in (world.client(first), world.client(None)):
        response = client.post(accept_url("tok-newcomer@example.com"))
        assert response.status_code == 404
        assert "no longer works" in response.text


@pytest.mark.parametrize("role", [Role.ADMIN, Role.VIEWER])
def test_another_account_cannot_take_a_forwarded_invitation(world, role):
    invite(world, role=role)
    stranger = UserFactory(email="stranger@example.com")
    client = world.client(stranger)
    page = client.get(accept_url("tok-newcomer@example.com"))
    assert page.status_code == 403
    assert "newcomer@example.com" in page.text
    assert "Only that address can accept it" in page.text
    response = client.post(accept_url("tok-newcomer@example.com"))
    assert response.status_code == 403
    with scopes_disabled():
        assert not Membership.objects.filter(user=stranger).exists()
        # Still pending: the invited person can use it.
        assert Invitation.objects.get(email="newcomer@example.com").is_pending


def test_invited_address_accepts_whatever_its_case(world):
    invite(world)
    person = UserFactory(email="Newcomer@Example.com")
    assert world.client(person).post(accept_url("tok-newcomer@example.com")).status_code == 302
    with scopes_disabled():
        assert Membership.objects.filter(user=person, organisation=world.ours.org).exists()


def test_service_refuses_another_address(world):
    invite(world)
    with pytest.raises(services.InvitationForAnotherAddress):
        services.invitation_accept(token="tok-newcomer@example.com", user=UserFactory())
    with scopes_disabled():
        assert Invitation.objects.get(email="newcomer@example.com").is_pending


def test_signing_out_from_the_refusal_comes_back_to_the_invitation(world):
    invite(world)
    client = world.client(UserFactory(email="stranger@example.com"))
    url = accept_url("tok-newcomer@example.com")
    response = client.post(reverse("logout"), {"next": url})
    assert response.status_code == 302
    assert response["Location"] == url
    assert "Create your account" in client.get(url).text


def test_expired_invitation_is_refused(world):
    invite(world, expires_at=timezone.now() - timedelta(seconds=1))
    response = world.client(UserFactory()).post(accept_url("tok-newcomer@example.com"))
    assert response.status_code == 404


def test_invitation_expires_after_seven_days(world, admin_client):
    admin_client.post(
        reverse("organisations:members", args=[world.ours.org.slug]),
        {"email": "week@example.com", "role": Role.VIEWER},
    )
    with scopes_disabled():
        invitation = Invitation.objects.get(email="week@example.com")
    lifetime = invitation.expires_at - invitation.created_at
    assert timedelta(days=7) - timedelta(minutes=1) < lifetime <= timedelta(days=7)


def test_member_accepting_again_keeps_role(world):
    viewer = world.ours.members[Role.VIEWER]
    invite(world, email=viewer.user.email, role=Role.ADMIN)
    membership = services.invitation_accept(token="tok-" + viewer.user.email, user=viewer.user)
    assert membership.pk == viewer.pk
    viewer.refresh_from_db()
    assert viewer.role == Role.VIEWER


def test_only_a_hash_of_the_token_is_stored(world, admin_client):
    admin_client.post(
        reverse("organisations:members", args=[world.ours.org.slug]),
        {"email": "hash@example.com", "role": Role.VIEWER},
    )
    link = admin_client.get(reverse("organisations:members", args=[world.ours.org.slug])).context[
        "invite_link"
    ]
    token = link.rstrip("/").rsplit("/", 1)[1]
    with scopes_disabled():
        invitation = Invitation.objects.get(email="hash@example.com")
    assert token not in invitation.token_hash
    assert len(invitation.token_hash) == 64
