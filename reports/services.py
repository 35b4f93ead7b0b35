"""Asking for a brief, drawing it on a worker, and sweeping up after dead workers.

The row is the truth the page polls. Every write after the request is a
conditional ``update()`` naming the state it expects, so whatever arrives
twice or late — a redelivered message, a second worker, a worker that comes
back after the reaper gave its brief to another — changes nothing:

- ``report_render`` claims a ``queued`` row (``attempts`` + 1) and keeps the
  attempt number; every later write requires ``status=rendering`` and that
  attempt. A stale attempt stops at its next write and deletes its own file.
- ``report_reap`` requeues (or fails) rows left ``rendering`` past the hard
  time limit, and sends again rows ``queued`` for too long (the filesystem
  broker loses a message when its worker dies).

docs/briefs.md walks through the states.
"""

import hashlib
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from organisations.models import User
from reports import context, pdf_engine
from reports.fetcher import BriefURLFetcher
from reports.models import ACTIVE_STATUSES, Report, ReportKind, ReportStage, ReportStatus
from reports.snapshot import snapshot_build
from roadmap.models import Roadmap

logger = logging.getLogger(__name__)

# Progress when each stage starts; "laying out pages" is most of the time.
STAGE_PROGRESS = {
    ReportStage.COLLECTING: 5,
    ReportStage.TIMELINE: 25,
    ReportStage.LAYOUT: 40,
    ReportStage.SAVING: 90,
}
# Errors worth another try: the database or the disk hiccuped.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError, OSError)


class Superseded(Exception):
    """This attempt no longer owns the row (the reaper or a newer attempt took it)."""


class RenderTimedOut(Exception):
    """The render went past the soft time limit."""


def _rows():
    # Workers and the reaper act across organisations; a request's scope
    # would hide nothing here, and the filters below name the row by id.
    return Report.objects.with_scopes_disabled()


# ---------------------------------------------------------------- request


def report_request(*, roadmap: Roadmap, kind: str, actor: User) -> Report:
    """A new version of the roadmap's ``kind`` brief, queued; sent to a worker on commit.

    If one of that kind is already queued or rendering, that one is returned:
    a double click does not draw the brief twice.
    """
    if kind not in ReportKind.values:
        raise ValueError(f"Unknown brief kind {kind!r}")
    from reports.tasks import render_report

    for _attempt in range(3):
        try:
            with transaction.atomic():
                # Serialises requests for one roadmap (PostgreSQL; SQLite's
                # IMMEDIATE transactions already do), so versions never clash.
                Roadmap.objects.with_scopes_disabled().select_for_update().filter(
                    pk=roadmap.pk
                ).first()
                active = (
                    _rows()
                    .filter(roadmap=roadmap, kind=kind, status__in=ACTIVE_STATUSES)
                    .order_by("-version")
                    .first()
                )
                if active is not None:
                    return active
                latest = _rows().filter(roadmap=roadmap, kind=kind).aggregate(v=Max("version"))
                now = timezone.now()
                report = _rows().create(
                    organisation_id=roadmap.organisation_id,
                    roadmap=roadmap,
                    kind=kind,
                    version=(latest["v"] or 0) + 1,
                    requested_by=actor,
                    requested_at=now,
                    enqueued_at=now,
                )
                transaction.on_commit(lambda pk=report.pk: render_report.delay(pk))
                return report
        except IntegrityError:
            # Another request took the same version number first: count again.
            continue
    raise RuntimeError("Could not number a new brief version")


# ---------------------------------------------------------------- render


def _claim(report_id: int) -> int | None:
    """Take a queued row for this worker; the attempt number, or None if it is not ours."""
    now = timezone.now()
    with transaction.atomic():
        claimed = (
            _rows()
            .filter(pk=report_id, status=ReportStatus.QUEUED)
            .update(
                status=ReportStatus.RENDERING,
                attempts=F("attempts") + 1,
                claimed_at=now,
                stage=ReportStage.COLLECTING,
                progress=STAGE_PROGRESS[ReportStage.COLLECTING],
                error="",
            )
        )
        if not claimed:
            return None
        row = _rows().filter(pk=report_id).values("attempts", "started_at").get()
        if row["started_at"] is None:
            _rows().filter(pk=report_id).update(started_at=now)
    return row["attempts"]


