"""Purpose drafting: list, create, read, edit with hints, history, diff, comments."""

from functools import partial

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.merge import merged_save, open_form
from organisations.permissions import Perm
from organisations.tenancy import org_view
from purposes import hints, services
from purposes.diff import changed_field_names, revision_diff, word_diff
from purposes.forms import CommentForm, CompareForm, PurposeEditForm, PurposeForm, StatusForm
from purposes.hints import FIELD_LABELS, TEXT_FIELDS
from purposes.models import (
    PURPOSE_PARTS,
    Purpose,
    PurposeComment,
    PurposeRevision,
    PurposeStatus,
)

# How the list groups purposes: decisions first, then the work in progress.
STATUS_ORDER = [
    PurposeStatus.CHOSEN,
    PurposeStatus.SHORTLISTED,
    PurposeStatus.DRAFT,
    PurposeStatus.RETIRED,
]


def _get_purpose(purpose_id: int) -> Purpose:
    # Inside org_view's scope: another organisation's purpose is a 404.
    return get_object_or_404(Purpose.objects.select_related("created_by"), pk=purpose_id)


def _missing_labels(purpose: Purpose) -> list[str]:
    return [str(FIELD_LABELS[part]) for part in purpose.missing_parts()]


def _redirect_detail(request: HttpRequest, purpose: Purpose, anchor: str = "") -> HttpResponse:
    response = redirect("purposes:detail", org_slug=request.org.slug, purpose_id=purpose.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


@require_GET
@org_view(Perm.VIEW)
def purpose_list(request: HttpRequest) -> HttpResponse:
    """All purposes, grouped by status; ``?status=`` shows one group."""
    selected = request.GET.get("status", "")
    if selected not in PurposeStatus.values:
        selected = ""
    purposes = list(
        Purpose.objects.prefetch_related("communities").annotate(comment_count=Count("comments"))
    )
    counts = dict.fromkeys(STATUS_ORDER, 0)
    for purpose in purposes:
        counts[purpose.status] += 1
        purpose.missing_labels = _missing_labels(purpose)
    groups = [
        {
            "status": status,
            "label": status.label,
            "purposes": [p for p in purposes if p.status == status],
        }
        for status in STATUS_ORDER
        if not selected or status == selected
    ]
    filters = [
        {"status": status, "label": status.label, "count": counts[status]}
        for status in STATUS_ORDER
    ]
    return render(
        request,
        "purposes/list.html",
        {
            "groups": groups,
            "filters": filters,
            "selected": selected,
            "total": len(purposes),
        },
    )


def _hints_context(values: dict) -> dict:
    return {"hints": hints.purpose_hints(values)}


def _form_response(
    request: HttpRequest, *, form: PurposeForm, purpose: Purpose | None, status: int = 200, **extra
) -> HttpResponse:
    values = form.data if form.is_bound else {**form.initial}
    context = {
        "form": form,
        "purpose": purpose,
        "latest": services.latest_revision(purpose) if purpose else None,
        **_hints_context(values),
        **extra,
    }
    return render(request, "purposes/form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@org_view(Perm.EDIT_PURPOSES)
def purpose_create(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _form_response(request, form=PurposeForm(organisation=request.org), purpose=None)
    form = PurposeForm(request.POST, organisation=request.org)
    if not form.is_valid():
        return _form_response(request, form=form, purpose=None, status=422)
    try:
        purpose = services.purpose_create(
            organisation=request.org,
            actor=request.user,
            text=form.text(),
            communities=form.cleaned_data["communities"],
        )
    except services.PurposeError as error:
        form.add_error(None, str(error))
        return _form_response(request, form=form, purpose=None, status=422)
    messages.success(request, _("Purpose “%(title)s” created.") % {"title": purpose.title})
    return _redirect_detail(request, purpose)


@require_POST
@org_view(Perm.EDIT_PURPOSES)
def purpose_hints(request: HttpRequest) -> HttpResponse:
    """The hints for the draft as typed so far (htmx, debounced); advice only."""
    return render(request, "purposes/form.html#hints", _hints_context(request.POST))


@require_GET
@org_view(Perm.VIEW)
def purpose_detail(request: HttpRequest, purpose_id: int) -> HttpResponse:
    purpose = _get_purpose(purpose_id)
    return render(request, "purposes/detail.html", _detail_context(request, purpose))


def _detail_context(request: HttpRequest, purpose: Purpose, **extra) -> dict:
    comments = list(PurposeComment.objects.filter(purpose=purpose).select_related("author"))
    return {
        "purpose": purpose,
        "parts": [
            {"name": part, "label": FIELD_LABELS[part], "value": getattr(purpose, part)}
            for part in PURPOSE_PARTS
        ],
        "communities": list(purpose.communities.all()),
        "comments": comments,
        "comment_count": len(comments),
        "latest": services.latest_revision(purpose),
        "revision_count": PurposeRevision.objects.filter(purpose=purpose).count(),
        "status_form": StatusForm(initial={"status": purpose.status}),
        "comment_form": extra.pop("comment_form", None) or CommentForm(),
        **extra,
    }


@require_http_methods(["GET", "POST"])
@org_view(Perm.EDIT_PURPOSES)
def purpose_edit(request: HttpRequest, purpose_id: int) -> HttpResponse:
    purpose = _get_purpose(purpose_id)
    make_form = partial(PurposeEditForm, organisation=request.org)
    if request.method == "GET":
        form = open_form(make_form(initial=_edit_initial(purpose)))
        return _form_response(request, form=form, purpose=purpose)

    saved: Purpose | None = None
    checked: PurposeEditForm | None = None

    def current() -> dict:
        nonlocal purpose
        purpose = get_object_or_404(Purpose.objects.select_for_update(), pk=purpose_id)
        return _edit_initial(purpose)

    def save(form: PurposeEditForm) -> bool:
        nonlocal saved, checked
        checked = form
        try:
            saved = services.purpose_update(
                purpose=purpose,
                actor=request.user,
                loaded_version=form.cleaned_data["version"],
                text=form.text(),
                communities=form.cleaned_data["communities"],
            )
        except services.EditConflict:
            raise
        except services.PurposeError as error:
            form.add_error(None, str(error))
            return False
        return True

    try:
        result = merged_save(make_form, request.POST, current=current, save=save)
    except services.EditConflict as conflict:
        # Only a post without the editor's record of what it showed (a script,
        # an old page) can still miss a save made meanwhile: show both.
        return _conflict_response(request, form=checked, conflict=conflict)
    if not result.saved:
        return _form_response(request, form=result.form, purpose=purpose, status=result.status)
    if result.taken:
        messages.info(request, result.notice())
    if saved.version == result.form.cleaned_data["version"]:
        messages.info(request, _("Nothing had changed, so nothing was saved."))
    else:
        messages.success(request, _("Saved. The change is kept in the history."))
    return _redirect_detail(request, saved)


def _edit_initial(purpose: Purpose) -> dict:
    initial = {name: getattr(purpose, name) for name in TEXT_FIELDS}
    initial["communities"] = list(purpose.communities.values_list("pk", flat=True))
    initial["version"] = purpose.version
    return initial


def _conflict_response(
    request: HttpRequest, *, form: PurposeEditForm, conflict: services.EditConflict
) -> HttpResponse:
    """Show what the other person saved beside what you typed; save nothing.

    The form keeps your text and now carries the version they saved, so the
    next save is a deliberate one made after reading theirs.
    """
    theirs = conflict.current
    yours = form.text()
    rows = []
    for name in TEXT_FIELDS:
        their_value, your_value = getattr(theirs, name), getattr(yours, name)
        if their_value != your_value:
            rows.append(
                {
                    "label": FIELD_LABELS[name],
                    "theirs": their_value,
                    "segments": word_diff(their_value, your_value),
                }
            )
    their_communities = sorted(c.name for c in theirs.communities.all())
    your_communities = sorted(c.name for c in form.cleaned_data["communities"])
    data = request.POST.copy()
    data["version"] = str(theirs.version)
    merged_form = PurposeEditForm(data, organisation=request.org)
    merged_form.is_valid()
    return _form_response(
        request,
        form=merged_form,
        purpose=theirs,
        status=409,
        conflict={
            "message": str(conflict),
            "revision": conflict.revision,
            "rows": rows,
            "their_communities": their_communities,
            "your_communities": your_communities,
            "communities_differ": their_communities != your_communities,
        },
    )


@require_POST
@org_view(Perm.RUN_WORKSHOP)
def purpose_status(request: HttpRequest, purpose_id: int) -> HttpResponse:
    purpose = _get_purpose(purpose_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the statuses."))
        return _redirect_detail(request, purpose, "status")
    before = purpose.status
    services.purpose_set_status(
        purpose=purpose, status=form.cleaned_data["status"], actor=request.user
    )
    if purpose.status == before:
        messages.info(
            request, _("The status was already %(status)s.") % {"status": _label(purpose)}
        )
    else:
        messages.success(request, _("Status changed to %(status)s.") % {"status": _label(purpose)})
    return _redirect_detail(request, purpose, "status")


def _label(purpose: Purpose) -> str:
    return str(purpose.get_status_display()).lower()


@require_POST
@org_view(Perm.COMMENT)
def comment_create(request: HttpRequest, purpose_id: int) -> HttpResponse:
    """Add a comment. htmx gets the new comment to append; others a redirect."""
    purpose = _get_purpose(purpose_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment = services.comment_create(
                purpose=purpose, actor=request.user, body=form.cleaned_data["body"]
            )
        except services.PurposeError as error:
            form.add_error("body", str(error))
    if form.errors:
        if request.htmx:
            response = render(
                request,
                "purposes/detail.html#comment-form",
                {"purpose": purpose, "comment_form": form},
                status=422,
            )
            response["HX-Retarget"] = "#comment-form"
            response["HX-Reswap"] = "outerHTML"
            return response
        context = _detail_context(request, purpose, comment_form=form)
        return render(request, "purposes/detail.html", context, status=422)
    if request.htmx:
        comment_count = PurposeComment.objects.filter(purpose=purpose).count()
        return render(
            request,
            "purposes/detail.html#comment-appended",
            {"purpose": purpose, "comment": comment, "comment_count": comment_count},
        )
    messages.success(request, _("Comment added."))
    return _redirect_detail(request, purpose, f"comment-{comment.pk}")


@require_GET
@org_view(Perm.VIEW)
def revision_list(request: HttpRequest, purpose_id: int) -> HttpResponse:
    purpose = _get_purpose(purpose_id)
    revisions = list(
        PurposeRevision.objects.filter(purpose=purpose).select_related("author").order_by("-number")
    )
    # Oldest last: each revision is compared with the one just after it in the list.
    for index, revision in enumerate(revisions):
        previous = revisions[index + 1] if index + 1 < len(revisions) else None
        revision.previous_number = previous.number if previous else None
        if previous is None:
            revision.changes = []
            continue
        revision.changes = [str(FIELD_LABELS[n]) for n in changed_field_names(previous, revision)]
        revision.status_changed = previous.status != revision.status
        revision.communities_changed = sorted(previous.community_names or []) != sorted(
            revision.community_names or []
        )
    numbers = [r.number for r in revisions]
    compare_form = CompareForm(
        initial={
            "old": numbers[1] if len(numbers) > 1 else None,
            "new": numbers[0] if numbers else None,
        },
        numbers=numbers,
    )
    return render(
        request,
        "purposes/revisions.html",
        {"purpose": purpose, "revisions": revisions, "compare_form": compare_form},
    )


@require_GET
@org_view(Perm.VIEW)
def revision_compare(request: HttpRequest, purpose_id: int) -> HttpResponse:
    """A word-level diff between any two revisions: ``?old=<n>&new=<n>``."""
    purpose = _get_purpose(purpose_id)
    numbers = list(
        PurposeRevision.objects.filter(purpose=purpose)
        .order_by("-number")
        .values_list("number", flat=True)
    )
    context = {"purpose": purpose, "numbers": numbers}
    data = request.GET
    if "old" not in data and "new" not in data:
        if len(numbers) < 2:
            # Nothing to compare yet: say so rather than complain about the form.
            context["compare_form"] = CompareForm(numbers=numbers)
            return render(request, "purposes/compare.html", context)
        data = {"old": numbers[1], "new": numbers[0]}
    form = CompareForm(data, numbers=numbers)
    context["compare_form"] = form
    if not form.is_valid():
        return render(request, "purposes/compare.html", context, status=422)
    wanted = {form.cleaned_data["old"], form.cleaned_data["new"]}
    by_number = {
        r.number: r
        for r in PurposeRevision.objects.filter(purpose=purpose, number__in=wanted).select_related(
            "author"
        )
    }
    old, new = by_number[form.cleaned_data["old"]], by_number[form.cleaned_data["new"]]
    context.update({"old": old, "new": new, "diff": revision_diff(old, new)})
    return render(request, "purposes/compare.html", context)
