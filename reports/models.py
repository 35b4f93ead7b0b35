"""Board and workshop briefs: one row per version, its state, its file and its data.

A row is made by ``reports.services.report_request`` and moved through its
states by the Celery task (``queued → rendering → done | failed``); the page
polls the row. Conditional updates in the service, not locks, keep two
workers (or a worker and the reaper) from both writing it: see docs/briefs.md.
"""

import os
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from organisations.models import Organisation
from roadmap.models import Roadmap


class ReportKind(models.TextChoices):
    BOARD = "board", _("Board brief")
    WORKSHOP = "workshop", _("Workshop brief")


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RENDERING = "rendering", _("Rendering")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


ACTIVE_STATUSES = (ReportStatus.QUEUED, ReportStatus.RENDERING)


class ReportStage(models.TextChoices):
    COLLECTING = "collecting", _("Collecting data")
    TIMELINE = "timeline", _("Drawing timeline")
    LAYOUT = "layout", _("Laying out pages")
    SAVING = "saving", _("Saving")


class PrivateBriefStorage(FileSystemStorage):
    """Files under ``MEDIA_ROOT/briefs/`` that have no URL: only the download view serves them."""

    def __init__(self) -> None:
        super().__init__()

    @cached_property
    def base_location(self) -> str:
        return os.path.join(settings.MEDIA_ROOT, "briefs")

    def url(self, name: str | None) -> str:
        raise ValueError("Briefs have no public URL; use the reports:download view.")


def brief_storage() -> PrivateBriefStorage:
    return PrivateBriefStorage()


def brief_upload_to(report: "Report", filename: str) -> str:
    # A random part: a guessed or leaked path on disk says nothing useful.
    return (
        f"{report.organisation_id}/{report.roadmap_id}/"
        f"{report.kind}-v{report.version}-{uuid.uuid4().hex[:12]}.pdf"
    )


class Report(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("kind"), max_length=20, choices=ReportKind.choices)
    # 1, 2, 3… per roadmap and kind, in the order they were asked for.
    version = models.PositiveIntegerField(_("version"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    stage = models.CharField(_("stage"), max_length=20, choices=ReportStage.choices, blank=True)
    # Incremented by every claim; a worker's final write names the attempt it
    # claimed, so a late, stale worker cannot overwrite a newer attempt.
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(_("reason"), blank=True)
    file = models.FileField(storage=brief_storage, upload_to=brief_upload_to, blank=True)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    size_bytes = models.PositiveIntegerField(_("size"), null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    # The data the brief was made from (docs/briefs.md, "The snapshot").
    snapshot = models.JSONField(null=True, blank=True)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Seconds per stage of the attempt that finished, e.g. {"collecting": 0.08, …}.
    stage_seconds = models.JSONField(default=dict, blank=True)

    objects = ScopedManager(organisation="organisation")

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["roadmap", "kind", "version"], name="report_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ReportKind.values), name="report_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="report_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(stage="") | Q(stage__in=ReportStage.values), name="report_stage_valid"
            ),
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100), name="report_progress_0_to_100"
            ),
            models.CheckConstraint(
                condition=~Q(status=ReportStatus.DONE) | ~Q(file=""),
                name="report_done_has_file",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReportStatus.FAILED) | ~Q(error=""),
                name="report_failed_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["status", "claimed_at"], name="report_status_claimed")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version} of roadmap {self.roadmap_id}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def sha256_short(self) -> str:
        return self.sha256[:12]

    @property
    def seconds_taken(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.requested_at).total_seconds()
