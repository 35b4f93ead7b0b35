"""Dependencies between milestones: adding one (in a dialog, or on a page) and removing it."""

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
from roadmap.forms import DependencyForm
from roadmap.models import MilestoneDependency, Roadmap
from roadmap.page import detail_url
from roadmap.views.shared import add_service_error, done, editor, get_roadmap
from roadmap.views.undo import answer


def _dependency_context(request: HttpRequest, roadmap: Roadmap, form: DependencyForm) -> dict:
    return {
        "roadmap": roadmap,
        "form": form,
        "action": reverse(
            "roadmaps:dependency_create",
            kwargs={"org_slug": request.org.slug, "roadmap_id": roadmap.pk},
        ),
        "detail_url": detail_url(request, roadmap, "dependencies"),
    }


@require_http_methods(["GET", "POST"])
@org_view(Perm.EDIT_ROADMAP)
def dependency_create(request: HttpRequest, roadmap_id: int) -> HttpResponse:
    roadmap = get_roadmap(roadmap_id)
    template = "roadmap/dependency_form.html"
    if request.method == "GET":
        initial = {}
        for name in ("predecessor", "successor"):
            if request.GET.get(name, "").isdigit():
                initial[name] = int(request.GET[name])
        form = DependencyForm(roadmap=roadmap, initial=initial)
        return editor(request, template, _dependency_context(request, roadmap, form))
    form = DependencyForm(request.POST, roadmap=roadmap)
    if form.is_valid():
        before, after = form.cleaned_data["predecessor"], form.cleaned_data["successor"]
        try:
            services.dependency_add(organisation=request.org, predecessor=before, successor=after)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("“%(after)s” now waits for “%(before)s”.")
                % {"after": after.title, "before": before.title},
            )
            return done(request, roadmap, anchor="dependencies")
    return editor(request, template, _dependency_context(request, roadmap, form), status=422)


@require_http_methods(["GET", "POST"])
@org_view(Perm.EDIT_ROADMAP)
def dependency_delete(request: HttpRequest, roadmap_id: int, dependency_id: int) -> HttpResponse:
    roadmap = get_roadmap(roadmap_id)
    dependency = get_object_or_404(
        MilestoneDependency.objects.select_related("predecessor", "successor__roadmap"),
        pk=dependency_id,
        successor__roadmap=roadmap,
    )
    if request.method == "GET" or request.POST.get("confirmed") != "yes":
        return render(
            request, "roadmap/confirm_delete.html", {"roadmap": roadmap, "dependency": dependency}
        )
    record = services.dependency_remove_with_undo(
        organisation=request.org, dependency=dependency, user=request.user
    )
    return answer(
        request,
        roadmap,
        _("“%(after)s” no longer waits for “%(before)s”.")
        % {"after": dependency.successor.title, "before": dependency.predecessor.title},
        record=record,
        anchor="dependencies",
        focus="dependencies-heading",
    )
