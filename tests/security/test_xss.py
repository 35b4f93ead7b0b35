"""Every text field of every form is fed an htmx payload and a <script>; pages show them escaped.

Forms come from the tenancy table as in test_fuzz_forms.py. Each is first
submitted as the page shows it, with the payloads in its text fields; then
every page of the organisation (and each page a submission redirected to)
is fetched and read: the payloads appear, but only ever escaped.
"""

from html import escape

from django.urls import reverse

from organisations.permissions import Role
from tests.support.forms import form_for, post_cases, url_for
from tests.support.payloads import HTMX_PAYLOAD, SCRIPT_PAYLOAD
from tests.support.tenancy import OrgCase
from tests.support.tenancy_table import TABLE

PAYLOADS = [HTMX_PAYLOAD, SCRIPT_PAYLOAD]
LIVE = ['hx-get="/x"', "<script>alert(1)", HTMX_PAYLOAD]


def _pages(tenant) -> list[str]:
    pages = [reverse("dashboard")]
    for name, case in sorted(TABLE.items()):
        if isinstance(case, OrgCase) and "GET" in case.methods:
            pages.append(url_for(name, case, tenant))
    return pages


def _submit_payloads(client, tenant) -> tuple[int, list[str]]:
    """Post every form with the payloads in its text fields; return (fields fed, pages to read)."""
    fed = 0
    follow_up = []
    for name, case in post_cases(TABLE).items():
        if name.endswith(("delete", "remove", "revoke")):
            continue  # would only take away rows that show the payload
        url = url_for(name, case, tenant)
        form = form_for(client, url, case, tenant)
        for payload in PAYLOADS:
            data = form.valid_data()
            for field_name in form.text_fields():
                data[field_name] = f"{payload} {field_name}"
                fed += 1
            response = client.post(url, data)
            assert response.status_code < 500, name
            if response.status_code == 302 and response["Location"].startswith("/"):
                follow_up.append(response["Location"])
    return fed, follow_up


def test_payloads_in_every_text_field_are_only_ever_shown_escaped(world):
    client = world.client(world.ours.user(Role.ADMIN))
    fed, follow_up = _submit_payloads(client, world.ours)
    assert fed > 20  # the forms were found and fed

    shown_escaped = 0
    for path in [*_pages(world.ours), *follow_up]:
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        body = response.content.decode()
        for live in LIVE:
            assert live not in body, f"{path} shows {live!r} unescaped"
        shown_escaped += sum(body.count(escape(payload)) for payload in PAYLOADS)
    # The payloads did reach pages (escaped): otherwise this test proves nothing.
    assert shown_escaped > 10, shown_escaped
    print(f"{fed} text fields fed; the payloads were shown escaped {shown_escaped} times")


def test_htmx_fragments_escape_the_payloads_too(world):
    client = world.client(world.ours.user(Role.ADMIN))
    _submit_payloads(client, world.ours)
    for path in _pages(world.ours):
        response = client.get(path, HTTP_HX_REQUEST="true")
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            for live in LIVE:
                assert live not in response.content.decode(), (path, live)
