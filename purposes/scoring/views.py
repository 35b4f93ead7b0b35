"""Blind scoring rounds: open, score, watch progress, reveal, read and compare results.

The CSV download is in ``csv_export``; what the pages show is built in
``presentation``.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.merge import merged_save, open_form
from organisations.models import Organisation
from organisations.permissions import Perm
from organisations.ratelimit import rate_limit
from organisations.tenancy import org_view
from purposes import services as purpose_services
from purposes.models import RoundStatus, ScoringRound
from purposes.scoring import presentation
from purposes.scoring.forms import (
    CompareForm,
    FitWeightForm,
    LevelsForm,
    PurposeStatusForm,
    RoundForm,
    ScoreForm,
)
from purposes.scoring.results import is_revealed, round_data
from purposes.scoring.services import (
    RoundInUse,
    RoundNotFound,
    RoundUnchanged,
    ScoringError,
    levels_update,
    round_close,
    round_delete,
    round_open,
    round_reopen,
    round_reveal,
    round_set_fit_weight,
    score_save,
)
from purposes.scoring.uses import round_uses


def _can(request: HttpRequest, perm: Perm) -> bool:
    return request.membership.has_perm(perm)


def _round_url(name: str, request: HttpRequest, scoring_round: ScoringRound, **kwargs) -> str:
    return reverse(
        f"scoring:{name}",
        kwargs={"org_slug": request.org.slug, "round_id": scoring_round.pk, **kwargs},
    )


# ---------------------------------------------------------------- rounds


@require_GET
@org_view(Perm.VIEW)
def round_list(request: HttpRequest) -> HttpResponse:
    rounds = list(presentation.with_sizes(ScoringRound.objects.all()))
    mine = set(
        ScoringRound.objects.filter(executives=request.user, status=RoundStatus.OPEN).values_list(
            "pk", flat=True
        )
    )
    presentation.round_list_completion(rounds)
    comparable = sum(1 for r in rounds if is_revealed(r))
    return render(
        request,
        "scoring/round_list.html",
        {"rounds": rounds, "mine": mine, "can_compare": comparable >= 2},
    )


@require_http_methods(["GET", "POST"])
@org_view(Perm.RUN_WORKSHOP)
def round_new(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        form = RoundForm(organisation=request.org)
        return render(request, "scoring/round_new.html", {"form": form})
    form = RoundForm(request.POST, organisation=request.org)
    if form.is_valid():
        try:
            scoring_round = round_open(
                organisation=request.org,
                name=form.cleaned_data["name"],
                purposes=form.cleaned_data["purposes"],
                needs=form.cleaned_data["needs"],
                executives=form.cleaned_data["executives"],
                created_by=request.user,
                fit_weight_percent=form.cleaned_data["fit_weight_percent"],
            )
        except ScoringError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("“%(name)s” is open. Scores stay hidden until you reveal them.")
                % {"name": scoring_round.name},
            )
            return redirect(_round_url("detail", request, scoring_round))
    return render(request, "scoring/round_new.html", {"form": form}, status=422)


@require_GET
@org_view(Perm.VIEW)
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    scoring_round = get_object_or_404(ScoringRound, pk=round_id)
    context = {
        "round": scoring_round,
        "purposes": list(scoring_round.purposes.all()),
        "needs_count": scoring_round.needs.count(),
        "is_scorer": scoring_round.executives.filter(pk=request.user.pk).exists(),
        "fit_weight_form": FitWeightForm(
            initial={"fit_weight_percent": scoring_round.fit_weight_percent}
        ),
    }
    # Who finished is no secret once the round is revealed; before, only the facilitator sees it.
    if _can(request, Perm.RUN_WORKSHOP) or is_revealed(scoring_round):
        context["progress"] = presentation.progress(scoring_round)
    return render(request, "scoring/round_detail.html", context)


@require_GET
@org_view(Perm.RUN_WORKSHOP)
def round_progress(request: HttpRequest, round_id: int) -> HttpResponse:
    """The facilitator's live progress panel, polled by htmx every 2 s."""
    scoring_round = get_object_or_404(ScoringRound, pk=round_id)
    if not request.htmx:
        return redirect(_round_url("detail", request, scoring_round))
    return render(
        request,
        "scoring/round_detail.html#progress",
        {"round": scoring_round, "progress": presentation.progress(scoring_round)},
    )


