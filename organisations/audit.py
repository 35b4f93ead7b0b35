"""The audit log: who changed what, when, in which organisation.

django-auditlog records saves and deletes of registered models through model
signals; entries go to ``organisations.AuditEntry``, which carries the
organisation (``AuditEntryManager`` stamps it from the row). Each app
registers its own models with ``track()`` from its ``AppConfig.ready()``
(layering: this module imports nothing above ``organisations``).

Writes that fire no model signal (``QuerySet.update()``, ``bulk_create``
upserts) are logged explicitly with ``record()``, or ``record_many()`` for a
bulk write (one INSERT for all its entries, so the write's query count stays
constant); ``created_changes()`` and ``changes_between()`` give the changes
auditlog itself would have logged for a row. An app may register a
``describe`` function for a model to turn its entries into readable
sentences on the admin's page, a page of entries at a time.
"""

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date
from decimal import Decimal

from auditlog.cid import get_cid
from auditlog.diff import model_instance_diff
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.signals import pre_save
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from common.formatting import money
from organisations.models import (
    AuditEntry,
    Invitation,
    Membership,
    Organisation,
    audit_organisation_id,
)

# Columns that change on every save or only repeat the organisation.
NOISE_FIELDS = ["organisation", "created_at", "updated_at"]

_TRACKED: dict[type[models.Model], Callable[[list[AuditEntry]], None] | None] = {}
# Field labels for the page where a column's verbose name would read badly.
_LABELS: dict[type[models.Model], Mapping[str, str]] = {}


def track(
    model: type[models.Model],
    *,
    signals: bool = True,
    exclude_fields: Iterable[str] = (),
    describe: Callable[[list[AuditEntry]], None] | None = None,
    labels: Mapping[str, str] | None = None,
    **options,
) -> None:
    """Put ``model`` in the audit log.

    ``signals=False`` when every write of the model is logged with
    ``record()`` instead. ``describe(entries)`` may set ``entry.summary``
    (a sentence) and ``entry.hidden_reason`` (the values are not shown) on a
    page's entries of this model; it must cost a fixed number of queries.
    ``labels`` names fields (lazily translated) where the verbose name will not do.
    """
    if signals and not auditlog.contains(model):
        # Named columns only: on create and delete auditlog would otherwise
        # diff reverse relations too ("memberships: organisations.Membership.None").
        left_out = {*NOISE_FIELDS, *exclude_fields}
        columns = [f.name for f in model._meta.concrete_fields if not f.primary_key]
        auditlog.register(
            model, include_fields=[name for name in columns if name not in left_out], **options
        )
    _TRACKED[model] = describe
    if labels:
        _LABELS[model] = labels


def tracked_models() -> list[type[models.Model]]:
    return list(_TRACKED)


def record(
    *,
    instance: models.Model,
    changes: dict[str, list],
    action: int = AuditEntry.Action.UPDATE,
    actor=None,
    object_repr: str | None = None,
    additional_data: dict | None = None,
) -> AuditEntry:
    """Log a change that no model signal saw. ``changes``: field → [old, new]."""
    extra = {}
    if actor is not None:
        extra["actor"] = actor
        extra["actor_email"] = getattr(actor, "email", None)
    if object_repr is not None:
        extra["object_repr"] = object_repr
    if additional_data is not None:
        extra["additional_data"] = additional_data
    return AuditEntry.objects.log_create(
        instance,
        force_log=True,
        action=action,
        changes=_as_text(changes),
        **extra,
    )


@dataclass(frozen=True)
class Record:
    """One entry of ``record_many()``: the row, and field → [old, new]."""

    instance: models.Model
    changes: dict[str, list]
    action: int = AuditEntry.Action.UPDATE
    object_repr: str | None = None
    additional_data: dict | None = None


def record_many(records: Iterable[Record], *, actor=None) -> list[AuditEntry]:
    """Log the changes of a bulk write in one INSERT, as ``record()`` logs one.

    Without ``actor``, the request's user comes from auditlog's middleware as
    for any entry: its context fills an entry in on ``pre_save``, which a bulk
    insert does not send by itself.
    """
    entries = []
    cid = get_cid()
    for item in records:
        instance = item.instance
        pk = instance.pk
        entry = AuditEntry(
            organisation_id=audit_organisation_id(instance),
            content_type=ContentType.objects.get_for_model(instance),
            object_pk="" if pk is None else str(pk),
            object_id=pk if isinstance(pk, int) else None,
            object_repr=str(instance) if item.object_repr is None else item.object_repr,
            action=item.action,
            changes=_as_text(item.changes),
            additional_data=item.additional_data,
            cid=cid,
        )
        if actor is not None:
            entry.actor, entry.actor_email = actor, getattr(actor, "email", None)
        pre_save.send(sender=AuditEntry, instance=entry, raw=False, using="default")
        entries.append(entry)
    if not entries:
        return []
    with scopes_disabled():
        return AuditEntry.objects.bulk_create(entries)


