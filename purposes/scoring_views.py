"""Blind scoring rounds: open, score, watch progress, reveal, read and compare results."""

import csv

from django.contrib import messages
from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.spreadsheet import spreadsheet_safe
from communities.models import Need
from organisations.permissions import Perm
from organisations.ratelimit import rate_limit
from organisations.tenancy import org_view
from purposes import levels, scoring
from purposes import services as purpose_services
from purposes.models import (
    Characteristic,
    CharacteristicLevel,
    CharacteristicScore,
    NeedScore,
    RoundStatus,
    ScoringRound,
)
from purposes.results import RoundData, heatmap, round_data
from purposes.scoring_forms import (
    CompareForm,
    FitWeightForm,
    LevelsForm,
    PurposeStatusForm,
    RoundForm,
    ScoreForm,
)
from purposes.scoring_services import (
    RoundNotFound,
    ScoringError,
    levels_update,
    round_close,
    round_open,
    round_reveal,
    round_set_fit_weight,
    score_save,
)

CHARACTERISTICS = list(Characteristic)
DISAGREEMENTS_LISTED = 12


def _can(request: HttpRequest, perm: Perm) -> bool:
    return request.membership.has_perm(perm)


def _round_url(name: str, request: HttpRequest, scoring_round: ScoringRound, **kwargs) -> str:
    return reverse(
        f"scoring:{name}",
        kwargs={"org_slug": request.org.slug, "round_id": scoring_round.pk, **kwargs},
    )


def _is_revealed(scoring_round: ScoringRound) -> bool:
    return scoring_round.status != RoundStatus.OPEN


# ---------------------------------------------------------------- rounds


@require_GET
@org_view(Perm.VIEW)
def round_list(request: HttpRequest) -> HttpResponse:
    rounds = list(
        ScoringRound.objects.annotate(
            purpose_count=Count("purposes", distinct=True),
            need_count=Count("needs", distinct=True),
            executive_count=Count("executives", distinct=True),
        )
    )
    mine = set(
        ScoringRound.objects.filter(executives=request.user, status=RoundStatus.OPEN).values_list(
            "pk", flat=True
        )
    )
    comparable = sum(1 for r in rounds if _is_revealed(r))
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


def _progress(scoring_round: ScoringRound) -> dict:
    """Per executive: how many of their scores are in. Never the scores themselves."""
    purpose_count = scoring_round.purposes.count()
    need_count = scoring_round.needs.count()
    total = purpose_count * (need_count + len(CHARACTERISTICS))
    counts: dict[int, int] = {}
    last: dict[int, object] = {}
    for model in (NeedScore, CharacteristicScore):
        rows = (
            model.objects.filter(round=scoring_round)
            .values("scorer_id")
            .annotate(n=Count("pk"), last=Max("updated_at"))
        )
        for row in rows:
            counts[row["scorer_id"]] = counts.get(row["scorer_id"], 0) + row["n"]
            if row["scorer_id"] not in last or row["last"] > last[row["scorer_id"]]:
                last[row["scorer_id"]] = row["last"]
    executives = [
        {
            "user": user,
            "done": counts.get(user.pk, 0),
            "total": total,
            "finished": total > 0 and counts.get(user.pk, 0) >= total,
            "last": last.get(user.pk),
        }
        for user in scoring_round.executives.order_by("first_name", "last_name", "email")
    ]
    return {
        "executives": executives,
        "finished_count": sum(1 for e in executives if e["finished"]),
        "total": total,
    }


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
    if _can(request, Perm.RUN_WORKSHOP):
        context["progress"] = _progress(scoring_round)
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
        {"round": scoring_round, "progress": _progress(scoring_round)},
    )


@require_POST
@org_view(Perm.RUN_WORKSHOP)
def round_reveal_view(request: HttpRequest, round_id: int) -> HttpResponse:
    scoring_round = get_object_or_404(ScoringRound, pk=round_id)
    try:
        round_reveal(scoring_round=scoring_round)
    except ScoringError as error:
        messages.error(request, str(error))
        return redirect(_round_url("detail", request, scoring_round))
    messages.success(request, _("The scores are revealed. Everyone can see the results now."))
    return redirect(_round_url("results", request, scoring_round))


@require_POST
@org_view(Perm.RUN_WORKSHOP)
def round_close_view(request: HttpRequest, round_id: int) -> HttpResponse:
    scoring_round = get_object_or_404(ScoringRound, pk=round_id)
    try:
        round_close(scoring_round=scoring_round)
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
    target = "results" if _is_revealed(scoring_round) else "detail"
    return redirect(_round_url(target, request, scoring_round))


