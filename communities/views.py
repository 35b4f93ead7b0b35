"""Stakeholder communities and their needs: one page, edited in place.

Every change answers htmx with the ``community-list`` fragment (and the
messages, out of band) and everyone else with a redirect back to the page; an
edit form asked for with htmx comes back as just the card or need being edited.
"""

import re

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.merge import Merge, merged_save, open_form
from communities import csv_io, services
from communities.forms import CommunityForm, ImportForm, MoveForm, NeedForm
from communities.models import Community, CommunityKind, Need
from organisations.permissions import Perm
from organisations.tenancy import org_view

TEMPLATE = "communities/list.html"


def _community_form(request: HttpRequest, community: Community | None = None, data=None):
    prefix_id = f"id_community{community.pk}_%s" if community else "id_new_community_%s"
    return CommunityForm(
        data,
        instance=community or Community(organisation=request.org),
        organisation=request.org,
        auto_id=prefix_id,
    )


def _need_form(community: Community, need: Need | None = None, data=None) -> NeedForm:
    auto_id = f"id_need{need.pk}_%s" if need else f"id_community{community.pk}_new_need_%s"
    return NeedForm(data, instance=need, community=community, auto_id=auto_id)


def _communities() -> list[Community]:
    """The organisation's communities with their needs, in two queries."""
    communities = list(
        Community.objects.prefetch_related(
            Prefetch("needs", queryset=Need.objects.order_by("position", "pk"))
        ).order_by("position", "pk")
    )
    for community in _mark_ends(communities):
        community.need_list = _mark_ends(list(community.needs.all()))
    return communities


def _mark_ends(items: list) -> list:
    """Say which item is first and last: their up and down buttons do nothing."""
    for index, item in enumerate(items):
        item.at_top = index == 0
        item.at_bottom = index == len(items) - 1
    return items


def _render_list(
    request: HttpRequest,
    *,
    status: int = 200,
    create_form: CommunityForm | None = None,
    edit_form: CommunityForm | None = None,
    need_forms: dict[int, NeedForm] | None = None,
    need_edit_form: NeedForm | None = None,
    focus: str = "",
    fragment: bool | None = None,
) -> HttpResponse:
    """The page, or for htmx its ``community-list`` fragment, with any bound forms in place."""
    communities = _communities()
    need_forms = need_forms or {}
    for community in communities:
        community.new_need_form = need_forms.get(community.pk) or _need_form(community)
        if edit_form is not None and edit_form.instance.pk == community.pk:
            community.edit_form = edit_form
        if need_edit_form is not None:
            for need in community.need_list:
                if need.pk == need_edit_form.instance.pk:
                    need.edit_form = need_edit_form
    create_form = create_form or _community_form(request)
    _apply_focus(focus, communities, create_form)
    context = {
        "communities": communities,
        "need_count": sum(len(c.need_list) for c in communities),
        "create_form": create_form,
        "focus": focus,
    }
    template = TEMPLATE
    if request.htmx if fragment is None else fragment:
        template += "#community-list"
    return render(request, template, context, status=status)


_FOCUS = re.compile(r"(community|need)-(\d+)-(form|edit|name|add-need)")


def _apply_focus(focus: str, communities: list[Community], create_form: CommunityForm) -> None:
    """Put ``autofocus`` where the keyboard should be after a swap (htmx honours it).

    ``focus`` names the place: ``add-community``, ``community-<pk>-edit`` (its
    Edit button), ``community-<pk>-form`` (its edit form), ``need-<pk>-edit``…
    """
    if focus == "add-community":
        create_form.fields["name"].widget.attrs["autofocus"] = True
        return
    match = _FOCUS.fullmatch(focus)
    if match is None:
        return
    kind, pk, place = match[1], int(match[2]), match[3]
    for community in communities:
        targets = [community] if kind == "community" else community.need_list
        for target in targets:
            if target.pk != pk:
                continue
            if place == "form" and getattr(target, "edit_form", None) is not None:
                field = "name" if kind == "community" else "statement"
                target.edit_form.fields[field].widget.attrs["autofocus"] = True
            elif place == "add-need" and kind == "community":
                target.new_need_form.fields["statement"].widget.attrs["autofocus"] = True
                target.add_need_open = True
            else:
                target.autofocus = place
            return