@dataclass
class _Attempt:
    report_id: int
    attempt: int
    started: float
    stage: str = ""
    stage_started: float = 0.0

    def mine(self):
        return _rows().filter(
            pk=self.report_id, status=ReportStatus.RENDERING, attempts=self.attempt
        )

    def enter(self, stage: str, seconds: dict) -> None:
        now = time.monotonic()
        if self.stage:
            seconds[self.stage] = round(now - self.stage_started, 3)
        if now - self.started > settings.REPORTS_SOFT_TIME_LIMIT:
            # Celery's soft limit raises inside the render, where WeasyPrint
            # may swallow it (it skips what fails to load); check here too.
            raise RenderTimedOut
        if not self.mine().update(stage=stage, progress=STAGE_PROGRESS[stage]):
            raise Superseded
        self.stage, self.stage_started = stage, now
        if settings.REPORTS_STAGE_DELAY:
            time.sleep(settings.REPORTS_STAGE_DELAY)


def report_render(*, report_id: int) -> str:
    """Draw a queued brief; safe to run twice, concurrently or late. Returns what happened."""
    attempt_number = _claim(report_id)
    if attempt_number is None:
        logger.info("Brief %s is not queued: nothing to do", report_id)
        return "skipped"
    attempt = _Attempt(report_id, attempt_number, time.monotonic())
    seconds: dict[str, float] = {}
    saved_name = ""
    try:
        report = _rows().select_related("roadmap__organisation", "requested_by").get(pk=report_id)
        organisation = report.roadmap.organisation
        with scope(organisation=organisation):
            attempt.enter(ReportStage.COLLECTING, seconds)
            previous = (
                _rows()
                .filter(
                    roadmap_id=report.roadmap_id,
                    kind=report.kind,
                    status=ReportStatus.DONE,
                    version__lt=report.version,
                )
                .order_by("-version")
                .values_list("snapshot", flat=True)
                .first()
            )
            snapshot = snapshot_build(
                roadmap=report.roadmap,
                kind=report.kind,
                version=report.version,
                requested_by=report.requested_by.display_name if report.requested_by else "",
                previous=previous,
            )
            if not attempt.mine().update(snapshot=snapshot):
                raise Superseded
        attempt.enter(ReportStage.TIMELINE, seconds)
        brief = context.brief_context(snapshot)
        html = context.brief_html(brief)
        attempt.enter(ReportStage.LAYOUT, seconds)
        fetcher = BriefURLFetcher()
        laid_out = pdf_engine.layout_pdf(html, fetcher)
        if fetcher.blocked:
            logger.warning("Brief %s: refused to load %s", report_id, fetcher.blocked)
        attempt.enter(ReportStage.SAVING, seconds)
        pdf = pdf_engine.write_pdf(laid_out, snapshot)
        saved_name = report.file.storage.save(
            report.file.field.generate_filename(report, "brief.pdf"), ContentFile(pdf)
        )
        seconds[ReportStage.SAVING] = round(time.monotonic() - attempt.stage_started, 3)
        seconds["total"] = round(time.monotonic() - attempt.started, 3)
        finished = attempt.mine().update(
            status=ReportStatus.DONE,
            progress=100,
            stage="",
            file=saved_name,
            page_count=len(laid_out.pages),
            size_bytes=len(pdf),
            sha256=hashlib.sha256(pdf).hexdigest(),
            finished_at=timezone.now(),
            stage_seconds=seconds,
            error="",
        )
        if not finished:
            raise Superseded
        return "done"
    except Superseded:
        logger.warning(
            "Brief %s attempt %s was superseded; its work is dropped", report_id, attempt_number
        )
        _delete_file(saved_name)
        return "superseded"
    except (SoftTimeLimitExceeded, RenderTimedOut):
        _delete_file(saved_name)
        _fail(
            attempt,
            _(
                "The brief took longer than %(seconds)d seconds to draw and was stopped. "
                "A roadmap this large may need fewer milestones in one brief."
            )
            % {"seconds": settings.REPORTS_SOFT_TIME_LIMIT},
        )
        return "failed"
    except TRANSIENT_ERRORS as error:
        _delete_file(saved_name)
        _requeue_or_fail(attempt, error)
        raise
    except Exception as error:
        # A template or data error: trying again would fail the same way.
        logger.exception("Brief %s failed", report_id)
        _delete_file(saved_name)
        _fail(
            attempt,
            _(
                "The brief could not be drawn (%(error)s). Nothing was saved. Try again; "
                "if it fails again, the roadmap holds something the brief cannot show yet."
            )
            % {"error": type(error).__name__},
        )
        return "failed"


