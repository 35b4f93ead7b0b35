"""Forms for roadmaps, phases, placements, milestones and dependencies.

Forms validate and say what is wrong, field by field; the services save (and
check again, for callers that are not forms). Every choice field gets a
queryset of the organisation in scope, so another organisation's primary key
is "not one of the available choices": a form error, never a save.
"""

from datetime import date, timedelta
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.formatting import date_text
from common.forms import Form
from communities.models import Community
from organisations.models import Organisation, User
from purposes.models import Purpose, PurposeStatus, RoundStatus, ScoringRound
from roadmap import services
from roadmap.milestone_rules import MilestoneDetails, milestone_date_errors, milestone_errors
from roadmap.models import (
    MAX_ROADMAP_YEARS,
    CommunityMetric,
    DecisionArea,
    InvestmentKind,
    Milestone,
    MilestoneKind,
    MilestoneStatus,
    Phase,
    RiskCategory,
    Roadmap,
    RoadmapStatus,
)
from roadmap.timeline import short_date


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class RoundChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, scoring_round: ScoringRound) -> str:
        if scoring_round.revealed_at is None:
            return scoring_round.name
        return _("%(name)s (revealed %(date)s)") % {
            "name": scoring_round.name,
            "date": short_date(timezone.localdate(scoring_round.revealed_at)),
        }


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user: User) -> str:
        return user.display_name


def members_of(organisation: Organisation):
    return User.objects.filter(memberships__organisation=organisation).order_by(
        "first_name", "last_name", "email"
    )


def _currency_field(label, *, required: bool = True, help_text="") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=3,
        required=required,
        help_text=help_text,
        widget=forms.TextInput(attrs={"size": 4, "autocapitalize": "characters"}),
    )


def _clean_currency_value(value: str) -> str:
    value = (value or "").strip().upper()
    if value and (len(value) != 3 or not value.isalpha() or not value.isascii()):
        raise forms.ValidationError(_("Use a three-letter ISO 4217 code such as EUR or USD."))
    return value


# ---------------------------------------------------------------- roadmaps


class RoadmapForm(Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the roadmap is for, in a sentence or two, for the board."),
    )
    recommendation = forms.CharField(
        label=_("Recommendation"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Your advice to the board: why these purposes, what was set aside and why. "
            "Printed on the summary page of the board brief, which has room for about "
            "900 characters."
        ),
    )
    start = forms.DateField(label=_("Start"), widget=DateInput())
    end = forms.DateField(
        label=_("End"),
        widget=DateInput(),
        help_text=_("At most %(years)d years after the start.") % {"years": MAX_ROADMAP_YEARS},
    )
    status = forms.ChoiceField(label=_("Status"), choices=RoadmapStatus.choices)
    owner = MemberChoiceField(
        label=_("Owner"), queryset=User.objects.none(), required=False, empty_label=_("Nobody yet")
    )
    currency = _currency_field(
        _("Main currency"),
        help_text=_("Investment and value are compared in this currency (e.g. EUR)."),
    )
    scoring_round = RoundChoiceField(
        label=_("Scores from"),
        queryset=ScoringRound.objects.none(),
        required=False,
        empty_label=_("The latest complete round (automatic)"),
        help_text=_(
            "The revealed scoring round whose results feed readiness on the page and in the brief."
        ),
    )

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members_of(organisation)
        self.fields["scoring_round"].queryset = (
            ScoringRound.objects.with_scopes_disabled()
            .filter(organisation=organisation)
            .exclude(status=RoundStatus.OPEN)
            .order_by("-revealed_at", "-pk")
        )

    def clean_currency(self) -> str:
        return _clean_currency_value(self.cleaned_data["currency"])

    def clean(self):
        cleaned = super().clean()
        for field, message in services.roadmap_dates_errors(
            cleaned.get("start"), cleaned.get("end")
        ).items():
            self.add_error(field, message)
        return cleaned

    @classmethod
    def initial_for(cls, roadmap: Roadmap) -> dict:
        return {
            "title": roadmap.title,
            "description": roadmap.description,
            "recommendation": roadmap.recommendation,
            "start": roadmap.start,
            "end": roadmap.end,
            "status": roadmap.status,
            "owner": roadmap.owner_id,
            "currency": roadmap.currency,
            "scoring_round": roadmap.scoring_round_id,
        }


# ---------------------------------------------------------------- phases