def _done(request: HttpRequest, *, anchor: str = "", focus: str = "") -> HttpResponse:
    """After a change: htmx gets the fresh list, a plain form post a redirect."""
    if request.htmx:
        response = _render_list(request, focus=focus)
        # A card's or a need's own form targets itself; the answer is the whole list.
        response["HX-Retarget"] = "#community-list"
        response["HX-Reswap"] = "outerHTML"
        return response
    url = reverse("communities:list", kwargs={"org_slug": request.org.slug})
    return redirect(f"{url}#{anchor}" if anchor else url)


@require_GET
@org_view(Perm.VIEW)
def community_list(request: HttpRequest) -> HttpResponse:
    # Cancelling an inline edit asks for the list and says where focus goes back.
    return _render_list(request, focus=request.GET.get("focus", "") if request.htmx else "")


@require_POST
@org_view(Perm.RUN_WORKSHOP)
def community_create(request: HttpRequest) -> HttpResponse:
    form = _community_form(request, data=request.POST)
    if not form.is_valid():
        return _render_list(request, status=422, create_form=form, focus="add-community")
    try:
        community = services.community_create(organisation=request.org, **form.cleaned_data)
    except services.Refused as error:
        form.add_error("name", str(error))
        return _render_list(request, status=422, create_form=form, focus="add-community")
    messages.success(request, _("Added “%(name)s”.") % {"name": community.name})
    return _done(request, anchor=f"community-{community.pk}", focus="add-community")


@require_http_methods(["GET", "POST"])
@org_view(Perm.RUN_WORKSHOP)
def community_edit(request: HttpRequest, community_id: int) -> HttpResponse:
    community = get_object_or_404(Community, pk=community_id)
    if request.method == "GET":
        form = open_form(_community_form(request, community))
        if request.htmx:
            return _render_card(request, community, form)
        return _render_list(request, edit_form=form, focus=f"community-{community.pk}-form")

    def current() -> dict:
        nonlocal community
        community = get_object_or_404(Community.objects.select_for_update(), pk=community_id)
        return {}  # the form reads the fresh instance

    def save(form: CommunityForm) -> bool:
        try:
            services.community_update(
                organisation=request.org, community=community, **form.cleaned_data
            )
        except services.Refused as error:
            form.add_error("name", str(error))
            return False
        return True

    result = merged_save(
        lambda data=None, files=None, initial=None: _community_form(request, community, data=data),
        request.POST,
        current=current,
        save=save,
    )
    if result.saved:
        _merge_notice(request, result)
        messages.success(request, _("Saved “%(name)s”.") % {"name": community.name})
        return _done(
            request, anchor=f"community-{community.pk}", focus=f"community-{community.pk}-edit"
        )
    form = result.form
    if request.htmx:
        return _render_card(request, community, form, status=result.status)
    return _render_list(
        request, status=result.status, edit_form=form, focus=f"community-{community.pk}-form"
    )


def _merge_notice(request: HttpRequest, result: Merge) -> None:
    if result.taken:
        messages.info(request, result.notice())


