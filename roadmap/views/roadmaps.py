"""Roadmaps: the list, the page, creating, editing and deleting one."""

from datetime import timedelta
from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from common.merge import merged_save, open_form
from organisations.permissions import Perm
from organisations.tenancy import org_view
from roadmap import services
from roadmap.forms import RoadmapForm
from roadmap.models import Milestone, Phase, Roadmap, RoadmapStatus, add_years
from roadmap.page import TIMELINE_FIGURE, PageInputs, body_context, detail_url
from roadmap.views.shared import add_service_error, get_roadmap, render_body


@require_GET
@org_view(Perm.VIEW)
def roadmap_list(request: HttpRequest) -> HttpResponse:
    roadmaps = list(Roadmap.objects.select_related("owner").order_by("-start", "title", "pk"))
    return render(request, "roadmap/list.html", {"roadmaps": roadmaps})


@require_http_methods(["GET", "POST"])
@org_view(Perm.EDIT_ROADMAP)
def roadmap_create(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        today = timezone.localdate()
        start = today.replace(day=1)
        form = RoadmapForm(
            organisation=request.org,
            initial={
                "start": start,
                "end": add_years(start, 3) - timedelta(days=1),
                "status": RoadmapStatus.DRAFT,
                "owner": request.user.pk,
                "currency": "EUR",
            },
        )
        return render(request, "roadmap/form.html", {"form": form, "roadmap": None})
    form = RoadmapForm(request.POST, organisation=request.org)
    if form.is_valid():
        try:
            roadmap = services.roadmap_create(organisation=request.org, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Roadmap “%(title)s” created. Add its phases next.") % {"title": roadmap.title},
            )
            return redirect(detail_url(request, roadmap, "phases"))
    return render(request, "roadmap/form.html", {"form": form, "roadmap": None}, status=422)


@require_GET
@org_view(Perm.VIEW)
def roadmap_detail(request: HttpRequest, roadmap_id: int) -> HttpResponse:
    roadmap = get_roadmap(roadmap_id)
    if request.htmx and request.htmx.target == "timeline-figure":
        # The browser asks for the timeline at its own width (roadmap.js).
        context = body_context(request, roadmap, PageInputs.read(request, roadmap))
        return render(request, TIMELINE_FIGURE, context)
    return render_body(request, roadmap)


@require_http_methods(["GET", "POST"])
@org_view(Perm.EDIT_ROADMAP)
def roadmap_edit(request: HttpRequest, roadmap_id: int) -> HttpResponse:
    roadmap = get_roadmap(roadmap_id)
    context = {"roadmap": roadmap}
    make_form = partial(RoadmapForm, organisation=request.org)
    if request.method == "GET":
        form = open_form(make_form(initial=RoadmapForm.initial_for(roadmap)))
        return render(request, "roadmap/form.html", {**context, "form": form})

    def current() -> dict:
        nonlocal roadmap
        services.lock(roadmap)
        roadmap = get_roadmap(roadmap_id)
        return RoadmapForm.initial_for(roadmap)

    def save(form: RoadmapForm) -> bool:
        try:
            services.roadmap_update(organisation=request.org, roadmap=roadmap, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
            return False
        return True

    result = merged_save(make_form, request.POST, current=current, save=save)
    if result.saved:
        if result.taken:
            messages.info(request, result.notice())
        messages.success(request, _("Saved “%(title)s”.") % {"title": roadmap.title})
        return redirect(detail_url(request, roadmap))
    return render(
        request,
        "roadmap/form.html",
        {"roadmap": roadmap, "form": result.form},
        status=result.status,
    )


@require_http_methods(["GET", "POST"])
@org_view(Perm.EDIT_ROADMAP)
def roadmap_delete(request: HttpRequest, roadmap_id: int) -> HttpResponse:
    roadmap = get_roadmap(roadmap_id)
    if request.method == "GET" or request.POST.get("confirmed") != "yes":
        counts = {
            "phases": Phase.objects.filter(roadmap=roadmap).count(),
            "milestones": Milestone.objects.filter(roadmap=roadmap).count(),
        }
        return render(
            request, "roadmap/confirm_delete.html", {"roadmap": roadmap, "counts": counts}
        )
    services.roadmap_delete(organisation=request.org, roadmap=roadmap)
    messages.success(request, _("Deleted the roadmap “%(title)s”.") % {"title": roadmap.title})
    return redirect("roadmaps:list", org_slug=request.org.slug)
