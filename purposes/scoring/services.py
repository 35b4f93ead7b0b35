"""Writes for scoring rounds: open, score, reveal, reopen, close, delete, level wordings.

Reveal, close, the fit weight and the level wordings are ``update()`` and
``bulk_create`` writes that fire no model signal, so each tells the audit log
itself (``organisations.audit.record``/``record_many``), inside its
transaction and in a fixed number of queries. The actor is the request's user,
filled in by auditlog's middleware.

Reveal, reopen, close, delete and a new fit weight change the results the
roadmap page shows, so they also move the organisation's data version on
(``organisations.services.organisation_data_changed``) in the same
transaction. Opening a round and saving scores do not: the page reads only
revealed rounds.
"""

from collections.abc import Iterable, Mapping

from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import Need
from organisations import audit
from organisations.models import Membership, Organisation, User
from organisations.permissions import Perm, Role, role_has
from organisations.services import organisation_data_changed
from purposes.audit import score_saved
from purposes.models import (
    Characteristic,
    CharacteristicLevel,
    CharacteristicScore,
    NeedScore,
    Purpose,
    RoundStatus,
    ScoringRound,
)
from purposes.scoring import levels
from purposes.scoring.uses import round_uses


class ScoringError(Exception):
    """A change to a round that must not happen; the message says why."""


class RoundNotFound(ScoringError):
    """No such round in this organisation."""


class RoundUnchanged(ScoringError):
    """The round is already where the request would move it (a double click): nothing changed."""


class RoundInUse(ScoringError):
    """Something above ``purposes`` (a brief) uses the round, so it stays."""

    def __init__(self, message: str, uses: list[str]):
        super().__init__(message)
        self.uses = uses


SCORING_ROLES = [role for role in Role.values if role_has(role, Perm.SCORE)]


def _refuse_foreign(organisation: Organisation, objects: Iterable, message: str) -> None:
    if any(obj.organisation_id != organisation.pk for obj in objects):
        raise ScoringError(message)


def round_open(
    *,
    organisation: Organisation,
    name: str,
    purposes: Iterable[Purpose],
    needs: Iterable[Need],
    executives: Iterable[User],
    created_by: User,
    fit_weight_percent: int = 50,
) -> ScoringRound:
    """Open a blind round over ``purposes`` × ``needs``, scored by ``executives``."""
    purposes, needs, executives = list(purposes), list(needs), list(executives)
    if not purposes:
        raise ScoringError(_("Choose at least one purpose to score."))
    if not needs:
        raise ScoringError(_("Choose at least one need to score against."))
    if not executives:
        raise ScoringError(_("Choose at least one executive to score."))
    if not 0 <= fit_weight_percent <= 100:
        raise ScoringError(_("The share of need fit must be between 0 and 100 %."))
    _refuse_foreign(organisation, purposes, _("A purpose belongs to another organisation."))
    _refuse_foreign(organisation, needs, _("A need belongs to another organisation."))
    scorer_ids = set(
        Membership.objects.with_scopes_disabled()
        .filter(
            organisation=organisation,
            user__in=executives,
            role__in=SCORING_ROLES,
        )
        .values_list("user_id", flat=True)
    )
    if scorer_ids != {user.pk for user in executives}:
        raise ScoringError(_("Everyone who scores must be a member whose role may score."))
    with transaction.atomic():
        scoring_round = ScoringRound.objects.create(
            organisation=organisation,
            name=name.strip(),
            fit_weight_percent=fit_weight_percent,
            created_by=created_by,
        )
        scoring_round.purposes.set(purposes)
        scoring_round.needs.set(needs)
        scoring_round.executives.set(executives)
    return scoring_round


def _round_move(
    scoring_round: ScoringRound,
    *,
    before: str,
    after: str,
    stamp: str | None,
    refusal: str,
    already: tuple[tuple[str, ...], str] = ((), ""),
    extra: dict | None = None,
) -> ScoringRound:
    """Move the round from ``before`` to ``after`` (one UPDATE) and log it (one INSERT).

    ``extra`` fields are set in the same UPDATE (a reveal's anonymity).

    The UPDATE names the status it expects, so of two requests at once (a
    double click) exactly one moves the round and logs it; the other finds
    nothing to update and raises ``RoundUnchanged`` (with ``already``'s
    message) when the round is in one of ``already``'s statuses, and
    ``ScoringError`` (with ``refusal``) otherwise.
    """
    now = timezone.now()
    values = {"status": after, **({stamp: now} if stamp else {}), **(extra or {})}
    with transaction.atomic():
        changed = ScoringRound.objects.filter(pk=scoring_round.pk, status=before).update(**values)
        if changed != 1:
            current = (
                ScoringRound.objects.filter(pk=scoring_round.pk)
                .values_list("status", flat=True)
                .first()
            )
            if current is None:
                raise RoundNotFound(_("There is no such round."))
            scoring_round.status = current
            statuses, message = already
            if current in statuses:
                raise RoundUnchanged(message % {"name": scoring_round.name})
            raise ScoringError(refusal)
        for field, value in values.items():
            setattr(scoring_round, field, value)
        changes = {"status": [before, after]}
        if (extra or {}).get("anonymous"):
            changes["anonymous"] = [False, True]
        audit.record(instance=scoring_round, changes=changes)
        # Which round is the latest revealed, and its status, show on the roadmap page.
        organisation_data_changed(organisation_id=scoring_round.organisation_id)
    return scoring_round


