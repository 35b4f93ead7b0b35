"""The briefs panel of a roadmap: versions, requests, live progress and downloads.

One URL serves the panel as a page and, for htmx, as a self-contained
fragment the roadmap page embeds (``hx-get`` of ``reports:panel``). While a
brief is queued or rendering, the fragment's progress region polls the same
URL every second with ``?poll=<ids>``: the answer is just the progress while
the same briefs are still at work, and the whole panel (swapped over the old
one, which ends the polling) as soon as any of them finishes or fails.
"""

from django import forms
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from organisations.permissions import Perm
from organisations.ratelimit import rate_limit
from organisations.tenancy import org_view
from reports import services
from reports.models import Report, ReportKind, ReportStatus
from roadmap.models import Roadmap

PANEL_TEMPLATE = "reports/panel.html"


class BriefRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of brief"),
        choices=ReportKind.choices,
        error_messages={"invalid_choice": _("Choose a board brief or a workshop brief.")},
    )


def _panel_context(request: HttpRequest, roadmap: Roadmap, **extra) -> dict:
    reports = services.reports_for_roadmap(roadmap)
    active = [report for report in reports if report.is_active]
    active_kinds = {report.kind for report in active}
    latest_failed = {}
    for report in reports:
        # A retry is offered for the newest version of a kind, if it failed.
        latest_failed.setdefault(report.kind, report)
    return {
        "roadmap": roadmap,
        "reports": reports,
        "active": active,
        "poll_ids": ",".join(str(report.pk) for report in active),
        "kinds": [
            {
                "value": value,
                "label": label,
                "busy": value in active_kinds,
                "failed": latest_failed.get(value)
                if latest_failed.get(value) and latest_failed[value].status == ReportStatus.FAILED
                else None,
            }
            for value, label in ReportKind.choices
        ],
        "form_error": extra.pop("form_error", None),
        **extra,
    }


def _panel_response(request: HttpRequest, roadmap: Roadmap, status: int = 200, **extra):
    template = PANEL_TEMPLATE + "#briefs-panel" if request.htmx else PANEL_TEMPLATE
    return render(request, template, _panel_context(request, roadmap, **extra), status=status)


@require_GET
@org_view(Perm.VIEW)
def panel(request: HttpRequest, roadmap_id: int) -> HttpResponse:
    roadmap = get_object_or_404(Roadmap, pk=roadmap_id)
    polled = request.GET.get("poll")
    if request.htmx and polled is not None:
        context = _panel_context(request, roadmap)
        if context["poll_ids"] and context["poll_ids"] == polled:
            # The same briefs are still at work: only the progress changes.
            return render(request, PANEL_TEMPLATE + "#briefs-progress", context)
        # One finished, failed or appeared: swap the whole panel, which
        # replaces the polling element and so stops the polling.
        response = render(request, PANEL_TEMPLATE + "#briefs-panel", context)
        response["HX-Retarget"] = f"#briefs-{roadmap.pk}"
        response["HX-Reswap"] = "outerHTML"
        return response
    return _panel_response(request, roadmap)


@require_POST
@org_view(Perm.EXPORT_BRIEFS)
@rate_limit("brief_request", setting="ROADMAP_RATE_BRIEF_REQUEST")
def request_brief(request: HttpRequest, roadmap_id: int) -> HttpResponse:
    """Ask for a new version (also the failure's "Try again"); answers at once."""
    roadmap = get_object_or_404(Roadmap, pk=roadmap_id)
    form = BriefRequestForm(request.POST)
    if not form.is_valid():
        return _panel_response(
            request, roadmap, status=422, form_error=" ".join(form.errors["kind"])
        )
    services.report_request(roadmap=roadmap, kind=form.cleaned_data["kind"], actor=request.user)
    if request.htmx:
        return _panel_response(request, roadmap)
    return redirect("reports:panel", org_slug=request.org.slug, roadmap_id=roadmap.pk)


def download_filename(report: Report) -> str:
    parts = [
        slugify(report.organisation.name)[:40],
        slugify(report.roadmap.title)[:60],
        f"{report.kind}-brief-v{report.version}",
    ]
    return "-".join(part for part in parts if part) + ".pdf"


@require_GET
@org_view(Perm.VIEW)
def download(request: HttpRequest, report_id: int) -> FileResponse:
    report = get_object_or_404(
        Report.objects.select_related("roadmap", "organisation").defer("snapshot"),
        pk=report_id,
        status=ReportStatus.DONE,
    )
    try:
        handle = report.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_filename(report),
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response
