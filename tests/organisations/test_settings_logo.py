"""The settings page shows the current logo as an image, never as a stored file name."""

import io
import re

from django.urls import reverse

from organisations.permissions import Role
from tests.support.factories import png_file
from tests.support.page_text import page_text


def settings_url(world) -> str:
    return reverse("organisations:settings", args=[world.ours.org.slug])


def logo_src(html: str) -> str:
    match = re.search(r'<img src="([^"]+)" alt="The current logo of Ours Ltd">', html)
    assert match, "no image of the current logo"
    return match.group(1).replace("&amp;", "&")


def test_it_shows_the_current_logo_as_an_image_not_a_file_path(world, admin_client):
    response = admin_client.get(settings_url(world))
    html = response.text

    src = logo_src(html)
    assert src.startswith(reverse("organisations:logo", args=["ours"]) + "?")
    image = admin_client.get(src)
    assert image.status_code == 200
    assert b"".join(image.streaming_content).startswith(b"\x89PNG")
    # ClearableFileInput's "Currently: logos/….png", linked under MEDIA_URL.
    assert world.ours.org.logo.name not in html
    assert "Currently" not in html
    assert "/media/" not in html


def test_the_logo_image_is_served_to_members_only(world, admin_client):
    src = logo_src(admin_client.get(settings_url(world)).text)

    assert world.client(world.ours.user(Role.VIEWER)).get(src).status_code == 200
    assert world.client(world.foreign.user(Role.ADMIN)).get(src).status_code == 404
    assert world.client(world.loner).get(src).status_code == 404


def test_a_new_logo_gets_a_new_image_address(world, admin_client):
    """The image is cached for an hour: the old address must not show the new logo."""
    before = logo_src(admin_client.get(settings_url(world)).text)
    data = {"name": "Ours Ltd", "brand_colour": "#123abc", "paper_size": "A4"}
    response = admin_client.post(settings_url(world), {**data, "logo": png_file("new.png")})
    assert response.status_code == 302

    assert logo_src(admin_client.get(settings_url(world)).text) != before


def test_the_remove_box_clears_the_logo(world, admin_client):
    html = admin_client.get(settings_url(world)).text
    box = re.search(r'<input type="checkbox" name="([^"]+)"[^>]*> Remove the logo', html)
    assert box, "no box to remove the logo"

    data = {"name": "Ours Ltd", "brand_colour": "#123abc", "paper_size": "A4", box.group(1): "on"}
    assert admin_client.post(settings_url(world), data).status_code == 302

    world.ours.org.refresh_from_db()
    assert not world.ours.org.logo
    html = admin_client.get(settings_url(world)).text
    assert "The current logo of" not in html
    assert "Remove the logo" not in html


def test_a_refused_logo_leaves_the_current_one_on_show(world, admin_client):
    text = png_file("notes.png")
    text.file = io.BytesIO(b"not an image at all")
    text.size = 19
    data = {"name": "Ours Ltd", "brand_colour": "#123abc", "paper_size": "A4", "logo": text}
    response = admin_client.post(settings_url(world), data)

    assert response.status_code == 422
    assert re.search(r'<input type="file" name="logo"[^>]* aria-invalid="true"', response.text)
    assert logo_src(response.text)


def test_the_audit_log_says_a_logo_changed_without_naming_its_file(world, admin_client):
    data = {"name": "Ours Ltd", "brand_colour": "#123abc", "paper_size": "A4"}
    admin_client.post(settings_url(world), {**data, "logo": png_file("new.png")})
    html = admin_client.get(reverse("organisations:audit", args=[world.ours.org.slug])).text
    admin = world.ours.user(Role.ADMIN).display_name
    assert f"{admin} changed the settings of Ours Ltd:" in page_text(html)
    assert "logo set to a new one" in page_text(html)
    assert "logos/" not in html and "Data version" not in html
