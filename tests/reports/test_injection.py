"""Hostile text in every field that reaches the PDF: nothing is fetched, nothing leaks.

A canary HTTP server started by the test counts every request that reaches
it. Payloads go into every text a brief prints; the brief must still be drawn,
the canary must see nothing, and no local file may end up inside the PDF.
"""

import http.server
import io
import threading
import zlib
from pathlib import Path

import pytest
from django_scopes import scopes_disabled
from pypdf import PdfReader

from communities.models import Community, Need
from organisations.permissions import Role
from purposes.models import Purpose, ScoringRound
from reports import pdf_engine
from reports.fetcher import BriefURLFetcher
from reports.models import ReportStatus
from roadmap.models import Milestone, Phase
from tests.support.report_builders import build_roadmap_for_brief, request_and_render

pytestmark = pytest.mark.django_db

PASSWD_MARKER = b"root:x:0:0"


class Canary:
    def __init__(self) -> None:
        self.requests: list[str] = []
        canary = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                canary.requests.append(self.path)
                body = b"@import url(http://127.0.0.1/again); body { color: red }"
                self.send_response(200)
                self.send_header("Content-Type", "text/css")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def canary():
    with Canary() as server:
        yield server


def payloads(port: int) -> list[str]:
    url = f"http://127.0.0.1:{port}"
    return [
        '<img src="file:///etc/passwd">',
        f"<style>@import url({url}/style-import);</style>",
        f"@import url({url}/bare-import);",
        '<div style="background: url(file:///dev/urandom)">x</div>',
        "url(file:///dev/urandom)",
        f'<svg xmlns="http://www.w3.org/2000/svg"><image href="{url}/svg-image"/></svg>',
        '<link rel="attachment" href="file:///etc/passwd">',
        f'<img src="{url}/img">',
        f"<a rel=attachment href=file:///etc/hostname>{url}/a</a>",
    ]


def _poison(roadmap, port: int) -> str:
    """Put a payload in every text field a brief prints; returns one to look for."""
    texts = payloads(port)

    def text(n: int, limit: int = 120) -> str:
        return texts[n % len(texts)][:limit]

    with scopes_disabled():
        org = roadmap.organisation
        org.name = text(1)
        org.save()
        roadmap.title = text(0)
        roadmap.description = " ".join(texts)
        roadmap.save()
        for user in [roadmap.organisation.memberships.get(role=Role.FACILITATOR).user]:
            user.first_name, user.last_name = text(6, 150), text(7, 150)
            user.save()
        roadmap.owner = user
        roadmap.save()
        for n, phase in enumerate(Phase.objects.filter(roadmap=roadmap)):
            phase.name = text(n + 2, 80)
            phase.save()
        for n, purpose in enumerate(Purpose.objects.filter(organisation=org)):
            purpose.title = text(n)
            for field in ["statement", "participants", "issue"]:
                setattr(purpose, field, " ".join(texts))
            purpose.value_to_participants = text(n + 3)
            purpose.value_to_organisation = text(n + 5)
            purpose.save()
        for n, community in enumerate(Community.objects.filter(organisation=org)):
            community.name = text(n + 4)
            community.save()
        for n, need in enumerate(Need.objects.filter(organisation=org)):
            need.statement = text(n + 5)
            need.save()
        ScoringRound.objects.filter(organisation=org).update(name=text(3))
        for n, milestone in enumerate(Milestone.objects.filter(roadmap=roadmap)):
            milestone.title = text(n)
            milestone.description = " ".join(texts)
            milestone.owner = user
            if milestone.kind == "risk":
                milestone.mitigation = " ".join(texts)
            if milestone.kind == "value":
                milestone.value_metric = text(n + 1)
            if milestone.kind == "decision":
                milestone.decision_text = " ".join(texts)
            milestone.save()
    return text(0)


def _inflated_streams(pdf: bytes) -> bytes:
    """The PDF with every stream decompressed, to look inside fonts, images and attachments."""
    reader = PdfReader(io.BytesIO(pdf))
    out = [pdf]
    for number in range(1, int(reader.trailer["/Size"])):
        try:
            obj = reader.get_object(number)
        except Exception:  # noqa: S112 - sparse object numbers
            continue
        if hasattr(obj, "get_data"):
            try:
                out.append(obj.get_data())
            except Exception:  # noqa: S112
                continue
    for chunk in pdf.split(b"stream\n")[1:]:
        try:
            out.append(zlib.decompressobj().decompress(chunk))
        except zlib.error:
            continue
    return b"".join(out)


def test_payloads_in_every_field_fetch_nothing_and_leak_nothing(world, canary):
    roadmap = build_roadmap_for_brief(world.ours)
    title = _poison(roadmap, canary.port)
    facilitator = world.ours.user(Role.FACILITATOR)
    report = request_and_render(roadmap, facilitator)
    assert report.status == ReportStatus.DONE, report.error
    workshop = request_and_render(roadmap, facilitator, kind="workshop")
    assert workshop.status == ReportStatus.DONE, workshop.error

    assert canary.requests == []
    for brief in (report, workshop):
        pdf = brief.file.open("rb").read()
        reader = PdfReader(io.BytesIO(pdf))
        assert "/EmbeddedFiles" not in str(reader.trailer["/Root"].get("/Names", {}))
        assert PASSWD_MARKER not in _inflated_streams(pdf)
        text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
        # The payload is printed as the words it is, not obeyed.
        assert "<img src=" in text
        assert " ".join(title.split()) in text


def test_unescaped_markup_still_fetches_nothing(canary):
    """The second wall: if escaping ever failed, the fetcher would still refuse."""
    html = "\n".join(
        [
            "<!doctype html><html lang=en><head><title>t</title>",
            '<link rel="attachment" href="file:///etc/passwd">',
            f'<link rel="stylesheet" href="http://127.0.0.1:{canary.port}/sheet.css">',
            f"<style>@import url(http://127.0.0.1:{canary.port}/import);"
            "body { background: url(file:///dev/urandom) }</style></head><body>",
            *payloads(canary.port),
            f'<object data="http://127.0.0.1:{canary.port}/object"></object>',
            '<img src="data:image/svg+xml;utf8,<svg xmlns=%22http://www.w3.org/2000/svg%22>'
            f'<image href=%22http://127.0.0.1:{canary.port}/nested%22/></svg>">',
            "</body></html>",
        ]
    )
    fetcher = BriefURLFetcher()
    laid_out = pdf_engine.layout_pdf(html, fetcher)
    pdf = laid_out.write_pdf()
    assert canary.requests == []
    assert any("/etc/passwd" in url for url in fetcher.blocked)
    assert any(f":{canary.port}/" in url for url in fetcher.blocked)
    assert PASSWD_MARKER not in _inflated_streams(pdf)
    assert Path("/etc/passwd").read_bytes().startswith(b"root:")  # the marker is real here
