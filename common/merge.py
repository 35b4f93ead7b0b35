"""No edit is lost: a stale save is merged three ways, field by field (docs/editing.md).

An editor form carries, in a signed hidden field, the values it showed when it
was opened (the *base*), written the way the browser posts them back. When the
form is saved, the object as it now is (*theirs*) is read under a lock and
compared with the base and with what was posted (*mine*), one field at a time:

- a field I left alone takes their value, changed or not;
- a field only I changed keeps mine;
- a field we both changed to the same value is no conflict;
- a field we both changed differently is a *clash*: nothing is saved, the
  form comes back with my value in it and theirs beside it, and I choose.

Comparing the posted strings, not the cleaned Python values, means every kind
of field (text, dates, money typed in a text box, choices, several choices,
check boxes) is compared the one way: a field the person did not touch posts
back exactly what it was rendered with. Text is compared with line endings
made ``\\n`` (browsers post a textarea with ``\\r\\n``) and outer spaces
stripped, as Django's CharField does.

A post without the hidden field (a script, an old test) saves as before: last
write wins. One whose field was tampered with is refused with a message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.core import signing
from django.db import transaction
from django.http import QueryDict
from django.utils.translation import gettext as _

BASE_FIELD = "edit_base"
KEEP_PREFIX = "keep-"
_SALT = "common.merge.base"

# What one field posts: text, several choices, or a check box.
Raw = str | tuple[str, ...] | bool


def _is_multiple(widget: forms.Widget) -> bool:
    return getattr(widget, "allow_multiple_selected", False)


def _normal(widget: forms.Widget, value) -> Raw:
    """One field's value as the browser posts it, made comparable."""
    if isinstance(widget, forms.CheckboxInput):
        return bool(value)
    if _is_multiple(widget):
        return tuple(sorted(str(item) for item in (value or ()) if item not in (None, "")))
    if isinstance(value, list | tuple):  # a single Select formats to a list
        value = value[0] if value else ""
    if value is None:
        return ""
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _mergeable(form: forms.BaseForm) -> list[str]:
    return [
        name
        for name, item in form.fields.items()
        if not item.disabled
        and not isinstance(item.widget, forms.FileInput)
        and not isinstance(item, forms.FileField)
    ]


def shown_values(form: forms.BaseForm) -> dict[str, Raw]:
    """What an unbound form shows, as its fields would post it untouched."""
    values = {}
    for name in _mergeable(form):
        bound = form[name]
        widget = bound.field.widget
        value = bound.value()
        if isinstance(widget, forms.CheckboxInput):
            values[name] = bool(widget.check_test(value))
        else:
            values[name] = _normal(widget, widget.format_value(value))
    return values


def posted_values(form: forms.BaseForm, data: QueryDict, files=None) -> dict[str, Raw]:
    values = {}
    for name in _mergeable(form):
        widget = form.fields[name].widget
        values[name] = _normal(
            widget, widget.value_from_datadict(data, files or {}, form.add_prefix(name))
        )
    return values


def _sign(values: dict[str, Raw]) -> str:
    return signing.dumps(
        {name: list(v) if isinstance(v, tuple) else v for name, v in values.items()},
        salt=_SALT,
        compress=True,
    )


def _unsign(token: str) -> dict[str, Raw] | None:
    try:
        loaded = signing.loads(token, salt=_SALT)
    except (signing.BadSignature, ValueError, UnicodeError):
        return None
    if not isinstance(loaded, dict):
        return None
    return {name: tuple(v) if isinstance(v, list) else v for name, v in loaded.items()}


def open_form(form: forms.BaseForm) -> forms.BaseForm:
    """Ready an editor form to be shown: it remembers what it shows."""
    form.edit_base = _sign(shown_values(form))  # templates/includes/merge.html
    return form


@dataclass(frozen=True)
class Clash:
    """One field both people changed, differently."""

    name: str
    label: str
    mine: str
    theirs: str
    field_id: str = ""


@dataclass
class Merge:
    """The outcome: a form bound to the merged values, and what the merge did."""

    form: forms.BaseForm
    clashes: list[Clash] = field(default_factory=list)
    taken: list[str] = field(default_factory=list)  # labels of fields taken from theirs
    saved: bool = False

    @property
    def status(self) -> int:
        """The answer to a save that was not made: 409 for a clash, else 422."""
        return 409 if self.clashes else 422

    def notice(self) -> str:
        """Words for the person whose save was merged (empty if nothing was)."""
        if not self.taken:
            return ""
        return _(
            "Someone else saved this while you were editing. Their change to %(fields)s "
            "was kept along with yours."
        ) % {"fields": ", ".join(self.taken)}


