"""Briefs on real, separate Celery worker processes: done, killed, duplicated, rolled back.

In CI (REQUIRE_SERVICES=1) these run against Redis; without REDIS_URL they
run against the filesystem broker, which loses a message when its worker is
killed (the reaper covers that, and the kill test shows it). Timings are
shortened through the environment: a hard limit of 10 s, a reaper every
second, a Redis visibility timeout of 3 s.
"""

import io
import os
import re
import signal
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django_scopes import scopes_disabled
from pypdf import PdfReader

from config.celery import app
from organisations.permissions import Role
from reports import services
from reports.models import Report, ReportStatus
from reports.tasks import render_report
from tests.support.report_builders import build_roadmap_for_brief
from tests.support.services import REQUIRE_SERVICES
from tests.support.worker import celery_worker, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

HARD_LIMIT = 10
REAPER_SECONDS = 1
REAPER_GRACE = 1
# Slack for a worker to start and draw a small brief on a busy 2-core machine.
SLACK = 45


@pytest.fixture
def broker(request):
    """Redis when configured (and always in CI); otherwise the filesystem broker."""
    if settings.REDIS_URL or REQUIRE_SERVICES:
        request.getfixturevalue("require_redis")
    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(settings.CELERY_TASK_DEFAULT_QUEUE)


@pytest.fixture
def worker_env(media_root, tmp_path):
    return {
        "DJANGO_SETTINGS_MODULE": "tests.reports.worker_settings",
        "REPORTS_TEST_MEDIA_ROOT": str(media_root),
        "REPORTS_SOFT_TIME_LIMIT": str(HARD_LIMIT - 2),
        "REPORTS_HARD_TIME_LIMIT": str(HARD_LIMIT),
        "REPORTS_REAPER_SECONDS": str(REAPER_SECONDS),
        "REPORTS_REAPER_GRACE": str(REAPER_GRACE),
        "REPORTS_QUEUED_STALE": "5",
        "CELERY_VISIBILITY_TIMEOUT": "3",
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_BEAT_SCHEDULE_FILENAME": str(tmp_path / "beat-schedule"),
    }


def _row(pk: int) -> Report:
    with scopes_disabled():
        return Report.objects.get(pk=pk)


def _pdfs(media_root: Path) -> list[Path]:
    return sorted((media_root / "briefs").rglob("*.pdf"))


def _log(path: Path) -> str:
    return path.read_text() if path.exists() else ""


def test_a_requested_brief_is_drawn_by_a_worker_and_downloadable(
    world, broker, worker_env, tmp_path
):
    roadmap = build_roadmap_for_brief(world.ours, title="Worker roadmap")
    client = world.client(world.ours.user(Role.FACILITATOR))
    log = tmp_path / "worker.log"
    with celery_worker("--concurrency=1", log_path=log, **worker_env):
        response = client.post(
            reverse("reports:request", args=["ours", roadmap.pk]), {"kind": "board"}
        )
        assert response.status_code == 302
        with scopes_disabled():
            pk = Report.objects.get(roadmap=roadmap).pk
        assert wait_for(lambda: _row(pk).status == ReportStatus.DONE, timeout=90), _log(log)
    download = world.client(world.ours.user(Role.VIEWER)).get(
        reverse("reports:download", args=["ours", pk])
    )
    reader = PdfReader(io.BytesIO(b"".join(download.streaming_content)))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for title in ["Executive summary", "Purpose ranking and scores", "Timeline",
                  "What changed since the previous brief", "Appendix: every purpose"]:  # fmt: skip
        assert title in text
    assert "Worker roadmap" in text
    assert "Help design engineers get their boards right first time." in text
    assert len(reader.pages) == _row(pk).page_count
    assert "reports.tasks.render_report" in _log(log) and "'done'" in _log(log)


