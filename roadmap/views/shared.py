"""What the roadmap views share: finding the roadmap and answering after a change."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from roadmap.forms import PlacementForm
from roadmap.models import Roadmap
from roadmap.page import BODY, TEMPLATE, detail_url, sections_html

DIALOG_BODY = "roadmap-dialog-body"


def get_roadmap(roadmap_id: int) -> Roadmap:
    # Inside org_view's scope: another organisation's roadmap is a 404.
    return get_object_or_404(Roadmap.objects.select_related("owner"), pk=roadmap_id)


def render_body(
    request: HttpRequest,
    roadmap: Roadmap,
    *,
    status: int = 200,
    focus: str = "",
    placement_forms: dict[int, PlacementForm] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """The page, or for htmx just its body (with the messages, out of band)."""
    sections = sections_html(request, roadmap, focus=focus, placement_forms=placement_forms)
    template = BODY if request.htmx else TEMPLATE
    response = render(request, template, {"roadmap": roadmap, "sections": sections}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def add_service_error(form, error: ValidationError) -> None:
    """Show a service's refusal on the form: on its field when the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for item in errors:
                form.add_error(target, item)
    else:
        form.add_error(None, error)


def done(request: HttpRequest, roadmap: Roadmap, *, anchor: str = "", focus: str = ""):
    """After a change: htmx gets the fresh body (and closes any dialog), others a redirect."""
    if request.htmx:
        # The service moved the roadmap's version on in the database; the
        # page's cache key must see the new one.
        roadmap.refresh_from_db(fields=["version"])
        return render_body(
            request,
            roadmap,
            focus=focus,
            headers={
                "HX-Retarget": "#roadmap-body",
                "HX-Reswap": "outerHTML",
                "HX-Trigger": "roadmap-saved",
            },
        )
    return redirect(detail_url(request, roadmap, anchor))


def editor(
    request: HttpRequest,
    template: str,
    context: dict,
    *,
    status: int = 200,
) -> HttpResponse:
    """An editor: its form for the dialog (htmx), or a page of its own."""
    if request.htmx:
        response = render(request, f"{template}#editor", context, status=status)
        response["HX-Retarget"] = f"#{DIALOG_BODY}"
        response["HX-Reswap"] = "innerHTML"
        return response
    return render(request, template, context, status=status)
