"""Step 7 of the workshop on the organisation's home page (see organisations.workshop)."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from common.formatting import long_date
from organisations.workshop import Step, StepState
from reports.models import Report, ReportKind, ReportStatus
from roadmap.workshop import latest_roadmap


def steps(request: HttpRequest) -> list[Step]:
    roadmap = latest_roadmap()
    if roadmap is None:
        return [
            Step(
                number=7,
                title=_("Brief the board"),
                summary=_("A board brief can be made once a roadmap exists."),
                state=StepState.TODO,
            )
        ]
    brief = (
        Report.objects.filter(roadmap=roadmap, kind=ReportKind.BOARD)
        .order_by("-version")
        .only("version", "status", "requested_at")
        .first()
    )
    url = reverse(
        "roadmaps:detail", kwargs={"org_slug": request.org.slug, "roadmap_id": roadmap.pk}
    )
    if brief is None:
        summary = _("No board brief of “%(title)s” yet.") % {"title": roadmap.title}
        state = StepState.TODO
    elif brief.status == ReportStatus.DONE:
        summary = _("Board brief version %(version)d, made %(day)s.") % {
            "version": brief.version,
            "day": long_date(brief.requested_at),
        }
        state = StepState.DONE
    else:
        summary = _("Board brief version %(version)d: %(status)s.") % {
            "version": brief.version,
            "status": brief.get_status_display().lower(),
        }
        state = StepState.STARTED
    return [
        Step(
            number=7,
            title=_("Brief the board"),
            summary=summary,
            state=state,
            url=f"{url}#briefs",
            action=_("Board briefs"),
        )
    ]