def created_changes(instance: models.Model) -> dict[str, list]:
    """What auditlog logs when a tracked row is created (for rows made by ``bulk_create``)."""
    return {
        name: list(values) for name, values in (model_instance_diff(None, instance) or {}).items()
    }


def changes_between(
    old: models.Model, new: models.Model, fields: Iterable[str] | None = None
) -> dict[str, list]:
    """What auditlog logs when a tracked row is saved (for rows written by ``bulk_update``)."""
    diff = model_instance_diff(old, new, fields_to_check=list(fields) if fields else None)
    return {name: list(values) for name, values in (diff or {}).items()}


def _as_text(changes: dict[str, list]) -> dict[str, list]:
    return {
        name: [None if v is None else str(v) for v in values] for name, values in changes.items()
    }


# A membership was logged as "Wanda Wilcox (Executive) in Ours Ltd"; the
# sentence needs the person, and their role is in the changes.
_MEMBERSHIP_REPR = re.compile(r"^(?P<name>.*) \([^()]*\) in .*$", re.DOTALL)


def _describe_memberships(entries: list[AuditEntry]) -> None:
    for entry in entries:
        match = _MEMBERSHIP_REPR.match(entry.object_repr)
        name = match["name"] if match else entry.object_repr
        entry.verb, entry.summary = {
            AuditEntry.Action.CREATE: (_("added"), _("%(name)s as a member") % {"name": name}),
            AuditEntry.Action.DELETE: (_("removed"), _("%(name)s as a member") % {"name": name}),
        }.get(entry.action, (_("changed"), _("the membership of %(name)s") % {"name": name}))


def _describe_invitations(entries: list[AuditEntry]) -> None:
    for entry in entries:
        email = entry.object_repr.split(" → ")[0]
        entry.verb, entry.summary = {
            AuditEntry.Action.CREATE: (_("invited"), email),
            AuditEntry.Action.DELETE: (
                _("withdrew"),
                _("the invitation of %(email)s") % {"email": email},
            ),
        }.get(entry.action, (_("changed"), _("the invitation of %(email)s") % {"email": email}))


def _describe_organisations(entries: list[AuditEntry]) -> None:
    for entry in entries:
        if entry.action == AuditEntry.Action.UPDATE:
            entry.verb = _("changed")
            entry.summary = _("the settings of %(name)s") % {"name": entry.object_repr}


def register_models() -> None:
    # The data version is the pages' cache key, bumped by every write: not a decision.
    track(Organisation, exclude_fields=["data_version"], describe=_describe_organisations)
    # Hiding the setup checklist is one person's view of the page, not a decision.
    track(Membership, exclude_fields=["checklist_hidden"], describe=_describe_memberships)
    # The token hash is a secret; when the email went out is not a decision.
    track(
        Invitation,
        exclude_fields=["token_hash", "email_sent_at"],
        describe=_describe_invitations,
    )


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class Change:
    label: str
    old: str | None
    new: str | None
    operation: str = ""  # "add" or "remove" for a many-to-many change


def _display(field: models.Field | None, value) -> str | None:
    if value is None or value == "None":
        return None
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.FileField):  # a stored file's name means nothing to a reader
        return _("an image") if isinstance(field, models.ImageField) else _("a file")
    if isinstance(field, models.BooleanField):
        return _("yes") if value in ("True", True) else _("no")
    # Amounts and dates as the pages show them: "50 → 80", not "50.00 → 80".
    try:
        if isinstance(field, models.DecimalField):
            return money(Decimal(str(value)))
        if isinstance(field, models.IntegerField) and not field.primary_key:
            return money(int(str(value)))
        if isinstance(field, models.DateTimeField):
            moment = parse_datetime(str(value))
            if moment is not None:
                if timezone.is_naive(moment):
                    moment = timezone.make_aware(moment, UTC)
                return formats.date_format(timezone.localtime(moment), "j M Y, H:i")
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            return formats.date_format(date.fromisoformat(str(value)), "j M Y")
    except (ValueError, ArithmeticError):
        pass  # an entry written by an older release: shown as it was stored
    return str(value)


def changes_of(entry: AuditEntry) -> list[Change]:
    """The entry's changes as (field label, old, new), in words a person reads."""
    model = entry.content_type.model_class()
    labels = _LABELS.get(model, {})
    rows = []
    for name, values in (entry.changes or {}).items():
        try:
            field = model._meta.get_field(name) if model else None
        except FieldDoesNotExist:
            field = None
        label = str(labels.get(name) or getattr(field, "verbose_name", name)).capitalize()
        if isinstance(values, dict):  # a many-to-many change
            objects = ", ".join(values.get("objects", []))
            if values.get("operation") == "add":
                rows.append(Change(label, None, objects, "add"))
            else:
                rows.append(Change(label, objects, None, "remove"))
            continue
        old, new = [*list(values), None, None][:2]
        old, new = _display(field, old), _display(field, new)
        if isinstance(field, models.FileField) and old and new:  # one file replaced another
            old, new = None, _("a new one")
        if entry.action == AuditEntry.Action.CREATE and new in (None, ""):
            continue  # a new row's empty fields say nothing
        if entry.action == AuditEntry.Action.DELETE and old in (None, ""):
            continue
        rows.append(Change(label, old, new))
    return rows


