from django import forms
from django.forms.renderers import TemplatesSetting


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