def _confirmed(request: HttpRequest) -> bool:
    """A POST that says so: the confirm page's form sends ``confirmed=yes``."""
    return request.method == "POST" and request.POST.get("confirmed") == "yes"


@require_http_methods(["GET", "POST"])
@org_view(Perm.RUN_WORKSHOP)
def round_reveal_view(request: HttpRequest, round_id: int) -> HttpResponse:
    """Say who has not finished and ask; reveal only on a confirmed POST, and only once."""
    scoring_round = get_object_or_404(ScoringRound, pk=round_id)
    if not _confirmed(request):
        if scoring_round.status != RoundStatus.OPEN:
            messages.info(request, _("This round was already revealed."))
            return redirect(_round_url("results", request, scoring_round))
        return render(
            request,
            "scoring/confirm_reveal.html",
            {"round": scoring_round, "progress": presentation.progress(scoring_round)},
        )
    try:
        round_reveal(scoring_round=scoring_round, anonymous=request.POST.get("anonymous") == "yes")
    except RoundUnchanged as already:
        # A double click, or another facilitator a moment earlier: not an error.
        messages.info(request, str(already))
        return redirect(_round_url("results", request, scoring_round))
    except ScoringError as error:
        messages.error(request, str(error))
        return redirect(_round_url("detail", request, scoring_round))
    messages.success(request, _("The scores are revealed. Everyone can see the results now."))
    return redirect(_round_url("results", request, scoring_round))


@require_http_methods(["GET", "POST"])
@org_view(Perm.RUN_WORKSHOP)
def round_reopen_view(request: HttpRequest, round_id: int) -> HttpResponse:
    """Open a revealed round for scoring again, after a warning that its scores were seen."""
    scoring_round = get_object_or_404(ScoringRound, pk=round_id)
    if not _confirmed(request):
        if scoring_round.status == RoundStatus.REVEALED:
            return render(request, "scoring/confirm_reopen.html", {"round": scoring_round})
        messages.info(request, _("Only a revealed round can be reopened."))
        return redirect(_round_url("detail", request, scoring_round))
    try:
        round_reopen(scoring_round=scoring_round)
    except RoundUnchanged as already:
        messages.info(request, str(already))
    except ScoringError as error:
        messages.error(request, str(error))
    else:
        messages.warning(
            request,
            _("“%(name)s” is open for scoring again. Everyone has seen the scores given so far.")
            % {"name": scoring_round.name},
        )
    return redirect(_round_url("detail", request, scoring_round))


@require_http_methods(["GET", "POST"])
@org_view(Perm.RUN_WORKSHOP)
def round_delete_view(request: HttpRequest, round_id: int) -> HttpResponse:
    """Delete a round no brief uses, after a page that says what goes with it."""
    scoring_round = get_object_or_404(ScoringRound, pk=round_id)
    uses: list[str] = []
    if _confirmed(request):
        try:
            round_delete(organisation=request.org, scoring_round=scoring_round)
        except RoundInUse as in_use:
            uses = in_use.uses
        except ScoringError as error:
            messages.error(request, str(error))
            return redirect(_round_url("detail", request, scoring_round))
        else:
            messages.success(
                request, _("Deleted “%(name)s” and its scores.") % {"name": scoring_round.name}
            )
            return redirect("scoring:list", org_slug=request.org.slug)
    else:
        uses = round_uses(scoring_round)
    context = {
        "round": scoring_round,
        "uses": uses,
        "score_count": presentation.score_count(scoring_round),
    }
    return render(
        request, "scoring/confirm_delete.html", context, status=409 if _confirmed(request) else 200
    )


@require_POST
@org_view(Perm.RUN_WORKSHOP)
def round_close_view(request: HttpRequest, round_id: int) -> HttpResponse:
    scoring_round = get_object_or_404(ScoringRound, pk=round_id)
    try:
        round_close(scoring_round=scoring_round)
    except RoundUnchanged as already:
        messages.info(request, str(already))
    except ScoringError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The round is closed; its results are kept as they are."))
    return redirect(_round_url("detail", request, scoring_round))