def describe(entries: list[AuditEntry]) -> None:
    """Prepare a page of entries for display: labels, changes, app summaries."""
    by_model: dict[type[models.Model], list[AuditEntry]] = {}
    for entry in entries:
        model = entry.content_type.model_class()
        entry.model_label = (
            str(model._meta.verbose_name).capitalize() if model else entry.content_type.model
        )
        entry.summary = entry.object_repr
        entry.verb = None
        entry.hidden_reason = None
        entry.change_rows = changes_of(entry)
        if model is not None:
            by_model.setdefault(model, []).append(entry)
    for model, group in by_model.items():
        describer = _TRACKED.get(model)
        if describer is not None:
            describer(group)
    for entry in entries:
        if entry.hidden_reason:
            entry.change_rows = []
        entry.sentence = sentence(entry)
        entry.details = entry.change_rows if entry.action != AuditEntry.Action.UPDATE else []


# ---------------------------------------------------------------- sentences

LONG_VALUE = 240  # characters of a value shown before "Show all"


def _value(text: str, tag: str) -> SafeString:
    """A changed value marked as removed (``del``) or added (``ins``); a long one
    shortened visibly, the whole text one tap away."""
    if len(text) <= LONG_VALUE:
        return format_html("<{tag}>{}</{tag}>", text, tag=tag)
    return format_html(
        '<{tag} class="long-value"><details><summary><span class="preview">{}</span> '
        '<span class="more">{}</span></summary>{}</details></{tag}>',
        Truncator(text).chars(LONG_VALUE),
        _("Show all %(count)s characters") % {"count": f"{len(text):,}"},
        text,
        tag=tag,
    )


def _in_sentence(label: str) -> str:
    """A field label inside a sentence: "target", but "URL" stays "URL"."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def _change_clause(change: Change) -> SafeString:
    label = _in_sentence(change.label)
    if change.operation == "add":
        return format_html(
            _("{value} added to {label}"), value=_value(change.new, "ins"), label=label
        )
    if change.operation == "remove":
        return format_html(
            _("{value} removed from {label}"), value=_value(change.old, "del"), label=label
        )
    if change.old in (None, ""):
        return format_html(_("{label} set to {new}"), label=label, new=_value(change.new, "ins"))
    if change.new in (None, ""):
        return format_html(
            _("{label} cleared (was {old})"), label=label, old=_value(change.old, "del")
        )
    return format_html(
        _("{label} from {old} to {new}"),
        label=label,
        old=_value(change.old, "del"),
        new=_value(change.new, "ins"),
    )


def _actor(entry: AuditEntry) -> str:
    if entry.actor_id:
        return entry.actor.display_name
    return entry.actor_email or _("The system")


def sentence(entry: AuditEntry) -> SafeString:
    """What happened, as one sentence: "Maria Lopez changed the milestone
    “Pilot”: target from 50 to 80, and status from Planned to Done."."""
    if entry.verb:  # an app's own wording, e.g. "scored “A” × “B” in Round 1"
        what = format_html("{} {}", entry.verb, entry.summary)
    else:
        verb = {
            AuditEntry.Action.CREATE: _("added"),
            AuditEntry.Action.DELETE: _("removed"),
        }.get(entry.action, _("changed"))
        what = format_html(
            _("{verb} the {model} “{name}”"),
            verb=verb,
            model=_in_sentence(entry.model_label),
            name=entry.summary,
        )
    head = format_html("<strong>{}</strong> {}", _actor(entry), what)
    if entry.action != AuditEntry.Action.UPDATE or not entry.change_rows:
        return format_html("{}.", head)
    clauses = [_change_clause(change) for change in entry.change_rows]
    if len(clauses) == 1:
        changes = clauses[0]
    else:
        changes = format_html(
            _("{some}, and {last}"),
            some=format_html_join(", ", "{}", ((clause,) for clause in clauses[:-1])),
            last=clauses[-1],
        )
    return format_html("{}: {}.", head, changes)


def model_choices() -> list[tuple[str, str]]:
    """(``app_label.model``, label) for every tracked model, for the filter."""
    choices = []
    for model in tracked_models():
        content_type = ContentType.objects.get_for_model(model)
        key = f"{content_type.app_label}.{content_type.model}"
        choices.append((key, str(model._meta.verbose_name_plural).capitalize()))
    return sorted(choices, key=lambda choice: choice[1])