class PhaseForm(Form):
    name = forms.CharField(
        label=_("Name"), max_length=80, help_text=_("e.g. Pilot, Launch, Grow, Scale")
    )
    start = forms.DateField(label=_("Start"), widget=DateInput())
    end = forms.DateField(label=_("End"), widget=DateInput())

    def __init__(
        self, *args, roadmap: Roadmap, siblings: list[Phase], phase: Phase | None = None, **kwargs
    ) -> None:
        kwargs.setdefault("auto_id", f"id_phase{phase.pk if phase else 'new'}_%s")
        super().__init__(*args, **kwargs)
        self.roadmap = roadmap
        self.siblings = siblings
        self.phase = phase
        for name in ("start", "end"):
            self.fields[name].widget.attrs.update(
                min=roadmap.start.isoformat(), max=roadmap.end.isoformat()
            )

    def clean(self):
        cleaned = super().clean()
        errors = services.phase_errors(
            roadmap=self.roadmap,
            start=cleaned.get("start"),
            end=cleaned.get("end"),
            siblings=self.siblings,
            exclude_pk=self.phase.pk if self.phase else None,
        )
        for field, message in errors.items():
            self.add_error(field, message)
        return cleaned


def next_phase_dates(roadmap: Roadmap, phases: list[Phase]) -> tuple[date, date]:
    """A suggestion for a new phase: from the day after the last one, six months long."""
    start = max((p.end for p in phases), default=roadmap.start - timedelta(days=1))
    start = min(start + timedelta(days=1), roadmap.end)
    end = min(services.shift_months(start, 6) - timedelta(days=1), roadmap.end)
    return start, max(end, start)


# ---------------------------------------------------------------- placements


class PurposeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, purpose: Purpose) -> str:
        return purpose.title


class PlacementForm(Form):
    purpose = PurposeChoiceField(
        label=_("Chosen purpose"),
        queryset=Purpose.objects.none(),
        empty_label=_("Choose a purpose…"),
        error_messages={
            "invalid_choice": _("Choose one of the chosen purposes."),
            "required": _("Choose a purpose to place."),
        },
    )

    def __init__(self, *args, organisation: Organisation, phase: Phase, **kwargs) -> None:
        kwargs.setdefault("auto_id", f"id_place{phase.pk}_%s")
        super().__init__(*args, **kwargs)
        # Only chosen purposes: the roadmap sequences what the workshop chose.
        self.fields["purpose"].queryset = Purpose.objects.filter(
            organisation=organisation, status=PurposeStatus.CHOSEN
        )


class DirectionForm(Form):
    direction = forms.ChoiceField(choices=[("up", _("Earlier")), ("down", _("Later"))])


# ---------------------------------------------------------------- milestones

LIKELIHOOD_CHOICES = [
    ("", _("Choose…")),
    (1, _("1 · rare")),
    (2, _("2 · unlikely")),
    (3, _("3 · possible")),
    (4, _("4 · likely")),
    (5, _("5 · almost certain")),
]
IMPACT_CHOICES = [
    ("", _("Choose…")),
    (1, _("1 · minor")),
    (2, _("2 · moderate")),
    (3, _("3 · serious")),
    (4, _("4 · major")),
    (5, _("5 · severe")),
]


def _blank(choices) -> list:
    return [("", _("Choose…")), *choices]


def _int_or_none(value):
    return int(value) if value not in (None, "") else None


# The form's fields for each kind, in the order the form shows them. Money has
# a field per kind so that both fieldsets can be on the page without JavaScript.
KIND_FORM_FIELDS = {
    MilestoneKind.COMMUNITY: ["metric", "metric_label", "target_value"],
    MilestoneKind.RISK: ["risk_category", "likelihood", "impact", "mitigation", "review_date"],
    MilestoneKind.INVESTMENT: ["investment_amount", "investment_currency", "investment_kind"],
    MilestoneKind.VALUE: ["value_metric", "value_amount", "value_currency"],
    MilestoneKind.DECISION: ["decision_area", "decision_text", "decided"],
}
KIND_FIELDSET_LEGENDS = {
    MilestoneKind.COMMUNITY: _("Community target"),
    MilestoneKind.RISK: _("Risk"),
    MilestoneKind.INVESTMENT: _("Investment"),
    MilestoneKind.VALUE: _("Expected value"),
    MilestoneKind.DECISION: _("Implementation decision"),
}
# Form field -> model column, where they differ.
_MONEY_FIELDS = {
    "investment_amount": "amount",
    "investment_currency": "currency",
    "value_amount": "amount",
    "value_currency": "currency",
}