def _delete_file(name: str) -> None:
    if name:
        Report._meta.get_field("file").storage.delete(name)


def _fail(attempt: _Attempt, reason: str) -> None:
    attempt.mine().update(
        status=ReportStatus.FAILED, stage="", error=reason, finished_at=timezone.now()
    )


def _requeue_or_fail(attempt: _Attempt, error: BaseException) -> None:
    """After a transient error: back in the queue for the task's retry, or failed at the limit."""
    try:
        if attempt.attempt >= settings.REPORTS_MAX_ATTEMPTS:
            _fail(
                attempt,
                _("The brief could not be drawn after %(n)d tries (%(error)s).")
                % {"n": attempt.attempt, "error": type(error).__name__},
            )
        else:
            attempt.mine().update(
                status=ReportStatus.QUEUED, stage="", progress=0, enqueued_at=timezone.now()
            )
    except TRANSIENT_ERRORS:
        # The database itself is away; the reaper puts the row right later.
        logger.exception("Brief %s could not be put back in the queue", attempt.report_id)


# ---------------------------------------------------------------- reaper


@dataclass(frozen=True)
class ReapResult:
    requeued: list[int]
    failed: list[int]
    resent: list[int]


def report_reap(*, now: datetime | None = None) -> ReapResult:
    """Nothing stays "rendering" for ever, and no queued brief waits on a lost message."""
    from reports.tasks import render_report

    now = now or timezone.now()
    stuck_before = now - timedelta(
        seconds=settings.REPORTS_HARD_TIME_LIMIT + settings.REPORTS_REAPER_GRACE
    )
    requeued, failed, resent = [], [], []
    stuck = _rows().filter(status=ReportStatus.RENDERING, claimed_at__lt=stuck_before)
    for pk, attempts in stuck.values_list("pk", "attempts"):
        row = _rows().filter(pk=pk, status=ReportStatus.RENDERING, attempts=attempts)
        if attempts >= settings.REPORTS_MAX_ATTEMPTS:
            reason = _(
                "The worker drawing this brief stopped %(n)d times without finishing, so it "
                "was given up. Try again; if it keeps failing, tell your administrator."
            ) % {"n": attempts}
            if row.update(status=ReportStatus.FAILED, stage="", error=reason, finished_at=now):
                failed.append(pk)
        elif row.update(status=ReportStatus.QUEUED, stage="", progress=0, enqueued_at=now):
            requeued.append(pk)
    lost = _rows().filter(
        status=ReportStatus.QUEUED,
        enqueued_at__lt=now - timedelta(seconds=settings.REPORTS_QUEUED_STALE),
    )
    for pk, enqueued_at in lost.values_list("pk", "enqueued_at"):
        # Conditional on the timestamp: two reapers never both resend one row.
        if (
            _rows()
            .filter(pk=pk, status=ReportStatus.QUEUED, enqueued_at=enqueued_at)
            .update(enqueued_at=now)
        ):
            resent.append(pk)
    for pk in requeued + resent:
        render_report.delay(pk)
    if requeued or failed or resent:
        logger.warning("Reaper: requeued %s, failed %s, resent %s", requeued, failed, resent)
    return ReapResult(requeued, failed, resent)


def reports_for_roadmap(roadmap: Roadmap) -> list[Report]:
    """The versions listed on the roadmap, newest first (within the request's scope)."""
    return list(
        Report.objects.filter(roadmap=roadmap)
        .select_related("requested_by")
        .defer("snapshot")
        .order_by("-requested_at", "-pk")
    )
