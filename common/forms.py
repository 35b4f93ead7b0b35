from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.forms.renderers import TemplatesSetting
from django.utils.translation import ngettext

from common.text import CONTROL_CHARACTERS, LONE_SURROGATE, text_problem


class FormRenderer(TemplatesSetting):
    """Django's renderer with our field template: label, input, help and errors,
    linked by aria-describedby so screen readers read the error with the field."""

    field_template_name = "forms/field.html"


# The largest id a database column can hold (PostgreSQL bigint); SQLite's is the same.
MAX_ID = 2**63 - 1


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, refusing an id no database could hold with the field's own message.

    An ``id__in`` lookup with 10²³ overflows the database driver (a 500); the
    single-choice lookup already answers "no such row", so only this one needs it.
    """

    def _check_values(self, value):
        if self.to_field_name is None:
            for pk in value:
                try:
                    number = int(str(pk))
                except ValueError:
                    continue  # Django's own check names it
                if not -MAX_ID <= number <= MAX_ID:
                    raise forms.ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": pk},
                    )
        return super()._check_values(value)


# How many distinct characters a message names; a pasted binary blob could hold all 33.
NAMED_CHARACTERS = 3


def _codes(characters: list[str]) -> str:
    codes = [f"U+{ord(c):04X}" for c in characters[:NAMED_CHARACTERS]]
    return ", ".join(codes) + (" …" if len(characters) > NAMED_CHARACTERS else "")


def validate_storable_text(value: str) -> None:
    """Refuse what the imports refuse (``common.text``), naming the characters to remove.

    Tab and line ends pass, in one-line fields too: the imports accept them in
    every text, and a form that refused what an import stored would leave the
    object impossible to edit.
    """
    if text_problem(value) is None:
        return
    controls = list(dict.fromkeys(CONTROL_CHARACTERS.findall(value)))
    surrogates = list(dict.fromkeys(LONE_SURROGATE.findall(value)))
    errors = []
    if controls:
        errors.append(
            ValidationError(
                ngettext(
                    "Remove the control character (%(codes)s) from this text.",
                    "Remove the control characters (%(codes)s) from this text.",
                    len(controls),
                ),
                code="control_character",
                params={"codes": _codes(controls)},
            )
        )
    if surrogates:
        errors.append(
            ValidationError(
                ngettext(
                    "Remove the character %(codes)s from this text: it is not valid Unicode.",
                    "Remove the characters %(codes)s from this text: they are not valid Unicode.",
                    len(surrogates),
                ),
                code="lone_surrogate",
                params={"codes": _codes(surrogates)},
            )
        )
    raise ValidationError(errors)


def _checks_text(field: forms.Field) -> bool:
    # A password is hashed, never stored, shown or exported as text.
    return isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput)


class StorableTextMixin:
    """Every text field of the form refuses what the app could not show, export or import.

    The check joins each field's validators when the form is cleaned, not when
    it is built, so fields a form adds in its own ``__init__`` get it too.
    Every form of ours with a text field derives from it, mostly through
    ``Form`` and ``ModelForm`` below: tests/common/test_forms.py finds the
    ones that do not.
    """

    def full_clean(self) -> None:
        for field in self.fields.values():
            if _checks_text(field) and validate_storable_text not in field.validators:
                # Ours names NUL too: one message for it, not Django's beside ours.
                kept = [
                    v
                    for v in field.validators
                    if not isinstance(v, ProhibitNullCharactersValidator)
                ]
                field.validators = [*kept, validate_storable_text]
        super().full_clean()


class Form(StorableTextMixin, forms.Form):
    """Django's form whose text fields refuse control characters and lone surrogates."""


class ModelForm(StorableTextMixin, forms.ModelForm):
    """Django's model form whose text fields refuse control characters and lone surrogates."""
