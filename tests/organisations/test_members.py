import pytest
from django.core import mail
from django.urls import reverse
from django_scopes import scopes_disabled

from organisations.models import Invitation, Membership
from organisations.permissions import Role
from tests.support.factories import MembershipFactory


def members_url(world):
    return reverse("organisations:members", kwargs={"org_slug": world.ours.org.slug})


def test_admin_sees_members_and_their_roles(world, admin_client):
    response = admin_client.get(members_url(world))
    assert response.status_code == 200
    for role in (Role.ADMIN, Role.FACILITATOR, Role.EXECUTIVE, Role.VIEWER):
        assert world.ours.user(role).email in response.text
    assert world.foreign.user(Role.ADMIN).email not in response.text


def test_invite_creates_pending_invitation_and_shows_link_once(world, admin_client):
    response = admin_client.post(
        members_url(world), {"email": "New.Person@Example.com", "role": Role.FACILITATOR}
    )
    assert response.status_code == 302
    with scopes_disabled():
        invitation = Invitation.objects.get(email="new.person@example.com")
    assert invitation.role == Role.FACILITATOR
    assert invitation.organisation == world.ours.org
    page = admin_client.get(members_url(world)).text
    assert "/invite/" in page
    assert "/invite/" not in admin_client.get(members_url(world)).text


def test_invite_by_htmx_returns_the_panel_only(world, admin_client):
    response = admin_client.post(
        members_url(world),
        {"email": "fragment@example.com", "role": Role.EXECUTIVE},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'id="members-panel"' in response.text
    assert "fragment@example.com" in response.text
    assert "/invite/" in response.text


def test_invite_with_bad_email_shows_error_and_stores_nothing(world, admin_client):
    response = admin_client.post(members_url(world), {"email": "not-an-email", "role": "owner"})
    assert response.status_code == 422
    assert "Enter a valid email address" in response.text
    assert "Select a valid choice" in response.text
    with scopes_disabled():
        assert not Invitation.objects.exists()


def test_inviting_an_existing_member_is_refused(world, admin_client):
    email = world.ours.user(Role.VIEWER).email
    response = admin_client.post(members_url(world), {"email": email, "role": Role.ADMIN})
    assert response.status_code == 422
    assert "already a member" in response.text


def test_reinviting_replaces_the_pending_invitation(world, admin_client):
    for role in (Role.VIEWER, Role.EXECUTIVE):
        admin_client.post(members_url(world), {"email": "twice@example.com", "role": role})
    with scopes_disabled():
        pending = list(Invitation.objects.filter(email="twice@example.com").pending())
    assert [i.role for i in pending] == [Role.EXECUTIVE]


@pytest.mark.django_db(transaction=True)
def test_invitation_email_is_sent_after_commit(settings, world, admin_client):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from config.celery import app

    app.conf.task_always_eager = True
    try:
        admin_client.post(members_url(world), {"email": "mail@example.com", "role": Role.VIEWER})
    finally:
        app.conf.task_always_eager = False
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mail@example.com"]
    assert world.ours.org.name in message.subject
    assert "http://testserver/invite/" in message.body
    with scopes_disabled():
        assert Invitation.objects.get(email="mail@example.com").email_sent_at is not None


def test_change_role(world, admin_client):
    target = world.ours.members[Role.VIEWER]
    url = reverse("organisations:member_role", args=[world.ours.org.slug, target.pk])
    response = admin_client.post(url, {"role": Role.FACILITATOR})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.role == Role.FACILITATOR


def test_change_role_to_unknown_role_changes_nothing(world, admin_client):
    target = world.ours.members[Role.VIEWER]
    url = reverse("organisations:member_role", args=[world.ours.org.slug, target.pk])
    response = admin_client.post(url, {"role": "owner"}, follow=True)
    assert "Choose one of the roles" in response.text
    target.refresh_from_db()
    assert target.role == Role.VIEWER


def test_last_admin_cannot_be_demoted(world, admin_client):
    me = world.ours.members[Role.ADMIN]
    url = reverse("organisations:member_role", args=[world.ours.org.slug, me.pk])
    response = admin_client.post(url, {"role": Role.VIEWER}, follow=True)
    assert "last admin" in response.text
    me.refresh_from_db()
    assert me.role == Role.ADMIN


def test_last_admin_cannot_be_removed(world, admin_client):
    me = world.ours.members[Role.ADMIN]
    url = reverse("organisations:member_remove", args=[world.ours.org.slug, me.pk])
    response = admin_client.post(url, follow=True, headers={"HX-Request": "true"})
    assert "last admin" in response.text
    with scopes_disabled():
        assert Membership.objects.filter(pk=me.pk).exists()


def test_an_admin_can_be_demoted_when_another_admin_remains(world, admin_client):
    MembershipFactory(organisation=world.ours.org, role=Role.ADMIN)
    me = world.ours.members[Role.ADMIN]
    url = reverse("organisations:member_role", args=[world.ours.org.slug, me.pk])
    response = admin_client.post(url, {"role": Role.EXECUTIVE})
    # Demoted themselves: sent to the overview, which they may still see.
    assert response.status_code == 302
    assert response["Location"] == reverse("organisations:home", args=[world.ours.org.slug])
    me.refresh_from_db()
    assert me.role == Role.EXECUTIVE


def test_remove_member(world, admin_client):
    target = world.ours.members[Role.EXECUTIVE]
    url = reverse("organisations:member_remove", args=[world.ours.org.slug, target.pk])
    response = admin_client.post(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert target.user.email not in response.text
    with scopes_disabled():
        assert not Membership.objects.filter(pk=target.pk).exists()
    # The removed member is now an outsider.
    home = reverse("organisations:home", args=[world.ours.org.slug])
    assert world.client(target.user).get(home).status_code == 404


def test_revoked_invitation_no_longer_works(world, admin_client):
    admin_client.post(members_url(world), {"email": "revoke@example.com", "role": Role.VIEWER})
    link = admin_client.get(members_url(world)).context["invite_link"]
    with scopes_disabled():
        invitation = Invitation.objects.get(email="revoke@example.com")
    url = reverse("organisations:invitation_revoke", args=[world.ours.org.slug, invitation.pk])
    admin_client.post(url)
    assert world.client(None).get(link).status_code == 404


def test_inviting_the_same_address_again_says_the_earlier_link_no_longer_works(world, admin_client):
    data = {"email": "again@example.com", "role": Role.EXECUTIVE}
    first = admin_client.post(members_url(world), data, HTTP_HX_REQUEST="true")
    assert "It works once and expires in 7 days" in first.text
    assert "no longer works" not in first.text
    second = admin_client.post(members_url(world), data, HTTP_HX_REQUEST="true")
    assert "Invitation sent again to again@example.com" in second.text
    assert "The link sent before no longer works" in second.text
    with scopes_disabled():
        assert Invitation.objects.filter(email="again@example.com").pending().count() == 1
