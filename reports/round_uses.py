"""Which briefs use a scoring round, so that ``purposes`` does not delete it.

A brief's snapshot names the round its scores come from (``data.round.id``,
docs/briefs.md); registered with ``purposes.scoring.uses`` from
``ReportsConfig.ready()``.
"""

from django.utils.translation import gettext as _

from purposes.models import ScoringRound
from reports.models import Report


def briefs_using(scoring_round: ScoringRound, limit: int) -> list[str]:
    """Up to ``limit`` briefs made from ``scoring_round``, in words; two queries at most."""
    briefs = Report.objects.filter(
        organisation_id=scoring_round.organisation_id,
        snapshot__data__round__id=scoring_round.pk,
    )
    found = list(briefs.select_related("roadmap").order_by("-requested_at", "-pk")[:limit])
    words = [
        _("%(kind)s version %(version)d of “%(roadmap)s”")
        % {"kind": brief.get_kind_display(), "version": brief.version, "roadmap": brief.roadmap}
        for brief in found
    ]
    if len(found) == limit:
        more = briefs.count() - limit
        if more:
            words.append(_("and %(count)d more") % {"count": more})
    return words
