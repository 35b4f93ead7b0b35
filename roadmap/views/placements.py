"""Placements: chosen purposes placed in a phase, moved within it and taken out."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from organisations.permissions import Perm
from organisations.tenancy import org_view
from roadmap import services
from roadmap.forms import DirectionForm, PlacementForm
from roadmap.models import Phase, PhasePurpose, Roadmap
from roadmap.views.shared import add_service_error, done, get_roadmap, render_body


@require_POST
@org_view(Perm.EDIT_ROADMAP)
def placement_add(request: HttpRequest, roadmap_id: int, phase_id: int) -> HttpResponse:
    roadmap = get_roadmap(roadmap_id)
    phase = get_object_or_404(Phase.objects.select_related("roadmap"), pk=phase_id, roadmap=roadmap)
    form = PlacementForm(request.POST, organisation=request.org, phase=phase)
    if form.is_valid():
        purpose = form.cleaned_data["purpose"]
        try:
            services.placement_add(organisation=request.org, phase=phase, purpose=purpose)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Placed “%(purpose)s” in “%(phase)s”.")
                % {"purpose": purpose.title, "phase": phase.name},
            )
            return done(request, roadmap, anchor=f"phase-{phase.pk}", focus=f"place-{phase.pk}")
    return render_body(
        request,
        roadmap,
        status=422,
        placement_forms={phase.pk: form},
        focus=f"place-{phase.pk}",
    )


def _get_placement(roadmap: Roadmap, placement_id: int) -> PhasePurpose:
    return get_object_or_404(
        PhasePurpose.objects.select_related("phase__roadmap", "purpose"),
        pk=placement_id,
        phase__roadmap=roadmap,
    )


@require_POST
@org_view(Perm.EDIT_ROADMAP)
def placement_move(request: HttpRequest, roadmap_id: int, placement_id: int) -> HttpResponse:
    roadmap = get_roadmap(roadmap_id)
    placement = _get_placement(roadmap, placement_id)
    form = DirectionForm(request.POST)
    if form.is_valid():
        direction = form.cleaned_data["direction"]
        if services.placement_move(
            organisation=request.org, placement=placement, direction=direction
        ):
            message = (
                _("Moved “%(purpose)s” earlier in “%(phase)s”.")
                if direction == "up"
                else _("Moved “%(purpose)s” later in “%(phase)s”.")
            )
            messages.info(
                request,
                message % {"purpose": placement.purpose.title, "phase": placement.phase.name},
            )
    return done(request, roadmap, anchor=f"phase-{placement.phase_id}")


@require_http_methods(["GET", "POST"])
@org_view(Perm.EDIT_ROADMAP)
def placement_remove(request: HttpRequest, roadmap_id: int, placement_id: int) -> HttpResponse:
    roadmap = get_roadmap(roadmap_id)
    placement = _get_placement(roadmap, placement_id)
    if request.method == "GET" or request.POST.get("confirmed") != "yes":
        return render(
            request, "roadmap/confirm_delete.html", {"roadmap": roadmap, "placement": placement}
        )
    services.placement_remove(organisation=request.org, placement=placement)
    messages.success(
        request,
        _("Took “%(purpose)s” out of “%(phase)s”.")
        % {"purpose": placement.purpose.title, "phase": placement.phase.name},
    )
    return done(
        request, roadmap, anchor=f"phase-{placement.phase_id}", focus=f"place-{placement.phase_id}"
    )