class MilestoneForm(Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=_blank(MilestoneKind.choices),
        help_text=_("The kind decides the swimlane and the details asked for below."),
    )
    title = forms.CharField(label=_("Title"), max_length=120)
    start = forms.DateField(label=_("Date (or start)"), widget=DateInput())
    end = forms.DateField(
        label=_("End"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty for a single day."),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=MilestoneStatus.choices, initial=MilestoneStatus.PLANNED
    )
    owner = MemberChoiceField(
        label=_("Owner"), queryset=User.objects.none(), required=False, empty_label=_("Nobody yet")
    )
    purpose = PurposeChoiceField(
        label=_("Purpose"), queryset=Purpose.objects.none(), required=False, empty_label="—"
    )
    community = forms.ModelChoiceField(
        label=_("Community"), queryset=Community.objects.none(), required=False, empty_label="—"
    )
    description = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    # Community
    metric = forms.ChoiceField(
        label=_("Measure"), choices=_blank(CommunityMetric.choices), required=False
    )
    metric_label = forms.CharField(
        label=_("Name of the measure"),
        max_length=80,
        required=False,
        help_text=_("Only for another measure, e.g. “questions answered by members”."),
    )
    target_value = forms.DecimalField(
        label=_("Target"), max_digits=14, decimal_places=2, min_value=Decimal(0), required=False
    )
    # Risk
    risk_category = forms.ChoiceField(
        label=_("Category"), choices=_blank(RiskCategory.choices), required=False
    )
    likelihood = forms.TypedChoiceField(
        label=_("Likelihood"), choices=LIKELIHOOD_CHOICES, coerce=int, required=False
    )
    impact = forms.TypedChoiceField(
        label=_("Impact"), choices=IMPACT_CHOICES, coerce=int, required=False
    )
    mitigation = forms.CharField(
        label=_("Mitigation"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What lowers the likelihood or the impact. Needed for impact 4 or 5."),
    )
    review_date = forms.DateField(label=_("Review date"), required=False, widget=DateInput())
    # Investment
    investment_amount = forms.DecimalField(
        label=_("Amount"), max_digits=14, decimal_places=2, min_value=Decimal(0), required=False
    )
    investment_currency = _currency_field(_("Currency"), required=False)
    investment_kind = forms.ChoiceField(
        label=_("Spent on"), choices=_blank(InvestmentKind.choices), required=False
    )
    # Value
    value_metric = forms.CharField(
        label=_("Business value"),
        max_length=120,
        required=False,
        help_text=_("What the value is, e.g. “support cost saved” or “qualified leads”."),
    )
    value_amount = forms.DecimalField(
        label=_("Expected amount"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal(0),
        required=False,
    )
    value_currency = _currency_field(
        _("Currency"),
        required=False,
        help_text=_("Leave empty when the value is not money, e.g. qualified leads."),
    )
    # Decision
    decision_area = forms.ChoiceField(
        label=_("Implementation area"), choices=_blank(DecisionArea.choices), required=False
    )
    decision_text = forms.CharField(
        label=_("Decision"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    decided = forms.BooleanField(label=_("Decided"), required=False)

    def __init__(
        self,
        *args,
        organisation: Organisation,
        roadmap: Roadmap,
        milestone: Milestone | None = None,
        **kwargs,
    ) -> None:
        kwargs.setdefault("auto_id", f"id_ms{milestone.pk if milestone else 'new'}_%s")
        super().__init__(*args, **kwargs)
        self.roadmap = roadmap
        self.milestone = milestone
        self.fields["owner"].queryset = members_of(organisation)
        self.fields["purpose"].queryset = Purpose.objects.filter(organisation=organisation).exclude(
            status=PurposeStatus.RETIRED
        )
        self.fields["community"].queryset = Community.objects.filter(
            organisation=organisation
        ).order_by("position", "pk")
        for name in ("investment_currency", "value_currency"):
            self.fields[name].widget.attrs["placeholder"] = roadmap.currency
        if not self.is_bound and milestone is None:
            self.initial.setdefault("investment_currency", roadmap.currency)
            self.initial.setdefault("value_currency", roadmap.currency)

    def clean_investment_currency(self) -> str:
        return _clean_currency_value(self.cleaned_data["investment_currency"])

    def clean_value_currency(self) -> str:
        return _clean_currency_value(self.cleaned_data["value_currency"])

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if not kind:
            return cleaned
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end cannot come before the start."))
        fields_of_kind = KIND_FORM_FIELDS[kind]
        for name, message in milestone_errors(kind, self.details()).items():
            # Money errors name the model column; show them on this kind's field.
            field = next(
                (f for f in fields_of_kind if _MONEY_FIELDS.get(f) == name),
                name,
            )
            if field in self.fields and not self.has_error(field):
                self.add_error(field, message)
        return cleaned

    def details(self) -> MilestoneDetails:
        """This kind's details from the cleaned data (the other kinds' fields are ignored)."""
        data = self.cleaned_data
        kind = data.get("kind")
        values: dict = {}
        for name in KIND_FORM_FIELDS.get(kind, ()):
            column = _MONEY_FIELDS.get(name, name)
            value = data.get(name)
            if name in ("likelihood", "impact"):
                value = _int_or_none(value)
            if value == "" and column in ("metric", "risk_category", "investment_kind"):
                value = None
            if value == "" and column in ("decision_area", "currency"):
                value = None
            values[column] = value
        return MilestoneDetails(**values)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "title": data["title"],
            "start": data["start"],
            "end": data.get("end"),
            "status": data["status"],
            "owner": data.get("owner"),
            "purpose": data.get("purpose"),
            "community": data.get("community"),
            "description": data.get("description", ""),
            "details": self.details(),
        }

    @classmethod
    def initial_for(cls, milestone: Milestone) -> dict:
        initial = {
            "kind": milestone.kind,
            "title": milestone.title,
            "start": milestone.start,
            "end": milestone.end,
            "status": milestone.status,
            "owner": milestone.owner_id,
            "purpose": milestone.purpose_id,
            "community": milestone.community_id,
            "description": milestone.description,
        }
        # The other kinds' columns are empty (the constraints see to it).
        for name in KIND_FORM_FIELDS.get(milestone.kind, ()):
            initial[name] = getattr(milestone, _MONEY_FIELDS.get(name, name))
        return initial

    def kind_fieldsets(self) -> list[dict]:
        """The kind-specific fields grouped for the template, one fieldset per kind."""
        return [
            {
                "kind": kind,
                "kind_label": MilestoneKind(kind).label,
                "legend": KIND_FIELDSET_LEGENDS[kind],
                "fields": [self[name] for name in names],
            }
            for kind, names in KIND_FORM_FIELDS.items()
        ]


class MilestoneShiftForm(Form):
    """Move a milestone by a step (the keyboard's buttons) or to a date (the drag)."""

    shift = forms.ChoiceField(
        choices=[(key, key) for key in services.SHIFTS], required=False, widget=forms.HiddenInput
    )
    start = forms.DateField(label=_("New date"), required=False, widget=DateInput())

    def __init__(self, *args, milestone: Milestone, roadmap: Roadmap, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.milestone = milestone
        self.roadmap = roadmap

    def clean(self):
        cleaned = super().clean()
        shift, start = cleaned.get("shift"), cleaned.get("start")
        if self.errors:
            return cleaned
        if shift:
            start = services.SHIFTS[shift](self.milestone.start)
        if start is None:
            raise forms.ValidationError(_("Say where to move the milestone."))
        # Far outside the roadmap is a slip of the hand, not a plan.
        errors = milestone_date_errors(start, None, roadmap=self.roadmap)
        if errors:
            raise forms.ValidationError(errors["start"])
        cleaned["new_start"] = start
        return cleaned


# ---------------------------------------------------------------- dependencies


class MilestoneChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, milestone: Milestone) -> str:
        return f"{milestone.title} ({date_text(milestone.start)})"


class DependencyForm(Form):
    predecessor = MilestoneChoiceField(
        label=_("This milestone must finish first"),
        queryset=Milestone.objects.none(),
        empty_label=_("Choose…"),
    )
    successor = MilestoneChoiceField(
        label=_("before this one can happen"),
        queryset=Milestone.objects.none(),
        empty_label=_("Choose…"),
    )

    def __init__(self, *args, roadmap: Roadmap, **kwargs) -> None:
        kwargs.setdefault("auto_id", "id_dep_%s")
        super().__init__(*args, **kwargs)
        milestones = Milestone.objects.filter(roadmap=roadmap).order_by("start", "title", "pk")
        self.fields["predecessor"].queryset = milestones
        self.fields["successor"].queryset = milestones

    def clean(self):
        cleaned = super().clean()
        before, after = cleaned.get("predecessor"), cleaned.get("successor")
        if before is not None and after is not None and before.pk == after.pk:
            self.add_error("successor", _("A milestone cannot depend on itself."))
        return cleaned
