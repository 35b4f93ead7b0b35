"""The briefs panel: page and fragment, requests, polling, failures and downloads."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from organisations.permissions import Role
from reports.models import Report, ReportStage, ReportStatus
from tests.support.report_factories import FAKE_PDF, ReportFactory
from tests.support.roadmap_factories import RoadmapFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _panel_url(roadmap, **query) -> str:
    url = reverse("reports:panel", args=[roadmap.organisation.slug, roadmap.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _request_url(roadmap) -> str:
    return reverse("reports:request", args=[roadmap.organisation.slug, roadmap.pk])


@pytest.fixture
def client(world):
    return world.client(world.ours.user(Role.FACILITATOR))


@pytest.fixture
def viewer(world):
    return world.client(world.ours.user(Role.VIEWER))


@pytest.fixture
def plan(world):
    return RoadmapFactory(organisation=world.ours.org, title="Growth plan")


def test_the_page_lists_versions_with_who_when_status_size_and_download(client, plan, world):
    done = ReportFactory(
        roadmap=plan, done=True, version=2, requested_by=world.ours.user(Role.FACILITATOR)
    )
    failed = ReportFactory(roadmap=plan, failed=True, version=1)
    response = client.get(_panel_url(plan))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html and "Briefs" in html
    assert "Board brief v2" in html and "Board brief v1" in html
    assert reverse("reports:download", args=["ours", done.pk]) in html
    assert reverse("reports:download", args=["ours", failed.pk]) not in html
    assert "✓</span> Ready" in html and "Failed" in html
    # What a board member needs; the fingerprint only as the link's tooltip.
    assert "SHA-256</th>" not in html and f'<code title="{done.sha256}' not in html
    assert f"Fingerprint (SHA-256): {done.sha256}" in html
    assert world.ours.user(Role.FACILITATOR).display_name in html


def test_htmx_gets_a_self_contained_fragment(client, plan):
    response = client.get(_panel_url(plan), **HTMX)
    html = response.content.decode()
    assert "<html" not in html
    assert html.strip().startswith(f'<section id="briefs-{plan.pk}"')
    # Its forms post back to the panel's own URLs and swap the panel itself.
    assert f'hx-post="{_request_url(plan)}"' in html
    assert f'hx-target="#briefs-{plan.pk}"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_a_facilitator_sees_both_request_buttons_a_viewer_none(client, viewer, plan):
    html = client.get(_panel_url(plan)).content.decode()
    assert "Request board brief" in html and "Request workshop brief" in html
    html = viewer.get(_panel_url(plan)).content.decode()
    assert "Request board brief" not in html
    assert "A facilitator can request one." in html


def test_a_request_answers_at_once_with_the_progress_polling(client, plan, no_enqueue):
    response = client.post(_request_url(plan), {"kind": "board"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    with scopes_disabled():
        report = Report.objects.get(roadmap=plan)
    assert report.status == ReportStatus.QUEUED and report.kind == "board"
    assert '<progress max="100" value="0"' in html
    assert "Waiting for a worker" in html
    assert f'hx-get="{_panel_url(plan, poll=report.pk)}"' in html
    assert 'hx-trigger="every 1s"' in html
    assert 'role="status"' in html
    # The board button waits while that kind is at work; the workshop one does not.
    assert "disabled>Request board brief" in html
    assert "disabled>Request workshop brief" not in html


def test_without_htmx_a_request_redirects_to_the_panel(client, plan, no_enqueue):
    response = client.post(_request_url(plan), {"kind": "workshop"})
    assert response.status_code == 302
    assert response["Location"] == _panel_url(plan)


def test_an_unknown_kind_is_refused_with_a_message(client, plan):
    response = client.post(_request_url(plan), {"kind": "memo"}, **HTMX)
    assert response.status_code == 422
    assert "Choose a board brief or a workshop brief." in response.content.decode()
    with scopes_disabled():
        assert not Report.objects.exists()


def test_polling_while_the_same_briefs_work_returns_only_the_progress(client, plan):
    report = ReportFactory(
        roadmap=plan, status=ReportStatus.RENDERING, stage=ReportStage.LAYOUT, progress=40
    )
    response = client.get(_panel_url(plan, poll=report.pk), **HTMX)
    html = response.content.decode()
    assert "HX-Retarget" not in response
    assert "<section" not in html and "<table" not in html
    assert '<progress max="100" value="40"' in html
    assert "Laying out pages" in html


def test_polling_after_the_brief_is_done_swaps_the_whole_panel_and_stops(client, plan):
    report = ReportFactory(roadmap=plan, done=True)
    response = client.get(_panel_url(plan, poll=report.pk), **HTMX)
    html = response.content.decode()
    assert response["HX-Retarget"] == f"#briefs-{plan.pk}"
    assert response["HX-Reswap"] == "outerHTML"
    assert html.strip().startswith(f'<section id="briefs-{plan.pk}"')
    assert "every 1s" not in html
    assert "Download PDF" in html


def test_polling_when_another_brief_starts_refreshes_the_panel(client, plan):
    first = ReportFactory(roadmap=plan, status=ReportStatus.RENDERING)
    second = ReportFactory(roadmap=plan, kind="workshop")
    response = client.get(_panel_url(plan, poll=first.pk), **HTMX)
    assert response["HX-Retarget"] == f"#briefs-{plan.pk}"
    assert f"poll={first.pk},{second.pk}" in response.content.decode() or (
        f"poll={second.pk},{first.pk}" in response.content.decode()
    )


def test_leaving_and_coming_back_shows_the_same_progress(client, plan):
    ReportFactory(roadmap=plan, status=ReportStatus.RENDERING, stage=ReportStage.TIMELINE)
    html = client.get(_panel_url(plan)).content.decode()
    assert "Drawing timeline" in html and "every 1s" in html


def test_a_failure_shows_its_reason_and_a_retry_to_those_who_may(client, viewer, plan):
    ReportFactory(roadmap=plan, failed=True, error="The worker stopped 3 times.")
    html = client.get(_panel_url(plan)).content.decode()
    assert "Board brief v" in html and "could not be made." in html
    assert "The worker stopped 3 times." in html
    assert "Try again" in html
    html = viewer.get(_panel_url(plan)).content.decode()
    assert "The worker stopped 3 times." in html
    assert "Try again" not in html


def test_retry_asks_for_a_new_version(client, plan, no_enqueue):
    failed = ReportFactory(roadmap=plan, failed=True, version=1)
    client.post(_request_url(plan), {"kind": "board"}, **HTMX)
    with scopes_disabled():
        newest = Report.objects.filter(roadmap=plan).order_by("-version").first()
    assert newest.pk != failed.pk and newest.version == 2
    assert newest.status == ReportStatus.QUEUED


def test_a_failure_replaced_by_a_newer_success_offers_no_retry(client, plan):
    ReportFactory(roadmap=plan, failed=True, version=1)
    ReportFactory(roadmap=plan, done=True, version=2)
    assert "Try again" not in client.get(_panel_url(plan)).content.decode()


def test_any_member_downloads_a_done_brief_as_an_attachment(viewer, plan):
    report = ReportFactory(roadmap=plan, done=True, version=3)
    response = viewer.get(reverse("reports:download", args=["ours", report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="ours-ltd-growth-plan-board-brief-v3.pdf"'
    )
    assert "private" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == FAKE_PDF


@pytest.mark.parametrize("status", [ReportStatus.QUEUED, ReportStatus.FAILED])
def test_a_brief_without_a_finished_file_is_404(viewer, plan, status):
    report = ReportFactory(roadmap=plan, status=status, error="x")
    assert viewer.get(reverse("reports:download", args=["ours", report.pk])).status_code == 404


def test_a_brief_whose_file_is_gone_is_404(viewer, plan):
    report = ReportFactory(roadmap=plan, done=True)
    report.file.storage.delete(report.file.name)
    assert viewer.get(reverse("reports:download", args=["ours", report.pk])).status_code == 404


def test_the_panel_reads_a_fixed_number_of_queries(client, plan, world):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_panel_url(plan), **HTMX).status_code == 200
        return len(queries)

    ReportFactory(roadmap=plan, done=True, requested_by=world.ours.user(Role.ADMIN))
    few = count()
    for _ in range(15):
        ReportFactory(roadmap=plan, done=True, requested_by=world.ours.user(Role.VIEWER))
    ReportFactory(roadmap=plan, status=ReportStatus.RENDERING)
    assert count() == few


def test_the_panel_does_not_load_snapshots(client, plan):
    ReportFactory(roadmap=plan, done=True, snapshot={"big": "x" * 10})
    with CaptureQueriesContext(connection) as queries:
        client.get(_panel_url(plan), **HTMX)
    report_queries = [q["sql"] for q in queries if '"reports_report"' in q["sql"]]
    assert report_queries and all('"snapshot"' not in sql for sql in report_queries)
