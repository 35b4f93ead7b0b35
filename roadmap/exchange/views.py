"""Roadmap exports and imports: milestones CSV, JSON export and import, the calendar feed.

The feed itself (``calendar_feed``) is public at a secret URL; everything else
is under ``/o/<org_slug>/roadmaps/`` behind ``org_view``.
"""

from django import forms
from django.contrib import messages
from django.core.validators import FileExtensionValidator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_safe
from django_scopes import scope

from organisations.permissions import Perm
from organisations.tenancy import org_view
from roadmap.exchange import csv_export, ical, json_export, parsing, writing
from roadmap.models import Roadmap
from roadmap.overview import roadmap_overview

CALENDAR_TEMPLATE = "roadmap/exchange/calendar.html"
IMPORT_TEMPLATE = "roadmap/exchange/import.html"
# The import page lists this many problems and says how many more there are.
MAX_REPORTED_ERRORS = 50


def _url_or_none(name: str, **kwargs) -> str | None:
    """A URL of the roadmap pages, which live in another module and may not exist yet."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def roadmap_page_url(org_slug: str, roadmap_id: int) -> str | None:
    return _url_or_none("roadmaps:detail", org_slug=org_slug, roadmap_id=roadmap_id)


def _filename(request: HttpRequest, roadmap: Roadmap, suffix: str) -> str:
    return f"{request.org.slug}-{slugify(roadmap.title) or 'roadmap'}-{suffix}"


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@org_view(Perm.VIEW)
def milestones_csv(request: HttpRequest, roadmap_id: int) -> HttpResponse:
    roadmap = get_object_or_404(Roadmap, pk=roadmap_id)
    # The BOM makes Excel read the file as UTF-8.
    body = "\ufeff" + csv_export.milestones_csv(roadmap_overview(roadmap))
    response = HttpResponse(body.encode("utf-8"), content_type="text/csv; charset=utf-8")
    return _attachment(response, _filename(request, roadmap, "milestones.csv"))


@require_GET
@org_view(Perm.VIEW)
def export_json(request: HttpRequest, roadmap_id: int) -> HttpResponse:
    roadmap = get_object_or_404(Roadmap.objects.select_related("organisation"), pk=roadmap_id)
    body = json_export.export_json_bytes(json_export.roadmap_export(roadmap))
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    return _attachment(response, _filename(request, roadmap, "roadmap.json"))


# --- the calendar feed -------------------------------------------------------


class FeedActionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("create", "create"), ("rotate", "rotate"), ("revoke", "revoke")]
    )


def _feed_context(request: HttpRequest, roadmap: Roadmap) -> dict:
    feed_url = None
    if roadmap.ical_token:
        feed_url = request.build_absolute_uri(
            reverse("calendar:feed", kwargs={"token": roadmap.ical_token})
        )
    return {
        "roadmap": roadmap,
        "roadmap_url": roadmap_page_url(request.org.slug, roadmap.pk),
        "feed_url": feed_url,
        # webcal:// asks the operating system to subscribe in its calendar app.
        "webcal_url": "webcal://" + feed_url.split("://", 1)[1] if feed_url else None,
    }


@require_http_methods(["GET", "POST"])
@org_view(Perm.EDIT_ROADMAP)
def calendar_settings(request: HttpRequest, roadmap_id: int) -> HttpResponse:
    """Create, rotate or revoke the roadmap's feed URL; htmx gets just the panel."""
    roadmap = get_object_or_404(Roadmap, pk=roadmap_id)
    template = CALENDAR_TEMPLATE + ("#feed-panel" if request.htmx else "")
    status = 200
    if request.method == "POST":
        form = FeedActionForm(request.POST)
        if form.is_valid():
            action = form.cleaned_data["action"]
            if action == "create":
                ical.roadmap_feed_enable(roadmap=roadmap)
                messages.success(request, _("The calendar feed is on. Copy its address below."))
            elif action == "rotate":
                ical.roadmap_feed_rotate(roadmap=roadmap)
                messages.success(
                    request,
                    _("The feed has a new address. The old one no longer works."),
                )
            else:
                ical.roadmap_feed_revoke(roadmap=roadmap)
                messages.success(
                    request, _("The calendar feed is off. Its address no longer works.")
                )
            if not request.htmx:
                return redirect(
                    "roadmap_exchange:calendar", org_slug=request.org.slug, roadmap_id=roadmap.pk
                )
        else:
            messages.error(request, _("Choose to create, replace or turn off the feed."))
            status = 422
    response = render(request, template, _feed_context(request, roadmap), status=status)
    # The page shows a secret: keep it out of shared caches and the back-forward cache.
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed, for calendar apps: no sign-in, the token is the key."""
    roadmap = ical.roadmap_for_token(token)
    if roadmap is None:
        raise Http404
    with scope(organisation=roadmap.organisation):
        milestones, predecessors = ical.feed_rows(roadmap)
        page = roadmap_page_url(roadmap.organisation.slug, roadmap.pk)
        body = ical.roadmap_calendar(
            roadmap,
            milestones,
            predecessors,
            uid_domain=request.get_host().rsplit(":", 1)[0],
            roadmap_url=request.build_absolute_uri(page) if page else None,
        )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = (
        f'inline; filename="{slugify(roadmap.title) or "roadmap"}.ics"'
    )
    # The URL is the secret: no shared cache may keep the feed, and nothing
    # should index it or pass it on as a referrer.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


# --- JSON import ------------------------------------------------------------


class RoadmapImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Roadmap file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
        validators=[FileExtensionValidator(["json"])],
        help_text=gettext_lazy("A .json file exported from Purpose Roadmap, at most 2 MB."),
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > parsing.MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return file


def _import_messages(request: HttpRequest, summary: writing.ImportSummary) -> None:
    counts = {
        "phases": ngettext("%(n)d phase", "%(n)d phases", summary.phases_created)
        % {"n": summary.phases_created},
        "milestones": ngettext("%(n)d milestone", "%(n)d milestones", summary.milestones_created)
        % {"n": summary.milestones_created},
        "purposes": ngettext("%(n)d purpose", "%(n)d purposes", summary.purposes_created)
        % {"n": summary.purposes_created},
        "rounds": ngettext("%(n)d scoring round", "%(n)d scoring rounds", summary.rounds_created)
        % {"n": summary.rounds_created},
    }
    messages.success(
        request,
        _(
            "Imported “%(title)s”: %(phases)s, %(milestones)s, %(purposes)s and %(rounds)s. "
            "Communities: %(c_new)d added, %(c_old)d already here; needs: %(n_new)d added, "
            "%(n_old)d already here."
        )
        % {
            "title": summary.roadmap.title,
            **counts,
            "c_new": summary.communities_created,
            "c_old": summary.communities_matched,
            "n_new": summary.needs_created,
            "n_old": summary.needs_matched,
        },
    )
    if summary.renamed:
        messages.info(
            request,
            _("Names already in use here got “(imported)” added: %(names)s.")
            % {"names": "; ".join(f"“{new}”" for _old, new in summary.renamed[:10])},
        )
    if summary.unmatched_emails:
        emails = ", ".join(summary.unmatched_emails[:10])
        if len(summary.unmatched_emails) > 10:
            emails += " …"
        messages.warning(
            request,
            _(
                "Not members of this organisation, so left out: %(emails)s. Their milestones "
                "have no owner and %(scores)d of their scores were not imported."
            )
            % {"emails": emails, "scores": summary.scores_left_out},
        )


def _after_import_url(request: HttpRequest, roadmap: Roadmap) -> str:
    return (
        roadmap_page_url(request.org.slug, roadmap.pk)
        or _url_or_none("roadmaps:list", org_slug=request.org.slug)
        or reverse("roadmap_exchange:import", kwargs={"org_slug": request.org.slug})
    )


@require_http_methods(["GET", "POST"])
@org_view(Perm.EDIT_ROADMAP)
def import_json(request: HttpRequest) -> HttpResponse:
    context = {
        "max_errors": MAX_REPORTED_ERRORS,
        "roadmaps_url": _url_or_none("roadmaps:list", org_slug=request.org.slug),
    }
    if request.method == "GET":
        return render(request, IMPORT_TEMPLATE, {**context, "form": RoadmapImportForm()})
    form = RoadmapImportForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data["file"].read(parsing.MAX_FILE_BYTES + 1)
        try:
            summary = writing.roadmap_import(
                organisation=request.org, actor=request.user, data=data
            )
        except parsing.ImportInvalid as error:
            context["problems"] = error.problems[:MAX_REPORTED_ERRORS]
            context["more_problems"] = max(0, len(error.problems) - MAX_REPORTED_ERRORS)
        else:
            _import_messages(request, summary)
            return redirect(_after_import_url(request, summary.roadmap))
    return render(request, IMPORT_TEMPLATE, {**context, "form": form}, status=422)