def round_reveal(*, scoring_round: ScoringRound, anonymous: bool = False) -> ScoringRound:
    """Show everyone's scores. Only an open round can be revealed, once.

    ``anonymous``: the results, exports and briefs show "Scorer 1", "Scorer 2"…
    instead of names (``RoundData.scorer_names``); set in the revealing UPDATE, so
    no one ever sees the names first. Safe to run twice at once: the second
    raises ``RoundUnchanged`` and logs nothing.
    """
    return _round_move(
        scoring_round,
        extra={"anonymous": anonymous},
        before=RoundStatus.OPEN,
        after=RoundStatus.REVEALED,
        stamp="revealed_at",
        refusal=_("Only a round that is open for scoring can be revealed."),
        already=(
            (RoundStatus.REVEALED, RoundStatus.CLOSED),
            _("“%(name)s” was already revealed; nothing changed."),
        ),
    )


def round_reopen(*, scoring_round: ScoringRound) -> ScoringRound:
    """Open a revealed round for scoring again; its results are hidden until the next reveal.

    Everyone has seen the scores by then, so ``revealed_at`` is kept: the
    round's page says it was revealed once, and when.
    """
    return _round_move(
        scoring_round,
        before=RoundStatus.REVEALED,
        after=RoundStatus.OPEN,
        stamp=None,
        refusal=_("Only a revealed round can be reopened; a closed round stays as it is."),
        already=((RoundStatus.OPEN,), _("“%(name)s” is already open for scoring.")),
    )


def round_close(*, scoring_round: ScoringRound) -> ScoringRound:
    """Make a revealed round read-only for good."""
    return _round_move(
        scoring_round,
        before=RoundStatus.REVEALED,
        after=RoundStatus.CLOSED,
        stamp="closed_at",
        refusal=_("Reveal the round before closing it; a closed round cannot change."),
        already=((RoundStatus.CLOSED,), _("“%(name)s” is already closed.")),
    )


def round_delete(*, organisation: Organisation, scoring_round: ScoringRound) -> None:
    """Delete a round and its scores, unless something (a brief) uses it.

    What uses a round is asked of the apps above this one (``uses``). The
    deletion itself is logged by the audit log's signals.
    """
    _refuse_foreign(organisation, [scoring_round], _("The round belongs to another organisation."))
    uses = round_uses(scoring_round)
    if uses:
        raise RoundInUse(
            _("“%(name)s” cannot be deleted: a brief was made from it and keeps its scores.")
            % {"name": scoring_round.name},
            uses,
        )
    with transaction.atomic():
        try:
            ScoringRound.objects.filter(organisation=organisation, pk=scoring_round.pk).delete()
        except (ProtectedError, RestrictedError):
            raise ScoringError(
                _("“%(name)s” cannot be deleted: something else still uses it.")
                % {"name": scoring_round.name}
            ) from None
        # It may have been the round the roadmap page reads.
        organisation_data_changed(organisation_id=organisation.pk)


def round_set_fit_weight(*, scoring_round: ScoringRound, fit_weight_percent: int) -> ScoringRound:
    if not 0 <= fit_weight_percent <= 100:
        raise ScoringError(_("The share of need fit must be between 0 and 100 %."))
    with transaction.atomic():
        # Locked, so the logged old value is the one this change replaced.
        old = (
            ScoringRound.objects.filter(pk=scoring_round.pk)
            .exclude(status=RoundStatus.CLOSED)
            .select_for_update()
            .values_list("fit_weight_percent", flat=True)
            .first()
        )
        if old is None:
            raise ScoringError(_("This round is closed and can no longer change."))
        if old != fit_weight_percent:
            ScoringRound.objects.filter(pk=scoring_round.pk).update(
                fit_weight_percent=fit_weight_percent
            )
            audit.record(
                instance=scoring_round,
                changes={"fit_weight_percent": [old, fit_weight_percent]},
            )
            # A revealed round's overall scores feed the roadmap page.
            organisation_data_changed(organisation_id=scoring_round.organisation_id)
    scoring_round.fit_weight_percent = fit_weight_percent
    return scoring_round


def _score_refusal(
    *, organisation: Organisation, round_id: int, scorer: User, purpose_id: int
) -> ScoringError:
    """Why a score was refused; only reached when the one-query check failed."""
    scoring_round = ScoringRound.objects.filter(organisation=organisation, pk=round_id).first()
    if scoring_round is None:
        return RoundNotFound(_("There is no such round."))
    if scoring_round.status != RoundStatus.OPEN:
        return ScoringError(_("This round is no longer open for scoring; nothing was saved."))
    if not scoring_round.executives.filter(pk=scorer.pk).exists():
        return ScoringError(_("You are not one of the scorers in this round; nothing was saved."))
    if not scoring_round.purposes.filter(pk=purpose_id).exists():
        return ScoringError(_("That purpose is not part of this round; nothing was saved."))
    return ScoringError(_("That need is not part of this round; nothing was saved."))