# ---------------------------------------------------------------- scoring


def _own_levels() -> list[tuple[str, int, str]]:
    return list(CharacteristicLevel.objects.values_list("characteristic", "level", "description"))


def _score_page(request: HttpRequest, scoring_round: ScoringRound, status: int = 200):
    purposes = list(scoring_round.purposes.all())
    needs = list(scoring_round.needs.select_related("community"))
    mine_needs = {
        (p, n): s
        for p, n, s in NeedScore.objects.filter(
            round=scoring_round, scorer=request.user
        ).values_list("purpose_id", "need_id", "score")
    }
    mine_chars = {
        (p, c): s
        for p, c, s in CharacteristicScore.objects.filter(
            round=scoring_round, scorer=request.user
        ).values_list("purpose_id", "characteristic", "score")
    }
    sentences = levels.characteristic_sentences(_own_levels())
    need_levels = [(level, str(text)) for level, text in levels.NEED_FIT_LEVELS.items()]
    sections = []
    for purpose in purposes:
        need_rows = [
            {"need": need, "score": mine_needs.get((purpose.pk, need.pk))} for need in needs
        ]
        char_rows = [
            {
                "key": characteristic.value,
                "label": characteristic.label,
                "question": levels.CHARACTERISTIC_QUESTIONS[characteristic],
                "levels": sorted(sentences[characteristic].items()),
                "score": mine_chars.get((purpose.pk, characteristic.value)),
            }
            for characteristic in CHARACTERISTICS
        ]
        done = sum(1 for row in need_rows if row["score"] is not None) + sum(
            1 for row in char_rows if row["score"] is not None
        )
        sections.append(
            {
                "purpose": purpose,
                "needs": need_rows,
                "characteristics": char_rows,
                "done": done,
                "total": len(need_rows) + len(char_rows),
            }
        )
    return render(
        request,
        "scoring/score.html",
        {
            "round": scoring_round,
            "sections": sections,
            "need_levels": need_levels,
            "done": sum(s["done"] for s in sections),
            "total": sum(s["total"] for s in sections),
            "read_only": scoring_round.status != RoundStatus.OPEN,
            "save_url": _round_url("save", request, scoring_round),
        },
        status=status,
    )


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


def _what_if_weights(query: QueryDict, needs: list[Need]) -> dict[int, int]:
    """Need weights from ``w<need id>`` parameters; anything unusable keeps the saved weight."""
    weights = {}
    for need in needs:
        raw = query.get(f"w{need.pk}", "")
        try:
            value = int(raw)
        except ValueError:
            value = need.weight
        weights[need.pk] = (
            value if scoring.WEIGHT_MIN <= value <= scoring.WEIGHT_MAX else need.weight
        )
    return weights


def _ranking_context(
    data: RoundData, weights: dict[int, int], base: list[scoring.PurposeResult]
) -> dict:
    order = [p.pk for p in data.purposes]
    ranked = scoring.reweighted(base, weights, data.scoring_round.fit_weight_percent, order)
    stability = scoring.top_stability(base, weights, data.scoring_round.fit_weight_percent, order)
    by_pk = {p.pk: p for p in data.purposes}
    return {
        "ranking": [
            {"position": index, "purpose": by_pk[result.purpose], "result": result}
            for index, result in enumerate(ranked, start=1)
        ],
        "stability": stability,
        "stability_top": by_pk.get(stability.top),
        "weights": weights,
        "what_if": weights != data.weights,
        "status_choices": PurposeStatusForm.base_fields["status"].choices,
        "weight_rows": [
            {"need": need, "weight": weights[need.pk], "saved": need.weight} for need in data.needs
        ],
    }


def _not_revealed(request: HttpRequest, scoring_round: ScoringRound) -> HttpResponse:
    return render(request, "scoring/not_revealed.html", {"round": scoring_round}, status=403)