def test_a_worker_killed_mid_render_leaves_nothing_stuck(
    world, broker, worker_env, media_root, tmp_path
):
    roadmap = build_roadmap_for_brief(world.ours)
    report = services.report_request(
        roadmap=roadmap, kind="board", actor=world.ours.user(Role.FACILITATOR)
    )  # committed at once (no transaction around it): the task is sent
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    slow = {**worker_env, "REPORTS_STAGE_DELAY": "2"}
    with celery_worker("--pool=solo", log_path=first_log, **slow) as first:
        assert wait_for(lambda: _row(report.pk).stage in ("timeline", "layout"), timeout=60), _log(
            first_log
        )
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        killed_at = time.monotonic()
    stuck = _row(report.pk)
    assert (stuck.status, stuck.attempts) == (ReportStatus.RENDERING, 1)

    with celery_worker("--concurrency=1", "-B", log_path=second_log, **worker_env):
        finished = wait_for(
            lambda: _row(report.pk).status in (ReportStatus.DONE, ReportStatus.FAILED),
            timeout=HARD_LIMIT + REAPER_GRACE + REAPER_SECONDS + SLACK,
            interval=0.25,
        )
        took = time.monotonic() - killed_at
        if settings.REDIS_URL:
            # Redis hands the killed worker's message out again after the
            # visibility timeout; the claim turns it into a no-op.
            assert wait_for(lambda: "'skipped'" in _log(second_log), timeout=SLACK), _log(
                second_log
            )
    assert finished, _log(second_log)
    row = _row(report.pk)
    assert row.status == ReportStatus.DONE, row.error
    assert row.attempts == 2  # the killed attempt, then the reaper's
    assert _pdfs(media_root) == [Path(row.file.path)]
    assert "requeued" in _log(second_log)
    print(f"killed → done in {took:.1f} s (hard limit {HARD_LIMIT} s + reaper)")


def test_two_workers_and_a_duplicate_message_make_one_pdf(
    world, broker, worker_env, media_root, tmp_path
):
    roadmap = build_roadmap_for_brief(world.ours)
    slow = {**worker_env, "REPORTS_STAGE_DELAY": "0.5"}
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    with (
        celery_worker("--pool=solo", "-n", "a@%h", log_path=logs[0], **slow),
        celery_worker("--pool=solo", "-n", "b@%h", log_path=logs[1], **slow),
    ):
        report = services.report_request(
            roadmap=roadmap, kind="board", actor=world.ours.user(Role.FACILITATOR)
        )
        render_report.delay(report.pk)  # the same task, delivered a second time

        def both_handled() -> bool:
            text = _log(logs[0]) + _log(logs[1])
            return len(re.findall(r"render_report\[[^\]]+\] succeeded", text)) >= 2

        assert wait_for(both_handled, timeout=90), _log(logs[0]) + _log(logs[1])
    text = _log(logs[0]) + _log(logs[1])
    results = re.findall(r"succeeded in [\d.]+s: '(\w+)'", text)
    # Two deliveries at least (Redis may hand out a third once the short
    # visibility timeout passes mid-render): one draws, the others do nothing.
    assert results.count("done") == 1
    assert set(results) == {"done", "skipped"}
    row = _row(report.pk)
    assert (row.status, row.attempts) == (ReportStatus.DONE, 1)
    with scopes_disabled():
        assert Report.objects.filter(roadmap=roadmap).count() == 1
    assert _pdfs(media_root) == [Path(row.file.path)]


def test_a_request_in_a_rolled_back_transaction_runs_no_task(world, broker, worker_env, tmp_path):
    roadmap = build_roadmap_for_brief(world.ours)
    facilitator = world.ours.user(Role.FACILITATOR)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.report_request(roadmap=roadmap, kind="board", actor=facilitator)
        raise RuntimeError("the request failed after the brief was asked for")
    # A brief asked for afterwards, and committed, is the marker: once it is
    # done, anything sent before it would have been received too.
    marker = services.report_request(roadmap=roadmap, kind="workshop", actor=facilitator)
    log = tmp_path / "worker.log"
    with celery_worker("--pool=solo", log_path=log, **worker_env):
        assert wait_for(lambda: _row(marker.pk).status == ReportStatus.DONE, timeout=90), _log(log)
    assert len(re.findall(r"render_report\[[^\]]+\] received", _log(log))) == 1
    with scopes_disabled():
        assert list(Report.objects.values_list("kind", flat=True)) == ["workshop"]


def test_a_render_past_the_soft_limit_fails_with_a_reason_before_the_hard_limit(
    world, broker, worker_env, tmp_path
):
    roadmap = build_roadmap_for_brief(world.ours)
    log = tmp_path / "worker.log"
    limits = {
        **worker_env,
        "REPORTS_SOFT_TIME_LIMIT": "2",
        "REPORTS_HARD_TIME_LIMIT": "6",
        "REPORTS_STAGE_DELAY": "3",
    }
    with celery_worker("--concurrency=1", log_path=log, **limits):
        report = services.report_request(
            roadmap=roadmap, kind="board", actor=world.ours.user(Role.FACILITATOR)
        )
        assert wait_for(lambda: _row(report.pk).status == ReportStatus.FAILED, timeout=60), _log(
            log
        )
    row = _row(report.pk)
    assert "took longer than 2 seconds" in row.error
    assert (row.finished_at - row.claimed_at).total_seconds() < 6
