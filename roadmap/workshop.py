"""Steps 5 and 6 of the workshop on the organisation's home page (see organisations.workshop)."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from organisations.workshop import Step, StepState
from roadmap.models import Roadmap
from roadmap.overview import roadmap_overview


def latest_roadmap() -> Roadmap | None:
    return Roadmap.objects.order_by("-updated_at", "-pk").first()


def steps(request: HttpRequest) -> list[Step]:
    slug = request.org.slug
    roadmap = latest_roadmap()
    if roadmap is None:
        return [
            Step(
                number=5,
                title=_("Map the roadmap"),
                summary=_("No roadmap yet."),
                state=StepState.TODO,
                url=reverse("roadmaps:list", kwargs={"org_slug": slug}),
                action=_("Roadmaps"),
            ),
            Step(
                number=6,
                title=_("Check readiness"),
                summary=_("Warnings and readiness indices appear once a roadmap exists."),
                state=StepState.TODO,
            ),
        ]
    overview = roadmap_overview(roadmap)
    url = reverse("roadmaps:detail", kwargs={"org_slug": slug, "roadmap_id": roadmap.pk})
    mapped = ngettext(
        "“%(title)s”: %(phases)d phase, ", "“%(title)s”: %(phases)d phases, ", len(overview.phases)
    ) % {"title": roadmap.title, "phases": len(overview.phases)} + ngettext(
        "%(milestones)d milestone.", "%(milestones)d milestones.", len(overview.milestones)
    ) % {"milestones": len(overview.milestones)}
    warnings = len(overview.warnings)
    overall = overview.readiness.overall
    check = (
        ngettext("%(count)d warning", "%(count)d warnings", warnings) % {"count": warnings}
        + " · "
        + (
            _("overall readiness %(overall)d of 100") % {"overall": overall}
            if overall is not None
            else _("overall readiness not known yet")
        )
    )
    return [
        Step(
            number=5,
            title=_("Map the roadmap"),
            summary=mapped,
            state=StepState.DONE
            if overview.purposes and overview.milestones
            else StepState.STARTED,
            url=url,
            action=_("Roadmap"),
        ),
        Step(
            number=6,
            title=_("Check readiness"),
            summary=check,
            state=StepState.DONE if not warnings and overall is not None else StepState.STARTED,
            url=f"{url}#check",
            action=_("Warnings and indices"),
        ),
    ]
