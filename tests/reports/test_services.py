"""Requesting, claiming, failing and reaping briefs (the worker's side, in-process)."""

import hashlib
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError, transaction
from django.template import TemplateSyntaxError
from django.utils import timezone
from django_scopes import scopes_disabled

from reports import context, pdf_engine, services
from reports.models import Report, ReportStage, ReportStatus
from tests.support.report_builders import request_and_render
from tests.support.report_factories import ReportFactory

pytestmark = pytest.mark.django_db


def _row(report) -> Report:
    with scopes_disabled():
        return Report.objects.get(pk=report.pk)


def _brief_files(settings) -> list:
    root = Path(settings.MEDIA_ROOT) / "briefs"
    return sorted(root.rglob("*.pdf")) if root.exists() else []


# ---------------------------------------------------------------- request


def test_a_request_is_queued_and_sent_once_the_transaction_commits(
    roadmap, facilitator, django_capture_on_commit_callbacks
):
    with (
        mock.patch("reports.tasks.render_report.delay") as delay,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        report = services.report_request(roadmap=roadmap, kind="board", actor=facilitator)
        delay.assert_not_called()  # not before the commit
    assert len(callbacks) == 1
    delay.assert_called_once_with(report.pk)
    row = _row(report)
    assert (row.status, row.version, row.requested_by, row.attempts) == (
        ReportStatus.QUEUED, 1, facilitator, 0
    )  # fmt: skip


def test_a_request_in_a_rolled_back_transaction_sends_nothing(
    roadmap, facilitator, django_capture_on_commit_callbacks
):
    with (
        mock.patch("reports.tasks.render_report.delay") as delay,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.report_request(roadmap=roadmap, kind="board", actor=facilitator)
        raise RuntimeError("the view failed after the request")
    assert callbacks == []
    delay.assert_not_called()
    with scopes_disabled():
        assert not Report.objects.exists()


def test_versions_count_per_roadmap_and_kind(roadmap, facilitator, no_enqueue):
    first = request_and_render(roadmap, facilitator)
    second = request_and_render(roadmap, facilitator)
    workshop = request_and_render(roadmap, facilitator, kind="workshop")
    assert (first.version, second.version, workshop.version) == (1, 2, 1)


def test_a_second_request_while_one_is_at_work_returns_it(roadmap, facilitator, no_enqueue):
    first = services.report_request(roadmap=roadmap, kind="board", actor=facilitator)
    again = services.report_request(roadmap=roadmap, kind="board", actor=facilitator)
    assert again.pk == first.pk
    assert no_enqueue.call_count == 0  # on_commit never runs inside the test transaction
    with scopes_disabled():
        assert Report.objects.count() == 1


def test_an_unknown_kind_is_refused(roadmap, facilitator):
    with pytest.raises(ValueError):
        services.report_request(roadmap=roadmap, kind="memo", actor=facilitator)


# ---------------------------------------------------------------- render and claim


def test_render_draws_the_brief_and_records_everything(roadmap, facilitator, settings):
    report = request_and_render(roadmap, facilitator)
    assert report.status == ReportStatus.DONE
    assert (report.progress, report.stage, report.attempts, report.error) == (100, "", 1, "")
    assert report.page_count > 5
    pdf = report.file.read()
    assert pdf.startswith(b"%PDF-")
    assert report.size_bytes == len(pdf)
    assert report.sha256 == hashlib.sha256(pdf).hexdigest()
    assert report.snapshot["data"]["roadmap"]["title"] == "Growth plan"
    assert set(report.stage_seconds) == {"collecting", "timeline", "layout", "saving", "total"}
    assert report.started_at and report.claimed_at and report.finished_at
    assert report.finished_at >= report.started_at >= report.requested_at
    assert _brief_files(settings) == [Path(report.file.path)]


def test_a_second_delivery_does_nothing(roadmap, facilitator, settings):
    report = request_and_render(roadmap, facilitator)
    assert services.report_render(report_id=report.pk) == "skipped"
    again = _row(report)
    assert (again.attempts, again.sha256, again.file.name) == (1, report.sha256, report.file.name)
    assert len(_brief_files(settings)) == 1


def test_a_deleted_brief_is_skipped(roadmap, facilitator, no_enqueue):
    report = services.report_request(roadmap=roadmap, kind="board", actor=facilitator)
    with scopes_disabled():
        Report.objects.filter(pk=report.pk).delete()
    assert services.report_render(report_id=report.pk) == "skipped"


def test_a_stale_attempt_cannot_overwrite_a_newer_one(roadmap, facilitator, no_enqueue, settings):
    report = services.report_request(roadmap=roadmap, kind="board", actor=facilitator)
    real_layout = pdf_engine.layout_pdf

    def reaper_and_new_worker_step_in(*args, **kwargs):
        # While this (first) attempt lays out pages, the reaper gives the row
        # to a second attempt, which is now rendering.
        with scopes_disabled():
            Report.objects.filter(pk=report.pk).update(attempts=2, stage=ReportStage.TIMELINE)
        return real_layout(*args, **kwargs)

    with mock.patch.object(pdf_engine, "layout_pdf", reaper_and_new_worker_step_in):
        assert services.report_render(report_id=report.pk) == "superseded"
    row = _row(report)
    assert (row.status, row.attempts, row.stage, row.file.name) == (
        ReportStatus.RENDERING, 2, ReportStage.TIMELINE, ""
    )  # fmt: skip
    assert _brief_files(settings) == []


def test_a_stale_attempt_deletes_the_file_it_saved(roadmap, facilitator, no_enqueue, settings):
    report = services.report_request(roadmap=roadmap, kind="board", actor=facilitator)
    real_write = pdf_engine.write_pdf

    def superseded_while_saving(*args, **kwargs):
        pdf = real_write(*args, **kwargs)
        with scopes_disabled():
            Report.objects.filter(pk=report.pk).update(attempts=5)
        return pdf

    with mock.patch.object(pdf_engine, "write_pdf", superseded_while_saving):
        assert services.report_render(report_id=report.pk) == "superseded"
    assert _row(report).status == ReportStatus.RENDERING
    assert _brief_files(settings) == []


# ---------------------------------------------------------------- failures


def test_a_template_error_fails_at_once_with_a_readable_reason(roadmap, facilitator, no_enqueue):
    report = services.report_request(roadmap=roadmap, kind="board", actor=facilitator)
    with mock.patch.object(context, "brief_html", side_effect=TemplateSyntaxError("bad tag")):
        assert services.report_render(report_id=report.pk) == "failed"
    row = _row(report)
    assert row.status == ReportStatus.FAILED
    assert "could not be drawn (TemplateSyntaxError)" in row.error
    assert "bad tag" not in row.error  # no internals on the page
    assert row.finished_at is not None


def test_a_database_hiccup_puts_the_brief_back_in_the_queue_and_raises_for_a_retry(
    roadmap, facilitator, no_enqueue
):
    report = services.report_request(roadmap=roadmap, kind="board", actor=facilitator)
    with (
        mock.patch("reports.services.snapshot_build", side_effect=OperationalError("gone")),
        pytest.raises(OperationalError),
    ):
        services.report_render(report_id=report.pk)
    row = _row(report)
    assert (row.status, row.attempts, row.progress) == (ReportStatus.QUEUED, 1, 0)
    # The retry claims it again and finishes.
    assert services.report_render(report_id=report.pk) == "done"
    assert _row(report).attempts == 2


def test_transient_errors_fail_the_brief_at_the_attempt_limit(
    roadmap, facilitator, no_enqueue, settings
):
    settings.REPORTS_MAX_ATTEMPTS = 2
    report = services.report_request(roadmap=roadmap, kind="board", actor=facilitator)
    with mock.patch("reports.services.snapshot_build", side_effect=OSError("disk")):
        for _ in range(2):
            with pytest.raises(OSError):
                services.report_render(report_id=report.pk)
    row = _row(report)
    assert row.status == ReportStatus.FAILED
    assert "after 2 tries" in row.error


def test_the_soft_time_limit_fails_the_brief_with_a_reason(roadmap, facilitator, no_enqueue):
    report = services.report_request(roadmap=roadmap, kind="board", actor=facilitator)
    with mock.patch.object(pdf_engine, "layout_pdf", side_effect=SoftTimeLimitExceeded()):
        assert services.report_render(report_id=report.pk) == "failed"
    assert "took longer than" in _row(report).error


def test_a_render_past_the_soft_limit_fails_even_if_the_signal_was_swallowed(
    roadmap, facilitator, no_enqueue, settings
):
    settings.REPORTS_SOFT_TIME_LIMIT = 0
    report = services.report_request(roadmap=roadmap, kind="board", actor=facilitator)
    assert services.report_render(report_id=report.pk) == "failed"
    assert _row(report).status == ReportStatus.FAILED


# ---------------------------------------------------------------- reaper


def _aged(report, **fields):
    with scopes_disabled():
        Report.objects.filter(pk=report.pk).update(**fields)


def test_the_reaper_requeues_a_brief_left_rendering_past_the_hard_limit(roadmap, settings):
    settings.REPORTS_HARD_TIME_LIMIT, settings.REPORTS_REAPER_GRACE = 10, 5
    now = timezone.now()
    stuck = ReportFactory(roadmap=roadmap, status=ReportStatus.RENDERING, attempts=1)
    _aged(stuck, claimed_at=now - timedelta(seconds=16), stage=ReportStage.LAYOUT, progress=40)
    working = ReportFactory(roadmap=roadmap, status=ReportStatus.RENDERING, attempts=1)
    _aged(working, claimed_at=now - timedelta(seconds=14))
    with mock.patch("reports.tasks.render_report.delay") as delay:
        result = services.report_reap(now=now)
    assert result.requeued == [stuck.pk] and result.failed == []
    delay.assert_called_once_with(stuck.pk)
    row = _row(stuck)
    assert (row.status, row.stage, row.progress, row.attempts) == (ReportStatus.QUEUED, "", 0, 1)
    assert _row(working).status == ReportStatus.RENDERING


def test_the_reaper_fails_a_brief_whose_workers_died_too_often(roadmap, settings):
    settings.REPORTS_MAX_ATTEMPTS = 3
    now = timezone.now()
    stuck = ReportFactory(roadmap=roadmap, status=ReportStatus.RENDERING, attempts=3)
    _aged(stuck, claimed_at=now - timedelta(hours=1))
    with mock.patch("reports.tasks.render_report.delay") as delay:
        result = services.report_reap(now=now)
    assert result.failed == [stuck.pk]
    delay.assert_not_called()
    row = _row(stuck)
    assert row.status == ReportStatus.FAILED
    assert "stopped 3 times" in row.error


def test_the_reaper_resends_a_brief_queued_too_long_once_per_period(roadmap, settings):
    settings.REPORTS_QUEUED_STALE = 60
    now = timezone.now()
    lost = ReportFactory(roadmap=roadmap)
    _aged(lost, enqueued_at=now - timedelta(seconds=61))
    fresh = ReportFactory(roadmap=roadmap)
    _aged(fresh, enqueued_at=now - timedelta(seconds=30))
    done = ReportFactory(roadmap=roadmap, done=True)
    _aged(done, enqueued_at=now - timedelta(hours=1))
    with mock.patch("reports.tasks.render_report.delay") as delay:
        assert services.report_reap(now=now).resent == [lost.pk]
        assert services.report_reap(now=now + timedelta(seconds=1)).resent == []
    delay.assert_called_once_with(lost.pk)
    assert _row(lost).enqueued_at == now


def test_a_resent_brief_is_drawn_once_however_many_messages_arrive(
    roadmap, facilitator, no_enqueue
):
    report = services.report_request(roadmap=roadmap, kind="board", actor=facilitator)
    results = [services.report_render(report_id=report.pk) for _ in range(3)]
    assert results == ["done", "skipped", "skipped"]
