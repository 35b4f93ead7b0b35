"""Milestones: adding, editing, deleting and moving one (buttons, or dragged on the timeline)."""

from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from common.merge import merged_save, open_form
from organisations.permissions import Perm
from organisations.tenancy import org_view
from roadmap import services
from roadmap.forms import MilestoneForm, MilestoneShiftForm
from roadmap.models import Milestone, MilestoneKind, Phase, Roadmap
from roadmap.page import detail_url
from roadmap.timeline import short_date
from roadmap.views.shared import add_service_error, done, editor, get_roadmap
from roadmap.views.undo import answer, refuse


def _milestone_context(
    request: HttpRequest, roadmap: Roadmap, form: MilestoneForm, milestone=None
) -> dict:
    kwargs = {"org_slug": request.org.slug, "roadmap_id": roadmap.pk}
    action = (
        reverse("roadmaps:milestone_edit", kwargs={**kwargs, "milestone_id": milestone.pk})
        if milestone
        else reverse("roadmaps:milestone_create", kwargs=kwargs)
    )
    return {
        "roadmap": roadmap,
        "milestone": milestone,
        "form": form,
        "action": action,
        "chosen_kind": form["kind"].value() or "",
        "detail_url": detail_url(
            request, roadmap, f"milestone-{milestone.pk}" if milestone else "milestones"
        ),
    }


def _new_milestone_initial(request: HttpRequest, roadmap: Roadmap) -> dict:
    """What the "add" links preselect: ``?kind=`` and ``?phase=`` (its start date)."""
    initial: dict = {"start": min(max(timezone.localdate(), roadmap.start), roadmap.end)}
    kind = request.GET.get("kind", "")
    if kind in MilestoneKind.values:
        initial["kind"] = kind
    phase_id = request.GET.get("phase", "")
    if phase_id.isdigit():
        phase = Phase.objects.filter(roadmap=roadmap, pk=int(phase_id)).first()
        if phase is not None:
            initial["start"] = phase.start
    return initial


@require_http_methods(["GET", "POST"])
@org_view(Perm.EDIT_ROADMAP)
def milestone_create(request: HttpRequest, roadmap_id: int) -> HttpResponse:
    roadmap = get_roadmap(roadmap_id)
    if request.method == "GET":
        form = MilestoneForm(
            organisation=request.org,
            roadmap=roadmap,
            initial=_new_milestone_initial(request, roadmap),
        )
        return editor(
            request, "roadmap/milestone_form.html", _milestone_context(request, roadmap, form)
        )
    form = MilestoneForm(request.POST, organisation=request.org, roadmap=roadmap)
    if form.is_valid():
        try:
            milestone = services.milestone_create(
                organisation=request.org, roadmap=roadmap, **form.service_kwargs()
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("Added the milestone “%(title)s”.") % {"title": milestone.title}
            )
            return done(request, roadmap, anchor=f"milestone-{milestone.pk}")
    return editor(
        request,
        "roadmap/milestone_form.html",
        _milestone_context(request, roadmap, form),
        status=422,
    )


def _get_milestone(roadmap: Roadmap, milestone_id: int) -> Milestone:
    return get_object_or_404(
        Milestone.objects.select_related("roadmap"), pk=milestone_id, roadmap=roadmap
    )


@require_http_methods(["GET", "POST"])
@org_view(Perm.EDIT_ROADMAP)
def milestone_edit(request: HttpRequest, roadmap_id: int, milestone_id: int) -> HttpResponse:
    roadmap = get_roadmap(roadmap_id)
    milestone = _get_milestone(roadmap, milestone_id)
    make_form = partial(
        MilestoneForm, organisation=request.org, roadmap=roadmap, milestone=milestone
    )
    if request.method == "GET":
        form = open_form(make_form(initial=MilestoneForm.initial_for(milestone)))
        return editor(
            request,
            "roadmap/milestone_form.html",
            _milestone_context(request, roadmap, form, milestone),
        )

    def current() -> dict:
        # Every write to the roadmap takes this lock first: nobody saves the
        # milestone between reading it here and writing the merge.
        nonlocal milestone
        services.lock(roadmap)
        milestone = _get_milestone(roadmap, milestone_id)
        return MilestoneForm.initial_for(milestone)

    def save(form: MilestoneForm) -> bool:
        try:
            services.milestone_update(
                organisation=request.org, milestone=milestone, **form.service_kwargs()
            )
        except ValidationError as error:
            add_service_error(form, error)
            return False
        return True

    result = merged_save(make_form, request.POST, current=current, save=save)
    form = result.form
    if result.saved:
        if result.taken:
            messages.info(request, result.notice())
        messages.success(request, _("Saved “%(title)s”.") % {"title": milestone.title})
        return done(request, roadmap, anchor=f"milestone-{milestone.pk}")
    context = _milestone_context(request, roadmap, form, milestone)
    return editor(
        request,
        "roadmap/milestone_form.html",
        context,
        status=result.status,
    )


@require_http_methods(["GET", "POST"])
@org_view(Perm.EDIT_ROADMAP)
def milestone_delete(request: HttpRequest, roadmap_id: int, milestone_id: int) -> HttpResponse:
    roadmap = get_roadmap(roadmap_id)
    milestone = _get_milestone(roadmap, milestone_id)
    if request.method == "GET" or request.POST.get("confirmed") != "yes":
        return render(
            request, "roadmap/confirm_delete.html", {"roadmap": roadmap, "milestone": milestone}
        )
    record = services.milestone_delete_with_undo(
        organisation=request.org, milestone=milestone, user=request.user
    )
    return answer(
        request,
        roadmap,
        _("Deleted the milestone “%(title)s”.") % {"title": milestone.title},
        record=record,
        anchor="milestones",
        focus="milestones-heading",
    )


@require_POST
@org_view(Perm.EDIT_ROADMAP)
def milestone_move(request: HttpRequest, roadmap_id: int, milestone_id: int) -> HttpResponse:
    """Move a milestone by a week or a month (buttons) or to a date (dragged on the timeline)."""
    roadmap = get_roadmap(roadmap_id)
    milestone = _get_milestone(roadmap, milestone_id)
    form = MilestoneShiftForm(request.POST, milestone=milestone, roadmap=roadmap)
    if not form.is_valid():
        reason = " ".join(form.non_field_errors()) or _("Give a valid date.")
        return refuse(request, roadmap, reason, status=422)
    try:
        record = services.milestone_move_with_undo(
            organisation=request.org,
            milestone=milestone,
            start=form.cleaned_data["new_start"],
            user=request.user,
        )
    except ValidationError as error:
        return refuse(request, roadmap, " ".join(error.messages), status=422)
    return answer(
        request,
        roadmap,
        _("Moved “%(title)s” to %(date)s.")
        % {"title": milestone.title, "date": short_date(milestone.start)},
        record=record,
        anchor=f"milestone-{milestone.pk}",
    )