def _display(form_field: forms.Field, raw: Raw) -> str:
    """A raw value in words: a choice by its label, an empty value as a dash."""
    if isinstance(raw, bool):
        return _("Yes") if raw else _("No")
    choices = getattr(form_field, "choices", None)
    if choices is not None:
        labels = {str(getattr(value, "value", value)): str(label) for value, label in choices}
        items = raw if isinstance(raw, tuple) else (raw,)
        words = [labels.get(item, item) for item in items if item != ""]
        return ", ".join(words) or "—"
    if isinstance(raw, tuple):
        return ", ".join(raw) or "—"
    return raw or "—"


def _post(data: QueryDict, name: str, raw: Raw) -> None:
    if isinstance(raw, bool):
        if raw:
            data[name] = "on"
        else:
            data.pop(name, None)
    elif isinstance(raw, tuple):
        data.setlist(name, list(raw))
    else:
        data[name] = raw


def _bind(make_form: Callable[..., forms.BaseForm], data: QueryDict, files) -> forms.BaseForm:
    bound = make_form(data=data, files=files)
    bound.edit_base = data[BASE_FIELD]
    return bound


def merge(
    make_form: Callable[..., forms.BaseForm],
    data: QueryDict,
    *,
    theirs_initial: dict,
    files=None,
) -> Merge:
    """Bind the editor form to ``data`` merged with the object as it now is.

    ``make_form(data=None, initial=None)`` builds the form (with its other
    arguments bound in). Call it inside the transaction that holds the
    object's lock and saves it, so nobody saves between the read and the write.
    """
    theirs_form = make_form(initial=theirs_initial)
    theirs = shown_values(theirs_form)
    token = data.get(BASE_FIELD)
    merged = data.copy()
    merged[BASE_FIELD] = _sign(theirs)
    if token is None:
        return Merge(form=_bind(make_form, merged, files))
    base = _unsign(token)
    if base is None or set(base) != set(theirs):
        bound = _bind(make_form, merged, files)
        outcome = Merge(form=bound)
        bound.full_clean()
        bound.add_error(
            None, _("This form is out of date. Open it again, then make your change again.")
        )
        return outcome
    mine = posted_values(theirs_form, data, files)
    # On a page that showed a clash, "use theirs" puts back the value it showed
    # as theirs, which was that page's base.
    for name in mine:
        if data.get(KEEP_PREFIX + theirs_form.add_prefix(name)) == "theirs":
            mine[name] = base[name]
    clashes, taken = [], []
    for name, form_field in theirs_form.fields.items():
        if name not in mine:
            continue
        b, m, t = base[name], mine[name], theirs[name]
        posted_name = theirs_form.add_prefix(name)
        if m in (b, t):
            if m != t and not isinstance(form_field.widget, forms.HiddenInput):
                taken.append(str(form_field.label or name))
            _post(merged, posted_name, t)
        elif t == b:
            _post(merged, posted_name, m)
        else:
            label = str(form_field.label or name)
            shown = (_display(form_field, m), _display(form_field, t))
            clashes.append(Clash(name, label, *shown, field_id=theirs_form[name].auto_id))
            _post(merged, posted_name, m)
    bound = _bind(make_form, merged, files)
    for clash in clashes:
        bound[clash.name].clash = clash  # the field template shows theirs beside it
    return Merge(form=bound, clashes=clashes, taken=taken)


def merged_save(
    make_form: Callable[..., forms.BaseForm],
    data: QueryDict,
    *,
    current: Callable[[], dict],
    save: Callable[[forms.BaseForm], bool],
    files=None,
) -> Merge:
    """Merge a post with the object as it now is and save it, in one transaction.

    ``current()`` locks the object (or what every write to it locks first)
    and returns its values as the form's initial; ``save(form)`` writes a
    valid merged form and returns False, with errors added to the form, if
    the write was refused (anything it wrote is then rolled back).
    """
    with transaction.atomic():
        result = merge(make_form, data, theirs_initial=current(), files=files)
        result.form.merge = result  # the form's template shows what the merge did
        if not result.clashes and result.form.is_valid():
            result.saved = save(result.form)
            if not result.saved:
                transaction.set_rollback(True)
    return result
