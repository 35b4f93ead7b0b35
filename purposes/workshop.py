"""Steps 2–4 of the workshop on the organisation's home page (see organisations.workshop)."""

from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from organisations.workshop import Step, StepState
from purposes.models import Purpose, PurposeStatus, RoundStatus, ScoringRound


def steps(request: HttpRequest) -> list[Step]:
    slug = request.org.slug
    counts = Purpose.objects.aggregate(
        total=Count("pk"),
        shortlisted=Count("pk", filter=Q(status=PurposeStatus.SHORTLISTED)),
        chosen=Count("pk", filter=Q(status=PurposeStatus.CHOSEN)),
    )
    rounds = list(ScoringRound.objects.order_by("-opened_at", "-pk")[:1])
    open_rounds = ScoringRound.objects.filter(status=RoundStatus.OPEN).count()
    latest = rounds[0] if rounds else None

    if counts["total"]:
        drafting = (
            ngettext(
                "%(total)d purpose statement: %(shortlisted)d shortlisted, %(chosen)d chosen.",
                "%(total)d purpose statements: %(shortlisted)d shortlisted, %(chosen)d chosen.",
                counts["total"],
            )
            % counts
        )
    else:
        drafting = _("No purpose drafted yet.")

    if latest is None:
        scoring = _("No scoring round yet.")
        scoring_state = StepState.TODO
        scoring_url = reverse("scoring:list", kwargs={"org_slug": slug})
    elif open_rounds:
        scoring = ngettext(
            "%(count)d round open for scoring; scores stay hidden until revealed.",
            "%(count)d rounds open for scoring; scores stay hidden until revealed.",
            open_rounds,
        ) % {"count": open_rounds}
        scoring_state = StepState.STARTED
        scoring_url = reverse("scoring:detail", kwargs={"org_slug": slug, "round_id": latest.pk})
    else:
        scoring = _("Latest round “%(name)s” revealed.") % {"name": latest.name}
        scoring_state = StepState.DONE
        scoring_url = reverse("scoring:detail", kwargs={"org_slug": slug, "round_id": latest.pk})

    revealed = latest is not None and latest.status != RoundStatus.OPEN
    converge_url = (
        reverse("scoring:results", kwargs={"org_slug": slug, "round_id": latest.pk})
        if revealed
        else reverse("scoring:list", kwargs={"org_slug": slug})
    )
    if counts["chosen"]:
        converge = (
            ngettext("%(chosen)d purpose chosen.", "%(chosen)d purposes chosen.", counts["chosen"])
            % counts
        )
    elif revealed:
        converge = _("Results are in: shortlist and choose from the ranking.")
    else:
        converge = _("Ranking, disagreements and what-if weights appear once a round is revealed.")
    return [
        Step(
            number=2,
            title=_("Draft purposes"),
            summary=drafting,
            state=(
                StepState.DONE
                if counts["shortlisted"] or counts["chosen"]
                else StepState.STARTED
                if counts["total"]
                else StepState.TODO
            ),
            url=reverse("purposes:list", kwargs={"org_slug": slug}),
            action=_("Purposes"),
        ),
        Step(
            number=3,
            title=_("Score in blind rounds"),
            summary=scoring,
            state=scoring_state,
            url=scoring_url,
            action=_("Scoring"),
        ),
        Step(
            number=4,
            title=_("Converge and choose"),
            summary=converge,
            state=(
                StepState.DONE
                if counts["chosen"]
                else StepState.STARTED
                if revealed
                else StepState.TODO
            ),
            url=converge_url,
            action=_("Results"),
        ),
    ]
