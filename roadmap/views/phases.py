"""Phases of a roadmap: adding, editing and deleting one (in a dialog, or a page without JS)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from organisations.permissions import Perm
from organisations.tenancy import org_view
from roadmap import services
from roadmap.forms import PhaseForm, next_phase_dates
from roadmap.models import Phase, PhasePurpose, Roadmap
from roadmap.page import detail_url
from roadmap.views.shared import add_service_error, done, editor, get_roadmap


def _phase_context(request: HttpRequest, roadmap: Roadmap, form: PhaseForm, phase=None) -> dict:
    kwargs = {"org_slug": request.org.slug, "roadmap_id": roadmap.pk}
    action = (
        reverse("roadmaps:phase_edit", kwargs={**kwargs, "phase_id": phase.pk})
        if phase
        else reverse("roadmaps:phase_create", kwargs=kwargs)
    )
    return {
        "roadmap": roadmap,
        "phase": phase,
        "form": form,
        "action": action,
        "detail_url": detail_url(request, roadmap, f"phase-{phase.pk}" if phase else "phases"),
    }


@require_http_methods(["GET", "POST"])
@org_view(Perm.EDIT_ROADMAP)
def phase_create(request: HttpRequest, roadmap_id: int) -> HttpResponse:
    roadmap = get_roadmap(roadmap_id)
    siblings = list(Phase.objects.filter(roadmap=roadmap))
    if request.method == "GET":
        start, end = next_phase_dates(roadmap, siblings)
        form = PhaseForm(roadmap=roadmap, siblings=siblings, initial={"start": start, "end": end})
        return editor(request, "roadmap/phase_form.html", _phase_context(request, roadmap, form))
    form = PhaseForm(request.POST, roadmap=roadmap, siblings=siblings)
    if form.is_valid():
        try:
            phase = services.phase_create(
                organisation=request.org, roadmap=roadmap, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Added the phase “%(name)s”.") % {"name": phase.name})
            return done(request, roadmap, anchor=f"phase-{phase.pk}", focus=f"phase-{phase.pk}")
    return editor(
        request, "roadmap/phase_form.html", _phase_context(request, roadmap, form), status=422
    )


@require_http_methods(["GET", "POST"])
@org_view(Perm.EDIT_ROADMAP)
def phase_edit(request: HttpRequest, roadmap_id: int, phase_id: int) -> HttpResponse:
    roadmap = get_roadmap(roadmap_id)
    phase = get_object_or_404(Phase, pk=phase_id, roadmap=roadmap)
    siblings = list(Phase.objects.filter(roadmap=roadmap))
    if request.method == "GET":
        form = PhaseForm(
            roadmap=roadmap,
            siblings=siblings,
            phase=phase,
            initial={"name": phase.name, "start": phase.start, "end": phase.end},
        )
        return editor(
            request, "roadmap/phase_form.html", _phase_context(request, roadmap, form, phase)
        )
    form = PhaseForm(request.POST, roadmap=roadmap, siblings=siblings, phase=phase)
    if form.is_valid():
        try:
            services.phase_update(organisation=request.org, phase=phase, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Saved the phase “%(name)s”.") % {"name": phase.name})
            return done(request, roadmap, anchor=f"phase-{phase.pk}", focus=f"phase-{phase.pk}")
    return editor(
        request,
        "roadmap/phase_form.html",
        _phase_context(request, roadmap, form, phase),
        status=422,
    )


@require_http_methods(["GET", "POST"])
@org_view(Perm.EDIT_ROADMAP)
def phase_delete(request: HttpRequest, roadmap_id: int, phase_id: int) -> HttpResponse:
    roadmap = get_roadmap(roadmap_id)
    phase = get_object_or_404(Phase, pk=phase_id, roadmap=roadmap)
    if request.method == "GET" or request.POST.get("confirmed") != "yes":
        return render(
            request,
            "roadmap/confirm_delete.html",
            {
                "roadmap": roadmap,
                "phase": phase,
                "placement_count": PhasePurpose.objects.filter(phase=phase).count(),
            },
        )
    services.phase_delete(organisation=request.org, phase=phase)
    messages.success(
        request,
        _("Deleted the phase “%(name)s”; its milestones stay on the roadmap.")
        % {"name": phase.name},
    )
    return done(request, roadmap, anchor="phases", focus="phases-heading")
