"""What of roadmaps goes in the audit log (organisations.audit).

Saves and deletes are seen through model signals: write roadmaps, phases,
milestones and dependencies with ``save()``, ``create()`` or ``delete()``, or
call ``organisations.audit.record()`` after a ``QuerySet.update()``.
"""

from django.utils.translation import gettext as _

from organisations import audit
from organisations.models import AuditEntry
from roadmap.models import Milestone, MilestoneDependency, Phase, PhasePurpose, Roadmap


def _describe_dependencies(entries: list[AuditEntry]) -> None:
    """“A → B” from the milestone titles the entry itself recorded (no queries)."""
    for entry in entries:
        changes = entry.changes or {}
        side = 1 if entry.action != AuditEntry.Action.DELETE else 0
        before = (changes.get("predecessor") or [None, None])[side]
        after = (changes.get("successor") or [None, None])[side]
        if before and after:
            entry.summary = _("“%(after)s” waits for “%(before)s”") % {
                "after": after,
                "before": before,
            }


def register() -> None:
    # The calendar token is a secret: never copied into the log.
    audit.track(Roadmap, exclude_fields=["ical_token"])
    audit.track(Phase)
    audit.track(PhasePurpose, exclude_fields=["position"])
    audit.track(Milestone)
    audit.track(MilestoneDependency, describe=_describe_dependencies)