@require_POST
@org_view(Perm.RUN_WORKSHOP)
def round_fit_weight(request: HttpRequest, round_id: int) -> HttpResponse:
    scoring_round = get_object_or_404(ScoringRound, pk=round_id)
    form = FitWeightForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The share of need fit must be a whole number from 0 to 100."))
    else:
        try:
            round_set_fit_weight(
                scoring_round=scoring_round,
                fit_weight_percent=form.cleaned_data["fit_weight_percent"],
            )
        except ScoringError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Need fit now counts for %(fit)s %% of the overall score.")
                % {"fit": scoring_round.fit_weight_percent},
            )
    target = "results" if is_revealed(scoring_round) else "detail"
    return redirect(_round_url(target, request, scoring_round))


# ---------------------------------------------------------------- scoring


def _score_page(
    request: HttpRequest, scoring_round: ScoringRound, status: int = 200
) -> HttpResponse:
    context = presentation.score_page(scoring_round, request.user)
    context["save_url"] = _round_url("save", request, scoring_round)
    return render(request, "scoring/score.html", context, status=status)


@require_GET
@org_view(Perm.SCORE)
def score(request: HttpRequest, round_id: int) -> HttpResponse:
    scoring_round = get_object_or_404(ScoringRound, pk=round_id)
    if not scoring_round.executives.filter(pk=request.user.pk).exists():
        return render(request, "scoring/not_scorer.html", {"round": scoring_round}, status=403)
    return _score_page(request, scoring_round)


@require_POST
@org_view(Perm.SCORE)
@rate_limit(
    "score_save", setting="ROADMAP_RATE_SCORE_SAVE", htmx_template="scoring/score.html#save-state"
)
def score_save_view(request: HttpRequest, round_id: int) -> HttpResponse:
    """Store one score. htmx gets a few words back; a plain form post, the page."""
    form = ScoreForm(request.POST)
    error = None
    if not form.is_valid():
        error = form.message()
    else:
        try:
            score_save(
                organisation=request.org,
                round_id=round_id,
                scorer=request.user,
                purpose_id=form.cleaned_data["purpose"],
                need_id=form.cleaned_data["need"],
                characteristic=form.cleaned_data["characteristic"] or None,
                score=form.cleaned_data["score"],
            )
        except RoundNotFound:
            raise Http404 from None
        except ScoringError as refused:
            error = str(refused)
    if request.htmx:
        return render(
            request,
            "scoring/score.html#save-state",
            {"error": error, "score_value": form.cleaned_data.get("score") if not error else None},
            status=422 if error else 200,
        )
    scoring_round = get_object_or_404(ScoringRound, pk=round_id)
    if error:
        messages.error(request, error)
        if not scoring_round.executives.filter(pk=request.user.pk).exists():
            return render(request, "scoring/not_scorer.html", {"round": scoring_round}, status=403)
        return _score_page(request, scoring_round, status=422)
    messages.success(request, _("Saved."))
    anchor = f"#purpose-{form.cleaned_data['purpose']}"
    return HttpResponseRedirect(_round_url("score", request, scoring_round) + anchor)


# ---------------------------------------------------------------- results


def not_revealed(request: HttpRequest, scoring_round: ScoringRound) -> HttpResponse:
    return render(request, "scoring/not_revealed.html", {"round": scoring_round}, status=403)


