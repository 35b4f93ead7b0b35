from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import Form, ModelForm
from communities import csv_io
from communities.models import Community, Need
from organisations.models import Organisation

WEIGHT_CHOICES = [
    (5, _("5 · critical")),
    (4, _("4 · very important")),
    (3, _("3 · important")),
    (2, _("2 · useful")),
    (1, _("1 · nice to have")),
]


class CommunityForm(ModelForm):
    """Validates a community; the view saves it through the services."""

    # The largest integer PostgreSQL stores: a bigger one must be a form error, not a 500.
    estimated_size = forms.IntegerField(
        label=_("Estimated size"),
        required=False,
        min_value=0,
        max_value=2_147_483_647,
        help_text=_("Roughly how many people, if you know."),
    )

    class Meta:
        model = Community
        fields = ["name", "kind", "estimated_size", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"description": _("Who they are and why they matter to you.")}

    def __init__(self, *args, organisation: Organisation, **kwargs):
        self.organisation = organisation
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        taken = (
            Community.objects.with_scopes_disabled()
            .filter(organisation=self.organisation, name__iexact=name)
            .exclude(pk=self.instance.pk)
        )
        if taken.exists():
            raise forms.ValidationError(
                _("There is already a community called “%(name)s”."), params={"name": name}
            )
        return name


class NeedForm(ModelForm):
    weight = forms.TypedChoiceField(
        label=_("Weight"),
        choices=WEIGHT_CHOICES,
        coerce=int,
        initial=3,
        help_text=_("How much it matters to them: 1 = nice to have, 5 = critical."),
    )

    class Meta:
        model = Need
        fields = ["statement", "weight", "evidence"]
        widgets = {"evidence": forms.Textarea(attrs={"rows": 2})}
        labels = {"statement": _("Need")}
        help_texts = {"evidence": _("Interviews, surveys, data: why you believe it.")}

    def __init__(self, *args, community: Community, **kwargs):
        self.community = community
        super().__init__(*args, **kwargs)

    def clean_statement(self) -> str:
        statement = self.cleaned_data["statement"].strip()
        taken = (
            Need.objects.with_scopes_disabled()
            .filter(community=self.community, statement__iexact=statement)
            .exclude(pk=self.instance.pk)
        )
        if taken.exists():
            raise forms.ValidationError(
                _("“%(community)s” already has this need."),
                params={"community": self.community.name},
            )
        return statement


class MoveForm(Form):
    direction = forms.ChoiceField(choices=[("up", _("Up")), ("down", _("Down"))])


class ImportForm(Form):
    file = forms.FileField(
        label=_("CSV file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        help_text=_("UTF-8 CSV, at most 2 MB."),
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > csv_io.MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return file
