"""Celery tasks: thin; each loads nothing itself and calls a service (docs/briefs.md)."""

from celery import shared_task
from django.conf import settings

from reports import pdf_engine, services


@shared_task(
    acks_late=True,
    # A worker killed mid-render gives the message back instead of losing it;
    # the claim in report_render makes the second delivery harmless.
    reject_on_worker_lost=True,
    soft_time_limit=settings.REPORTS_SOFT_TIME_LIMIT,
    time_limit=settings.REPORTS_HARD_TIME_LIMIT,
    # Only a database or disk hiccup is tried again; report_render fails a
    # template or data error at once, with a reason the page shows.
    autoretry_for=services.TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=settings.REPORTS_MAX_ATTEMPTS,
)
def render_report(report_id: int) -> str:
    try:
        return services.report_render(report_id=report_id)
    finally:
        # After the brief is saved and marked done, so nobody waits for it.
        pdf_engine.release_memory()


@shared_task(ignore_result=True)
def reap_reports() -> dict:
    result = services.report_reap()
    return {"requeued": result.requeued, "failed": result.failed, "resent": result.resent}
