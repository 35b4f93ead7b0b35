"""As a facilitator would, in a real browser, with a real worker: ask for a board
brief, watch its progress, download it; move a milestone, ask again, and find
the move in the new brief's "what changed"."""

import io
from datetime import timedelta

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect
from pypdf import PdfReader

from roadmap.models import Milestone
from tests.support.browser import sign_in
from tests.support.report_builders import demo_roadmap
from tests.support.worker import celery_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _download_text(page, link) -> tuple[str, str]:
    with page.expect_download() as download:
        link.click()
    path = download.value.path()
    reader = PdfReader(io.BytesIO(open(path, "rb").read()))  # noqa: SIM115
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    return download.value.suggested_filename, text


def test_request_watch_download_and_see_what_changed(
    live_server, browser, screenshot, media_root, tmp_path
):
    roadmap = demo_roadmap()
    env = {
        "DJANGO_SETTINGS_MODULE": "tests.reports.worker_settings",
        "REPORTS_TEST_MEDIA_ROOT": str(media_root),
        # Slow enough to see the stages go by in the browser.
        "REPORTS_STAGE_DELAY": "0.8",
    }
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    with celery_worker("--pool=solo", log_path=tmp_path / "worker.log", **env):
        sign_in(page, live_server.url, "facilitator@demo.example")
        page.goto(f"{live_server.url}/o/voltaic/briefs/roadmap/{roadmap.pk}/")
        expect(page.get_by_role("heading", name="Board and workshop briefs")).to_be_visible()
        expect(page.get_by_text("No brief yet.")).to_be_visible()
        screenshot(page, "empty")

        page.get_by_role("button", name="Request board brief").click()
        progress = page.locator(f"#briefs-{roadmap.pk}-progress")
        expect(progress.locator("progress")).to_be_visible()
        expect(page.get_by_role("button", name="Request board brief")).to_be_disabled()
        # The stages go by as the page polls.
        expect(progress).to_contain_text("Laying out pages", timeout=30_000)
        screenshot(page, "progress")

        # Leaving and coming back shows the same brief at work.
        page.reload()
        expect(page.locator("progress")).to_be_visible()

        download = page.get_by_role("link", name="Download PDF Board brief v1")
        expect(download).to_be_visible(timeout=60_000)
        expect(page.locator("progress")).to_have_count(0)
        screenshot(page, "done")
        filename, text = _download_text(page, download)
        assert filename == "voltaic-components-design-engineer-community-roadmap-board-brief-v1.pdf"
        assert "Design engineer community roadmap" in text
        assert "This is the first brief of its kind" in text

        with scopes_disabled():
            milestone = (
                Milestone.objects.filter(roadmap=roadmap, kind="community")
                .order_by("start")
                .first()
            )
            milestone.start += timedelta(days=14)
            milestone.save()
        page.get_by_role("button", name="Request board brief").click()
        second = page.get_by_role("link", name="Download PDF Board brief v2")
        expect(second).to_be_visible(timeout=60_000)
        screenshot(page, "second")
        _, text = _download_text(page, second)
    assert "since version 1" in text
    assert f"{milestone.title} moved from" in text
    assert "14 days later" in text
    assert errors == []