def _render_card(
    request: HttpRequest, community: Community, form: CommunityForm, status: int = 200
) -> HttpResponse:
    """One community card with its edit form (for htmx)."""
    # Reloaded: validating the form has written its values onto the instance.
    community = Community.objects.get(pk=community.pk)
    community.need_list = _mark_ends(list(community.needs.order_by("position", "pk")))
    community.new_need_form = _need_form(community)
    community.edit_form = form
    form.fields["name"].widget.attrs["autofocus"] = True
    return render(
        request,
        f"{TEMPLATE}#community-card",
        {"community": community},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@org_view(Perm.RUN_WORKSHOP)
def community_delete(request: HttpRequest, community_id: int) -> HttpResponse:
    community = get_object_or_404(Community.objects.prefetch_related("needs"), pk=community_id)
    # The list's delete button posts confirmed=yes after htmx asked "are you sure?";
    # without JavaScript it leads here first, to a page that asks the same.
    if request.method == "GET" or request.POST.get("confirmed") != "yes":
        return render(
            request,
            "communities/confirm_delete.html",
            {"community": community, "need_count": len(community.needs.all())},
        )
    services.community_delete(organisation=request.org, community=community)
    messages.success(request, _("Deleted “%(name)s” and its needs.") % {"name": community.name})
    return _done(request, focus="communities-heading")


@require_POST
@org_view(Perm.RUN_WORKSHOP)
def community_move(request: HttpRequest, community_id: int) -> HttpResponse:
    community = get_object_or_404(Community, pk=community_id)
    form = MoveForm(request.POST)
    if form.is_valid():
        direction = form.cleaned_data["direction"]
        if services.community_move(
            organisation=request.org, community=community, direction=direction
        ):
            messages.info(request, _moved_message(community.name, direction))
    return _done(request, anchor=f"community-{community.pk}")


def _moved_message(name: str, direction: str) -> str:
    # Said out loud by screen readers (the messages area is a live region).
    if direction == "up":
        return _("Moved “%(name)s” up.") % {"name": name}
    return _("Moved “%(name)s” down.") % {"name": name}


@require_POST
@org_view(Perm.RUN_WORKSHOP)
def need_create(request: HttpRequest, community_id: int) -> HttpResponse:
    community = get_object_or_404(Community, pk=community_id)
    form = _need_form(community, data=request.POST)
    focus = f"community-{community.pk}-add-need"
    if form.is_valid():
        try:
            services.need_create(organisation=request.org, community=community, **form.cleaned_data)
        except services.Refused as error:
            form.add_error("statement", str(error))
        else:
            messages.success(
                request,
                _("Added a need to “%(community)s”.") % {"community": community.name},
            )
            return _done(request, anchor=f"community-{community.pk}", focus=focus)
    return _render_list(request, status=422, need_forms={community.pk: form}, focus=focus)


@require_http_methods(["GET", "POST"])
@org_view(Perm.RUN_WORKSHOP)
def need_edit(request: HttpRequest, need_id: int) -> HttpResponse:
    need = get_object_or_404(Need.objects.select_related("community"), pk=need_id)
    if request.method == "GET":
        form = open_form(_need_form(need.community, need))
        if request.htmx:
            return _render_need(request, need, form)
        return _render_list(request, need_edit_form=form, focus=f"need-{need.pk}-form")

    def current() -> dict:
        nonlocal need
        need = get_object_or_404(
            Need.objects.select_related("community").select_for_update(of=("self",)), pk=need_id
        )
        return {}  # the form reads the fresh instance

    def save(form: NeedForm) -> bool:
        try:
            services.need_update(organisation=request.org, need=need, **form.cleaned_data)
        except services.Refused as error:
            form.add_error("statement", str(error))
            return False
        return True

    result = merged_save(
        lambda data=None, files=None, initial=None: _need_form(need.community, need, data=data),
        request.POST,
        current=current,
        save=save,
    )
    if result.saved:
        _merge_notice(request, result)
        messages.success(request, _("Saved the need."))
        return _done(request, anchor=f"need-{need.pk}", focus=f"need-{need.pk}-edit")
    form = result.form
    if request.htmx:
        return _render_need(request, need, form, status=result.status)
    return _render_list(
        request, status=result.status, need_edit_form=form, focus=f"need-{need.pk}-form"
    )


def _render_need(request: HttpRequest, need: Need, form: NeedForm, status: int = 200):
    """One need with its edit form (for htmx)."""
    need.edit_form = form
    form.fields["statement"].widget.attrs["autofocus"] = True
    return render(
        request,
        f"{TEMPLATE}#need-item",
        {"need": need, "community": need.community},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@org_view(Perm.RUN_WORKSHOP)
def need_delete(request: HttpRequest, need_id: int) -> HttpResponse:
    need = get_object_or_404(Need.objects.select_related("community"), pk=need_id)
    if request.method == "GET" or request.POST.get("confirmed") != "yes":
        return render(request, "communities/confirm_delete.html", {"need": need})
    services.need_delete(organisation=request.org, need=need)
    messages.success(
        request,
        _("Deleted the need “%(need)s” of “%(community)s”.")
        % {"need": need.statement, "community": need.community.name},
    )
    return _done(
        request,
        anchor=f"community-{need.community_id}",
        focus=f"community-{need.community_id}-name",
    )


@require_POST
@org_view(Perm.RUN_WORKSHOP)
def need_move(request: HttpRequest, need_id: int) -> HttpResponse:
    need = get_object_or_404(Need.objects.select_related("community"), pk=need_id)
    form = MoveForm(request.POST)
    if form.is_valid():
        direction = form.cleaned_data["direction"]
        if services.need_move(organisation=request.org, need=need, direction=direction):
            messages.info(request, _moved_message(need.statement, direction))
    return _done(request, anchor=f"need-{need.pk}")


@require_GET
@org_view(Perm.VIEW)
def export_csv(request: HttpRequest) -> HttpResponse:
    rows = []
    for community in _communities():
        common = {
            "community": community.name,
            "kind": community.kind,
            "description": community.description,
            "estimated_size": community.estimated_size,
        }
        if not community.need_list:
            rows.append(csv_io.ExportRow(**common))
        for need in community.need_list:
            rows.append(
                csv_io.ExportRow(
                    **common, need=need.statement, weight=need.weight, evidence=need.evidence
                )
            )
    # The BOM makes Excel read the file as UTF-8; our import accepts it.
    body = "\ufeff" + csv_io.write_communities_csv(rows)
    response = HttpResponse(body.encode("utf-8"), content_type="text/csv; charset=utf-8")
    filename = f"{request.org.slug}-communities-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_http_methods(["GET", "POST"])
@org_view(Perm.RUN_WORKSHOP)
def import_csv(request: HttpRequest) -> HttpResponse:
    context = {
        "columns": csv_io.COLUMNS,
        "kinds_text": ", ".join(CommunityKind.values),
        "max_errors": csv_io.MAX_REPORTED_ERRORS,
    }
    if request.method == "GET":
        return render(request, "communities/import.html", {**context, "form": ImportForm()})
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            summary = services.communities_import_csv(
                organisation=request.org, file=form.cleaned_data["file"]
            )
        except services.CsvImportError as error:
            context["row_errors"] = [str(e) for e in error.errors[: csv_io.MAX_REPORTED_ERRORS]]
            context["more_errors"] = max(0, len(error.errors) - csv_io.MAX_REPORTED_ERRORS)
        else:
            messages.success(request, _import_message(summary))
            return redirect("communities:list", org_slug=request.org.slug)
    return render(request, "communities/import.html", {**context, "form": form}, status=422)


def _import_message(summary: services.ImportSummary) -> str:
    communities = ngettext(
        "%(added)d community added, %(updated)d updated",
        "%(added)d communities added, %(updated)d updated",
        summary.communities_added,
    ) % {"added": summary.communities_added, "updated": summary.communities_updated}
    needs = ngettext(
        "%(added)d need added, %(updated)d updated",
        "%(added)d needs added, %(updated)d updated",
        summary.needs_added,
    ) % {"added": summary.needs_added, "updated": summary.needs_updated}
    return _("Imported the file: %(communities)s; %(needs)s.") % {
        "communities": communities,
        "needs": needs,
    }