def score_save(
    *,
    organisation: Organisation,
    round_id: int,
    scorer: User,
    purpose_id: int,
    score: int,
    need_id: int | None = None,
    characteristic: str | None = None,
) -> None:
    """Store one score (insert or replace): a need fit 0–5 or a characteristic 1–5.

    The hot path of a workshop: one query checks the round is open and has
    this scorer, purpose and need; one INSERT … ON CONFLICT stores the score.
    """
    if (need_id is None) == (characteristic is None):
        raise ScoringError(_("Score either a need or a characteristic."))
    if need_id is not None:
        low, high = levels.NEED_FIT_MIN, levels.NEED_FIT_MAX
    else:
        if characteristic not in Characteristic.values:
            raise ScoringError(_("There is no such characteristic; nothing was saved."))
        low, high = levels.CHARACTERISTIC_MIN, levels.CHARACTERISTIC_MAX
    if not low <= score <= high:
        raise ScoringError(
            _("A score must be a whole number from %(low)s to %(high)s; nothing was saved.")
            % {"low": low, "high": high}
        )
    check = ScoringRound.objects.filter(
        organisation=organisation,
        pk=round_id,
        status=RoundStatus.OPEN,
        executives=scorer,
        purposes=purpose_id,
    )
    if need_id is not None:
        check = check.filter(needs=need_id)
    with transaction.atomic():
        if not check.exists():
            raise _score_refusal(
                organisation=organisation,
                round_id=round_id,
                scorer=scorer,
                purpose_id=purpose_id,
            )
        if need_id is not None:
            saved = NeedScore.objects.bulk_create(
                [
                    NeedScore(
                        organisation=organisation,
                        round_id=round_id,
                        purpose_id=purpose_id,
                        need_id=need_id,
                        scorer=scorer,
                        score=score,
                    )
                ],
                update_conflicts=True,
                unique_fields=["round", "purpose", "need", "scorer"],
                update_fields=["score", "updated_at"],
            )
        else:
            saved = CharacteristicScore.objects.bulk_create(
                [
                    CharacteristicScore(
                        organisation=organisation,
                        round_id=round_id,
                        purpose_id=purpose_id,
                        characteristic=characteristic,
                        scorer=scorer,
                        score=score,
                    )
                ],
                update_conflicts=True,
                unique_fields=["round", "purpose", "characteristic", "scorer"],
                update_fields=["score", "updated_at"],
            )
        # The upsert fires no model signal: the audit log is told directly.
        score_saved(saved[0], scorer=scorer)


def levels_update(
    *, organisation: Organisation, descriptions: Mapping[tuple[str, int], str]
) -> int:
    """Store an organisation's wording of characteristic levels; returns how many are its own.

    A blank wording, or one equal to the product's sentence, removes the
    organisation's row so the default (and any improvement to it) applies.
    """
    defaults = levels.characteristic_sentences()
    own = {}
    for (characteristic, level), text in descriptions.items():
        if characteristic not in defaults or level not in defaults[characteristic]:
            raise ScoringError(_("There is no such characteristic level."))
        text = text.strip()
        if len(text) > 300:
            raise ScoringError(_("A level's sentence can be at most 300 characters."))
        if text and text != defaults[characteristic][level]:
            own[characteristic, level] = text
    rows = CharacteristicLevel.objects.with_scopes_disabled().filter(organisation=organisation)
    with transaction.atomic():
        before = {
            (characteristic, level): text
            for characteristic, level, text in rows.select_for_update().values_list(
                "characteristic", "level", "description"
            )
        }
        rows.delete()
        created = CharacteristicLevel.objects.with_scopes_disabled().bulk_create(
            [
                CharacteristicLevel(
                    organisation=organisation,
                    characteristic=characteristic,
                    level=level,
                    description=text,
                )
                for (characteristic, level), text in own.items()
            ]
        )
        _log_level_wording(organisation, defaults, before, own, created)
    return len(own)


def _log_level_wording(
    organisation: Organisation,
    defaults: dict[str, dict[int, str]],
    before: dict[tuple[str, int], str],
    after: dict[tuple[str, int], str],
    created: list[CharacteristicLevel],
) -> None:
    """One entry per level whose sentence changed, old → new as executives read it."""
    rows = {(row.characteristic, row.level): row for row in created}
    names = dict(Characteristic.choices)
    records = []
    for characteristic, sentences in defaults.items():
        for level, default in sentences.items():
            key = characteristic, level
            old, new = before.get(key, default), after.get(key, default)
            if old == new:
                continue
            row = rows.get(key) or CharacteristicLevel(
                organisation=organisation, characteristic=characteristic, level=level
            )
            records.append(
                audit.Record(
                    instance=row,
                    changes={"description": [old, new]},
                    object_repr=_("%(characteristic)s, level %(level)d")
                    % {"characteristic": names[characteristic], "level": level},
                    additional_data={"characteristic": characteristic, "level": level},
                )
            )
    audit.record_many(records)
