"""Oversized requests get 400: bodies over 2.5 MB (files too) and more than 1000 fields."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled

from organisations.models import Organisation
from organisations.permissions import Role

MB = 1024 * 1024


def _settings_url(world):
    return reverse("organisations:settings", args=[world.ours.org.slug])


def _settings_data(world, **extra):
    org = world.ours.org
    return {"name": org.name, "brand_colour": org.brand_colour, "paper_size": "A4", **extra}


def test_a_3_mb_logo_returns_to_the_form_with_a_message_and_changes_nothing(world):
    """Not a bare error page: the settings again, saying why (issue: oversized upload)."""
    client = world.client(world.ours.user(Role.ADMIN))
    big = SimpleUploadedFile("logo.png", b"\x89PNG" + b"0" * (3 * MB), content_type="image/png")
    response = client.post(_settings_url(world), _settings_data(world, name="Renamed", logo=big))
    assert response.status_code == 303
    assert response["Location"] == _settings_url(world)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "too much to send at once" in page.text and "2.5 MB" in page.text
    assert 'name="logo"' in page.text  # the form, ready for a smaller file
    with scopes_disabled():
        assert Organisation.objects.get(pk=world.ours.org.pk).name == "Ours Ltd"


def test_an_oversized_htmx_post_gets_the_400_page(world):
    client = world.client(world.ours.user(Role.ADMIN))
    response = client.post(
        _settings_url(world), _settings_data(world, name="x" * (3 * MB)), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert "too much to send at once" in response.text


def test_a_body_just_under_the_limit_reaches_the_form(world):
    """2 MB logo: under the request limit, so the form says what is wrong (422)."""
    client = world.client(world.ours.user(Role.ADMIN))
    logo = SimpleUploadedFile("logo.png", b"\x89PNG" + b"0" * (2 * MB), content_type="image/png")
    response = client.post(_settings_url(world), _settings_data(world, logo=logo))
    assert response.status_code == 422


def test_more_than_1000_fields_gets_400(world):
    client = world.client(world.ours.user(Role.ADMIN))
    data = _settings_data(world) | {f"extra{n}": "x" for n in range(1001)}
    response = client.post(_settings_url(world), data)
    assert response.status_code == 400
    assert response.content  # Django's 400 page, through templates/400.html


@pytest.mark.parametrize("url_name", ["login", "password_reset"])
def test_oversized_requests_are_refused_before_sign_in(world, url_name):
    body = io.BytesIO(b"a" * (3 * MB))
    response = world.client(None).generic(
        "POST",
        reverse(url_name),
        body.getvalue(),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
