"""What of purposes goes in the audit log (organisations.audit), and how it reads.

- Purposes: created and deleted through auditlog's signals. Text edits are
  ``QuerySet.update()`` calls (optimistic concurrency) that fire no signal,
  but each writes a ``PurposeRevision``: a new revision is logged as a change
  of its purpose, diffed against the one before. A status change (shortlist,
  choose, retire) is a decision, not a revision: ``purpose_set_status`` logs
  it itself.
- Scores: ``score_save`` upserts with ``bulk_create``, which fires no signal;
  it calls ``score_saved()``. While a round is open the values stay hidden
  on the audit page too: scoring is blind until the reveal.
"""

from django.db.models.signals import post_save
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organisations import audit
from organisations.models import AuditEntry
from purposes.models import (
    PURPOSE_PARTS,
    CharacteristicLevel,
    CharacteristicScore,
    NeedScore,
    Purpose,
    PurposeRevision,
    RoundStatus,
    ScoringRound,
)

REVISION_FIELDS = ["title", "statement", *PURPOSE_PARTS, "status"]


def score_saved(row: NeedScore | CharacteristicScore, *, scorer) -> None:
    """Log one stored score (one INSERT; no reads on the scoring hot path)."""
    data = {"round": row.round_id, "purpose": row.purpose_id}
    if isinstance(row, NeedScore):
        data["need"] = row.need_id
    else:
        data["characteristic"] = row.characteristic
    audit.record(
        instance=row,
        changes={"score": [None, row.score]},
        actor=scorer,
        object_repr=_("Score"),
        additional_data=data,
    )


def _log_revision(sender, instance: PurposeRevision, created: bool, raw: bool = False, **kwargs):
    if not created or raw or instance.number <= 1:
        return  # the purpose's creation is logged by auditlog itself
    previous = (
        PurposeRevision.objects.with_scopes_disabled()
        .filter(purpose_id=instance.purpose_id, number=instance.number - 1)
        .first()
    )
    if previous is None:
        return
    changes = {
        name: [getattr(previous, name), getattr(instance, name)]
        for name in REVISION_FIELDS
        if getattr(previous, name) != getattr(instance, name)
    }
    if previous.community_names != instance.community_names:
        changes["communities"] = [
            ", ".join(previous.community_names),
            ", ".join(instance.community_names),
        ]
    if not changes:
        return
    purpose = Purpose(
        pk=instance.purpose_id, organisation_id=instance.organisation_id, title=instance.title
    )
    audit.record(instance=purpose, changes=changes, actor=instance.author)


def _describe_scores(entries: list[AuditEntry]) -> None:
    """“Purpose × need” in words; values hidden while the round is still open."""
    from communities.models import Need

    data = [entry.additional_data or {} for entry in entries]
    purpose_ids = {d.get("purpose") for d in data}
    need_ids = {d.get("need") for d in data if d.get("need")}
    round_ids = {d.get("round") for d in data}
    # Entries can outlive the rows they name: look up plainly and fall back.
    purposes = dict(
        Purpose.objects.with_scopes_disabled().filter(pk__in=purpose_ids).values_list("pk", "title")
    )
    needs = (
        dict(
            Need.objects.with_scopes_disabled()
            .filter(pk__in=need_ids)
            .values_list("pk", "statement")
        )
        if need_ids
        else {}
    )
    rounds = {
        pk: (name, status)
        for pk, name, status in ScoringRound.objects.with_scopes_disabled()
        .filter(pk__in=round_ids)
        .values_list("pk", "name", "status")
    }
    characteristics = dict(CharacteristicScore._meta.get_field("characteristic").flatchoices)
    for entry, d in zip(entries, data, strict=True):
        purpose = purposes.get(d.get("purpose"), _("a removed purpose"))
        if d.get("need"):
            against = needs.get(d["need"], _("a removed need"))
        else:
            against = characteristics.get(d.get("characteristic"), d.get("characteristic"))
        round_name, round_status = rounds.get(d.get("round"), (_("a removed round"), None))
        entry.verb = _("scored")
        entry.summary = _("“%(purpose)s” × “%(against)s” in %(round)s") % {
            "purpose": purpose,
            "against": against,
            "round": round_name,
        }
        if round_status == RoundStatus.OPEN:
            entry.hidden_reason = _("Hidden until the round is revealed")


def register() -> None:
    audit.track(Purpose, exclude_fields=["version", "created_by"])
    audit.track(
        ScoringRound,
        exclude_fields=["revealed_at", "closed_at", "opened_at"],
        labels={"fit_weight_percent": gettext_lazy("Share of need fit (%)")},
    )
    # Written with delete + bulk_create; scoring.services.levels_update logs the wording.
    audit.track(CharacteristicLevel, signals=False)
    audit.track(NeedScore, signals=False, describe=_describe_scores)
    audit.track(CharacteristicScore, signals=False, describe=_describe_scores)
    post_save.connect(_log_revision, sender=PurposeRevision, dispatch_uid="purposes.audit.revision")
