"""Phases of a roadmap: adding, editing and deleting one (in a dialog, or a page without JS)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from common.merge import merged_save, open_form
from organisations.permissions import Perm
from organisations.tenancy import org_view
from roadmap import services
from roadmap.forms import PhaseForm, next_phase_dates
from roadmap.models import Phase, PhasePurpose, Roadmap
from roadmap.page import detail_url
from roadmap.views.shared import add_service_error, done, editor, get_roadmap
from roadmap.views.undo import answer


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

    def make_form(data=None, files=None, initial=None) -> PhaseForm:
        return PhaseForm(data, roadmap=roadmap, siblings=siblings, phase=phase, initial=initial)

    if request.method == "GET":
        form = open_form(make_form(initial=_phase_initial(phase)))
        return editor(
            request, "roadmap/phase_form.html", _phase_context(request, roadmap, form, phase)
        )

    def current() -> dict:
        nonlocal phase, siblings
        services.lock(roadmap)  # what every write to the roadmap takes first
        phase = get_object_or_404(Phase, pk=phase_id, roadmap=roadmap)
        siblings = list(Phase.objects.filter(roadmap=roadmap))
        return _phase_initial(phase)

    def save(form: PhaseForm) -> bool:
        try:
            services.phase_update(organisation=request.org, phase=phase, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
            return False
        return True

    result = merged_save(make_form, request.POST, current=current, save=save)
    if result.saved:
        if result.taken:
            messages.info(request, result.notice())
        messages.success(request, _("Saved the phase “%(name)s”.") % {"name": phase.name})
        return done(request, roadmap, anchor=f"phase-{phase.pk}", focus=f"phase-{phase.pk}")
    return editor(
        request,
        "roadmap/phase_form.html",
        _phase_context(request, roadmap, result.form, phase),
        status=result.status,
    )


def _phase_initial(phase: Phase) -> dict:
    return {"name": phase.name, "start": phase.start, "end": phase.end}


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
    record = services.phase_delete_with_undo(
        organisation=request.org, phase=phase, user=request.user
    )
    return answer(
        request,
        roadmap,
        _("Deleted the phase “%(name)s”; its milestones stay on the roadmap.")
        % {"name": phase.name},
        record=record,
        anchor="phases",
        focus="phases-heading",
    )
