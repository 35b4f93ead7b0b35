import re

from django.core import mail
from django.urls import reverse

from organisations.permissions import Role
from tests.support.factories import TEST_PASSWORD


def test_sign_in_with_email_any_case(world):
    user = world.ours.user(Role.EXECUTIVE)
    client = world.client(None)
    response = client.post(
        reverse("login"), {"username": user.email.upper(), "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    # One organisation: straight to it.
    dashboard = client.get(reverse("dashboard"))
    assert dashboard["Location"] == reverse("organisations:home", args=[world.ours.org.slug])


def test_wrong_password_shows_a_message(world):
    response = world.client(None).post(
        reverse("login"), {"username": world.ours.user(Role.ADMIN).email, "password": "nope"}
    )
    assert response.status_code == 200
    assert "do not match an account" in response.text


def test_sign_out_needs_post(world):
    client = world.client(world.ours.user(Role.VIEWER))
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 302


def test_password_reset_by_email(world):
    user = world.ours.user(Role.VIEWER)
    client = world.client(None)
    client.post(reverse("password_reset"), {"email": user.email})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.text
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"},
    )
    assert response.status_code == 302
    # Signed in through the form: django-axes needs the request to authenticate.
    signed_in = world.client(None).post(
        reverse("login"), {"username": user.email, "password": "a brand new passphrase"}
    )
    assert signed_in.status_code == 302


def test_user_in_two_organisations_picks_one(world):
    from tests.support.factories import MembershipFactory

    user = world.ours.user(Role.FACILITATOR)
    MembershipFactory(organisation=world.foreign.org, user=user, role=Role.VIEWER)
    client = world.client(user)
    page = client.get(reverse("dashboard"))
    assert page.status_code == 200
    assert world.ours.org.name in page.text and world.foreign.org.name in page.text
    # After visiting one, the dashboard returns there and the header offers both.
    home = client.get(reverse("organisations:home", args=[world.foreign.org.slug]))
    assert world.ours.org.name in home.text  # in the switcher
    assert client.get(reverse("dashboard"))["Location"].endswith(f"/o/{world.foreign.org.slug}/")


def test_the_dashboard_counts_every_member_of_each_organisation(world):
    from tests.support.factories import MembershipFactory

    user = world.ours.user(Role.FACILITATOR)
    MembershipFactory(organisation=world.foreign.org, user=user, role=Role.VIEWER)
    page = world.client(user).get(reverse("dashboard"))
    ours, foreign = len(world.ours.members), len(world.foreign.members) + 1
    assert f"{ours} members" in page.text and f"{foreign} members" in page.text
