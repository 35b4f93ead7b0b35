"""Step 1 of the workshop on the organisation's home page (see organisations.workshop)."""

from django.db.models import Count
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from communities.models import Community
from organisations.workshop import Step, StepState


def steps(request: HttpRequest) -> list[Step]:
    totals = Community.objects.aggregate(
        communities=Count("pk", distinct=True), needs=Count("needs")
    )
    communities, needs = totals["communities"], totals["needs"]
    if not communities:
        summary = _("No stakeholder communities yet.")
    else:
        summary = (
            ngettext("%(communities)d community", "%(communities)d communities", communities)
            % {"communities": communities}
            + ", "
            + ngettext("%(needs)d weighted need", "%(needs)d weighted needs", needs)
            % {"needs": needs}
        )
    return [
        Step(
            number=1,
            title=_("Stakeholders and needs"),
            summary=summary,
            state=StepState.DONE
            if needs
            else (StepState.STARTED if communities else StepState.TODO),
            url=reverse("communities:list", kwargs={"org_slug": request.org.slug}),
            action=_("Stakeholders"),
        )
    ]