@require_GET
@org_view(Perm.VIEW)
def results(request: HttpRequest, round_id: int) -> HttpResponse:
    """Results once revealed; htmx with ``w<need>`` weights gets the what-if ranking only."""
    scoring_round = get_object_or_404(ScoringRound, pk=round_id)
    if not _is_revealed(scoring_round):
        return _not_revealed(request, scoring_round)
    data = round_data(scoring_round)
    can_run = _can(request, Perm.RUN_WORKSHOP)
    # The what-if is the facilitator's: others always see the saved weights.
    weights = _what_if_weights(request.GET, data.needs) if can_run else data.weights
    base = data.results()
    context = {
        "round": scoring_round,
        "data": data,
        "can_run": can_run,
        **_ranking_context(data, weights, base),
    }
    if request.htmx and request.GET.get("what_if"):
        return render(request, "scoring/results.html#ranking", context)
    cells = heatmap(data, base)
    context.update(
        cells,
        # The widest disagreements are the ones to talk about; the heatmap
        # flags every one and the CSV has every score.
        disagreements_shown=cells["disagreements"][:DISAGREEMENTS_LISTED],
        disagreements_more=max(0, len(cells["disagreements"]) - DISAGREEMENTS_LISTED),
        fit_weight_form=FitWeightForm(
            initial={"fit_weight_percent": scoring_round.fit_weight_percent}
        ),
        status_form=PurposeStatusForm(),
        need_levels=[(level, str(text)) for level, text in levels.NEED_FIT_LEVELS.items()],
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


@require_GET
@org_view(Perm.VIEW)
def export_csv(request: HttpRequest, round_id: int) -> HttpResponse:
    """Every executive × purpose × criterion, one row each; blank where not scored."""
    scoring_round = get_object_or_404(ScoringRound, pk=round_id)
    if not _is_revealed(scoring_round):
        return _not_revealed(request, scoring_round)
    data = round_data(scoring_round)
    need_scores = {(p, n, s): v for p, n, s, v in data.need_rows}
    char_scores = {(p, c, s): v for p, c, s, v in data.char_rows}
    filename = f"{slugify(scoring_round.name) or 'round'}-scores.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(
        [
            _("round"),
            _("executive"),
            _("email"),
            _("purpose"),
            _("criterion kind"),
            _("criterion"),
            _("community"),
            _("need weight"),
            _("score"),
        ]
    )
    for user in data.executives:
        for purpose in data.purposes:
            for need in data.needs:
                writer.writerow(
                    [
                        spreadsheet_safe(scoring_round.name),
                        spreadsheet_safe(user.display_name),
                        spreadsheet_safe(user.email),
                        spreadsheet_safe(purpose.title),
                        _("need"),
                        spreadsheet_safe(need.statement),
                        spreadsheet_safe(need.community.name),
                        need.weight,
                        spreadsheet_safe(need_scores.get((purpose.pk, need.pk, user.pk))),
                    ]
                )
            for characteristic in CHARACTERISTICS:
                writer.writerow(
                    [
                        spreadsheet_safe(scoring_round.name),
                        spreadsheet_safe(user.display_name),
                        spreadsheet_safe(user.email),
                        spreadsheet_safe(purpose.title),
                        _("characteristic"),
                        spreadsheet_safe(characteristic.label),
                        "",
                        "",
                        spreadsheet_safe(
                            char_scores.get((purpose.pk, characteristic.value, user.pk))
                        ),
                    ]
                )
    return response


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
        first_results = {r.purpose: r for r in first.results()}
        second_results = {r.purpose: r for r in second.results()}
        purposes = {p.pk: p for p in first.purposes}
        purposes.update({p.pk: p for p in second.purposes})
        rows = []
        for purpose in sorted(purposes.values(), key=lambda p: (p.title, p.pk)):
            a, b = first_results.get(purpose.pk), second_results.get(purpose.pk)
            row = {"purpose": purpose, "measures": []}
            for label, attribute in (
                (_("Fit"), "fit"),
                (_("Characteristics"), "characteristics"),
                (_("Overall"), "overall"),
            ):
                before = getattr(a, attribute) if a else None
                after = getattr(b, attribute) if b else None
                row["measures"].append(
                    {
                        "label": label,
                        "before": before,
                        "after": after,
                        "delta": scoring.difference(before, after),
                    }
                )
            rows.append(row)
        context.update(first=first.scoring_round, second=second.scoring_round, rows=rows)
    return render(request, "scoring/compare.html", context, status=status)


# ---------------------------------------------------------------- level wording


@require_http_methods(["GET", "POST"])
@org_view(Perm.RUN_WORKSHOP)
def levels_edit(request: HttpRequest) -> HttpResponse:
    own = {(c, level): text for c, level, text in _own_levels()}
    if request.method == "GET":
        return render(request, "scoring/levels.html", {"form": LevelsForm(own=own)})
    form = LevelsForm(request.POST, own=own)
    if form.is_valid():
        try:
            count = levels_update(organisation=request.org, descriptions=form.descriptions())
        except ScoringError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Level wording saved: %(count)s of 25 in your own words.") % {"count": count},
            )
            return redirect("scoring:levels", org_slug=request.org.slug)
    return render(request, "scoring/levels.html", {"form": form}, status=422)
