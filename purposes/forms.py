from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from common.forms import Form, ModelMultipleChoiceField
from communities.models import Community
from organisations.models import Organisation
from purposes.hints import FIELD_LABELS, MAX_STATEMENT_WORDS, PART_QUESTIONS
from purposes.models import PurposeStatus
from purposes.services import PurposeText


def _text(name: str, *, required: bool = False, rows: int = 2, help_text="") -> forms.CharField:
    return forms.CharField(
        label=FIELD_LABELS[name],
        required=required,
        max_length=1000,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class PurposeForm(Form):
    """The purpose as drafted: title, statement, the four parts, its communities."""

    title = forms.CharField(
        label=FIELD_LABELS["title"],
        max_length=120,
        help_text=_("A short name the team will use in the workshop."),
    )
    statement = _text(
        "statement",
        required=True,
        rows=3,
        help_text=format_lazy(
            _("One sentence a member could repeat from memory (at most {words} words)."),
            words=MAX_STATEMENT_WORDS,
        ),
    )
    participants = _text("participants", help_text=PART_QUESTIONS["participants"])
    issue = _text("issue", help_text=PART_QUESTIONS["issue"])
    value_to_participants = _text(
        "value_to_participants", help_text=PART_QUESTIONS["value_to_participants"]
    )
    value_to_organisation = _text(
        "value_to_organisation", help_text=PART_QUESTIONS["value_to_organisation"]
    )
    communities = ModelMultipleChoiceField(
        label=_("Communities it targets"),
        queryset=Community.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only this organisation's communities: a foreign pk is "not one of the
        # available choices", a form error, never a save.
        self.fields["communities"].queryset = Community.objects.filter(
            organisation=organisation
        ).order_by("position", "pk")

    def text(self) -> PurposeText:
        return PurposeText.from_values(self.cleaned_data)


class PurposeEditForm(PurposeForm):
    """Editing carries the version the editor loaded, to detect a concurrent save."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if self.has_error("version"):
            self.add_error(
                None, _("This page is out of date. Reload it, then make your change again.")
            )
        return cleaned


class StatusForm(Form):
    status = forms.ChoiceField(label=_("Status"), choices=PurposeStatus.choices)


class CommentForm(Form):
    body = forms.CharField(
        label=_("Add a comment"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CompareForm(Form):
    """Two revision numbers of one purpose, in either order."""

    old = forms.TypedChoiceField(label=_("From revision"), coerce=int)
    new = forms.TypedChoiceField(label=_("To revision"), coerce=int)

    def __init__(self, *args, numbers: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [(n, _("Revision %(number)d") % {"number": n}) for n in numbers]
        self.fields["old"].choices = choices
        self.fields["new"].choices = choices