@require_GET
@org_view(Perm.VIEW)
def results(request: HttpRequest, round_id: int) -> HttpResponse:
    """Results once revealed; htmx with ``w<need>`` weights gets the what-if ranking only."""
    scoring_round = get_object_or_404(ScoringRound, pk=round_id)
    if not is_revealed(scoring_round):
        return not_revealed(request, scoring_round)
    data = round_data(scoring_round)
    can_run = _can(request, Perm.RUN_WORKSHOP)
    # The what-if is the facilitator's: others always see the saved weights.
    weights = presentation.what_if_weights(request.GET, data.needs) if can_run else data.weights
    base = data.results()
    context = {
        "round": scoring_round,
        "data": data,
        "completion": data.completion,
        "can_run": can_run,
        **presentation.ranking(data, weights, base),
    }
    if request.htmx and request.GET.get("what_if"):
        return render(request, "scoring/results.html#ranking", context)
    context.update(
        presentation.disagreements(data, base),
        fit_weight_form=FitWeightForm(
            initial={"fit_weight_percent": scoring_round.fit_weight_percent}
        ),
        status_form=PurposeStatusForm(),
        need_levels=presentation.need_levels(),
    )
    return render(request, "scoring/results.html", context)


@require_POST
@org_view(Perm.RUN_WORKSHOP)
def purpose_status(request: HttpRequest, round_id: int, purpose_id: int) -> HttpResponse:
    """Shortlist or choose a purpose from the results."""
    scoring_round = get_object_or_404(ScoringRound, pk=round_id)
    purpose = get_object_or_404(
        scoring_round.purposes.select_related("organisation"), pk=purpose_id
    )
    form = PurposeStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose shortlisted, chosen or draft."))
    else:
        try:
            purpose_services.purpose_set_status(
                purpose=purpose, status=form.cleaned_data["status"], actor=request.user
            )
        except purpose_services.PurposeError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("“%(title)s” is now %(status)s.")
                % {"title": purpose.title, "status": purpose.get_status_display().lower()},
            )
    return HttpResponseRedirect(_round_url("results", request, scoring_round) + "#ranking")


# ---------------------------------------------------------------- comparing rounds


@require_GET
@org_view(Perm.VIEW)
def compare(request: HttpRequest) -> HttpResponse:
    revealed = list(
        ScoringRound.objects.exclude(status=RoundStatus.OPEN)
        .order_by("-opened_at", "-pk")
        .values_list("pk", flat=True)[:2]
    )
    # Unasked, the page offers the two latest revealed rounds, older first.
    initial = {"first": revealed[1], "second": revealed[0]} if len(revealed) == 2 else {}
    form = CompareForm(request.GET or None, initial=initial)
    context: dict = {"form": form, "can_compare": len(revealed) == 2}
    status = 200
    if form.is_bound and not form.is_valid():
        status = 422
    elif form.is_bound:
        first = round_data(form.cleaned_data["first"])
        second = round_data(form.cleaned_data["second"])
        rows = presentation.comparison(first, second)
        context.update(first=first.scoring_round, second=second.scoring_round, rows=rows)
    return render(request, "scoring/compare.html", context, status=status)


# ---------------------------------------------------------------- level wording


@require_http_methods(["GET", "POST"])
@org_view(Perm.RUN_WORKSHOP)
def levels_edit(request: HttpRequest) -> HttpResponse:
    own = {(c, level): text for c, level, text in presentation.own_levels()}
    if request.method == "GET":
        form = open_form(LevelsForm(own=own))
        return render(request, "scoring/levels.html", {"form": form})
    count = 0

    def current() -> dict:
        nonlocal own
        # Every wording save takes the organisation's row first (docs/editing.md).
        Organisation.objects.select_for_update().filter(pk=request.org.pk).first()
        own = {(c, level): text for c, level, text in presentation.own_levels()}
        return {}  # the form's fields carry the wording as it now is

    def save(form: LevelsForm) -> bool:
        nonlocal count
        try:
            count = levels_update(organisation=request.org, descriptions=form.descriptions())
        except ScoringError as error:
            form.add_error(None, str(error))
            return False
        return True

    result = merged_save(
        lambda data=None, files=None, initial=None: LevelsForm(data, own=own),
        request.POST,
        current=current,
        save=save,
    )
    if result.saved:
        if result.taken:
            messages.info(request, result.notice())
        messages.success(
            request,
            _("Level wording saved: %(count)s of 25 in your own words.") % {"count": count},
        )
        return redirect("scoring:levels", org_slug=request.org.slug)
    return render(request, "scoring/levels.html", {"form": result.form}, status=result.status)
