from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import Form, ModelMultipleChoiceField
from communities.models import Need
from organisations.models import Organisation, User
from organisations.permissions import Perm, role_has
from purposes.models import Characteristic, Purpose, PurposeStatus, RoundStatus, ScoringRound
from purposes.scoring import levels
from purposes.scoring.services import SCORING_ROLES

# Who is ticked by default: those who score but do not run the workshop.
# A facilitator may still be ticked to score too.
DEFAULT_SCORING_ROLES = [role for role in SCORING_ROLES if not role_has(role, Perm.RUN_WORKSHOP)]


class NeedChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, need: Need) -> str:
        return _("%(need)s (%(community)s, weight %(weight)s)") % {
            "need": need.statement,
            "community": need.community.name,
            "weight": need.weight,
        }


class ExecutiveChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, user: User) -> str:
        return user.display_name


class RoundForm(Form):
    name = forms.CharField(label=_("Name of the round"), max_length=120)
    purposes = ModelMultipleChoiceField(
        label=_("Purposes to score"),
        queryset=Purpose.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The shortlisted purposes are ticked."),
    )
    needs = NeedChoiceField(
        label=_("Needs to score against"),
        queryset=Need.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    executives = ExecutiveChoiceField(
        label=_("Who scores"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Executives are ticked; a facilitator can score too if ticked."),
    )
    fit_weight_percent = forms.IntegerField(
        label=_("Share of need fit in the overall score (%)"),
        min_value=0,
        max_value=100,
        initial=50,
        help_text=_("The rest comes from the five characteristics. 50 weighs them equally."),
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        # Querysets evaluate inside the request's scope: only this organisation's rows.
        purposes = Purpose.objects.exclude(status=PurposeStatus.RETIRED)
        self.fields["purposes"].queryset = purposes
        self.fields["needs"].queryset = Need.objects.select_related("community")
        self.fields["executives"].queryset = User.objects.filter(
            memberships__organisation=organisation, memberships__role__in=SCORING_ROLES
        ).order_by("first_name", "last_name", "email")
        if not self.is_bound:
            self.initial.setdefault(
                "name", _("Round %(number)s") % {"number": ScoringRound.objects.count() + 1}
            )
            self.initial.setdefault(
                "purposes",
                list(
                    purposes.filter(status=PurposeStatus.SHORTLISTED).values_list("pk", flat=True)
                ),
            )
            self.initial.setdefault("needs", list(Need.objects.values_list("pk", flat=True)))
            self.initial.setdefault(
                "executives",
                list(
                    User.objects.filter(
                        memberships__organisation=organisation,
                        memberships__role__in=DEFAULT_SCORING_ROLES,
                    ).values_list("pk", flat=True)
                ),
            )


class ScoreForm(Form):
    """One score; the service checks it belongs to the round."""

    purpose = forms.IntegerField(min_value=1)
    need = forms.IntegerField(min_value=1, required=False)
    characteristic = forms.ChoiceField(choices=Characteristic.choices, required=False)
    score = forms.IntegerField(
        error_messages={
            "required": _("Choose a score; nothing was saved."),
            "invalid": _("A score must be a whole number; nothing was saved."),
        }
    )

    def clean(self):
        cleaned = super().clean()
        if not self.errors and (cleaned.get("need") is None) == (not cleaned.get("characteristic")):
            raise forms.ValidationError(_("Score either a need or a characteristic."))
        return cleaned

    def message(self) -> str:
        return " ".join(error for errors in self.errors.values() for error in errors)


def level_field_name(characteristic: str, level: int) -> str:
    return f"{characteristic}_{level}"


class LevelsForm(Form):
    """The wording of all 5 × 5 characteristic levels; blank keeps the default."""

    def __init__(self, *args, own: dict[tuple[str, int], str], **kwargs):
        super().__init__(*args, **kwargs)
        for characteristic, level_texts in levels.CHARACTERISTIC_LEVELS.items():
            for level, default in level_texts.items():
                name = level_field_name(characteristic, level)
                self.fields[name] = forms.CharField(
                    label=_("Level %(level)s") % {"level": level},
                    max_length=300,
                    required=False,
                    initial=own.get((characteristic, level), ""),
                    help_text=_("Default: %(sentence)s") % {"sentence": default},
                )

    def groups(self) -> list[tuple[str, str, list]]:
        return [
            (
                characteristic,
                Characteristic(characteristic).label,
                [self[level_field_name(characteristic, level)] for level in level_texts],
            )
            for characteristic, level_texts in levels.CHARACTERISTIC_LEVELS.items()
        ]

    def descriptions(self) -> dict[tuple[str, int], str]:
        return {
            (characteristic, level): self.cleaned_data[level_field_name(characteristic, level)]
            for characteristic, level_texts in levels.CHARACTERISTIC_LEVELS.items()
            for level in level_texts
        }


class FitWeightForm(Form):
    fit_weight_percent = forms.IntegerField(
        label=_("Share of need fit in the overall score (%)"), min_value=0, max_value=100
    )


class PurposeStatusForm(Form):
    status = forms.ChoiceField(
        choices=[
            (PurposeStatus.SHORTLISTED, PurposeStatus.SHORTLISTED.label),
            (PurposeStatus.CHOSEN, PurposeStatus.CHOSEN.label),
            (PurposeStatus.DRAFT, PurposeStatus.DRAFT.label),
        ]
    )


class RoundChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, scoring_round: ScoringRound) -> str:
        return scoring_round.name


class CompareForm(Form):
    first = RoundChoiceField(label=_("Earlier round"), queryset=ScoringRound.objects.none())
    second = RoundChoiceField(label=_("Later round"), queryset=ScoringRound.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        revealed = ScoringRound.objects.exclude(status=RoundStatus.OPEN).order_by("opened_at", "pk")
        self.fields["first"].queryset = revealed
        self.fields["second"].queryset = revealed

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("first") is not None and cleaned.get("first") == cleaned.get("second"):
            raise forms.ValidationError(_("Choose two different rounds."))
        return cleaned
