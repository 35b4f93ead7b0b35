import io
import os

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from organisations.permissions import Role
from tests.support.factories import png_file


def settings_url(world):
    return reverse("organisations:settings", args=[world.ours.org.slug])


def post(client, url, **overrides):
    data = {"name": "Renamed Ltd", "brand_colour": "#123abc", "paper_size": "Letter"}
    data.update(overrides)
    return client.post(url, data)


def test_admin_saves_settings_with_a_logo(world, admin_client):
    response = post(admin_client, settings_url(world), logo=png_file("brand.png"))
    assert response.status_code == 302
    org = world.ours.org
    org.refresh_from_db()
    assert (org.name, org.brand_colour, org.paper_size) == ("Renamed Ltd", "#123abc", "Letter")
    # Stored under a random name, served only through the membership-checked view.
    assert "brand" not in org.logo.name
    logo = admin_client.get(reverse("organisations:logo", args=[org.slug]))
    assert logo.status_code == 200
    assert b"".join(logo.streaming_content).startswith(b"\x89PNG")


def test_logo_over_one_megabyte_is_refused(world, admin_client):
    buffer = io.BytesIO()
    # Random pixels do not compress: a real PNG of about 1.5 MB.
    Image.frombytes("RGB", (700, 700), os.urandom(700 * 700 * 3)).save(buffer, "PNG")
    assert buffer.tell() > 1024 * 1024
    big = SimpleUploadedFile("big.png", buffer.getvalue(), content_type="image/png")
    response = post(admin_client, settings_url(world), logo=big)
    assert response.status_code == 422
    assert "the limit is 1.0" in response.text
    world.ours.org.refresh_from_db()
    assert world.ours.org.name == "Ours Ltd"
    assert not world.ours.org.logo.name.endswith("big.png")


def test_a_file_that_is_not_an_image_is_refused(world, admin_client):
    fake = png_file()
    fake.file = io.BytesIO(b"<svg xmlns='http://www.w3.org/2000/svg'></svg>")
    fake.size = 48
    response = post(admin_client, settings_url(world), logo=fake)
    assert response.status_code == 422
    assert "Upload a valid image" in response.text or "not an image" in response.text


def test_gif_is_refused_with_the_allowed_formats_named(world, admin_client):
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "GIF")
    gif = png_file("anim.gif")
    gif.file = io.BytesIO(buffer.getvalue())
    gif.size = len(buffer.getvalue())
    response = post(admin_client, settings_url(world), logo=gif)
    assert response.status_code == 422
    assert "PNG, JPEG or WebP" in response.text


def test_bad_colour_and_paper_size_are_refused(world, admin_client):
    response = post(admin_client, settings_url(world), brand_colour="red", paper_size="A3")
    assert response.status_code == 422
    assert "Use a colour like #1f4e79" in response.text
    assert "Select a valid choice" in response.text
    world.ours.org.refresh_from_db()
    assert world.ours.org.brand_colour != "red"


def test_facilitator_cannot_change_settings(world):
    client = world.client(world.ours.user(Role.FACILITATOR))
    response = post(client, settings_url(world))
    assert response.status_code == 403
    assert "Your role does not allow this" in response.text
    world.ours.org.refresh_from_db()
    assert world.ours.org.name == "Ours Ltd"


def test_logo_is_stored_and_served_as_the_image_it_is_not_as_its_name_says(world, admin_client):
    response = post(admin_client, settings_url(world), logo=png_file("logo.pdf"))
    assert response.status_code == 302
    org = world.ours.org
    org.refresh_from_db()
    assert org.logo.name.endswith(".png")
    logo = admin_client.get(reverse("organisations:logo", args=[org.slug]))
    assert logo["Content-Type"] == "image/png"


def test_replaced_logo_file_is_deleted(world, admin_client, django_capture_on_commit_callbacks):
    org = world.ours.org
    with django_capture_on_commit_callbacks(execute=True):
        post(admin_client, settings_url(world), logo=png_file("first.png"))
    org.refresh_from_db()
    first = org.logo.name
    assert org.logo.storage.exists(first)
    with django_capture_on_commit_callbacks(execute=True):
        post(admin_client, settings_url(world), logo=png_file("second.png"))
    org.refresh_from_db()
    second = org.logo.name
    assert second != first
    assert org.logo.storage.exists(second)
    assert not org.logo.storage.exists(first)
    with django_capture_on_commit_callbacks(execute=True):
        post(admin_client, settings_url(world), **{"logo-clear": "on"})
    org.refresh_from_db()
    assert not org.logo
    assert not org.logo.storage.exists(second)
