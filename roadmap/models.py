"""Roadmaps: phases in sequence, chosen purposes placed in them, and milestones.

A milestone is one row whatever its kind; the columns of the other kinds stay
empty, and check constraints hold each kind's columns valid so that a bad row
cannot be written by any path (form, import, admin, shell).
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from common.formatting import date_text
from communities.models import Community
from organisations.models import Organisation, fields_except
from purposes.models import Purpose, ScoringRound

MAX_ROADMAP_YEARS = 5
# Roadmaps plan within these years: far enough for any real plan, and far
# from the calendar's edges, so a month's step, a year's margin or an
# iCalendar feed never runs off the end of Python's dates.
FIRST_YEAR, LAST_YEAR = 1900, 2199
CURRENCY_REGEX = r"^[A-Z]{3}$"
currency_validator = RegexValidator(
    CURRENCY_REGEX, _("Use a three-letter ISO 4217 code such as EUR or USD."), code="currency"
)


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later; 29 February becomes 28 February.

    Past the calendar's first or last year it stops at ``date.min`` or
    ``date.max``, so a row stored before dates were bounded never breaks a page.
    """
    year = day.year + years
    if year < date.min.year:
        return date.min
    if year > date.max.year:
        return date.max
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


class RoadmapStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PROPOSED = "proposed", _("Proposed to the board")
    APPROVED = "approved", _("Approved")


class Roadmap(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    # The facilitator's advice to the board (why these purposes, what was set
    # aside and why); printed on the board brief's summary page.
    recommendation = models.TextField(_("recommendation"), blank=True, max_length=4000)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), help_text=_("At most five years after the start."))
    status = models.CharField(
        _("status"), max_length=20, choices=RoadmapStatus.choices, default=RoadmapStatus.DRAFT
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    # The revealed round whose scores feed the page's readiness and the brief;
    # empty: the latest complete round (``roadmap.overview.feeding_round``).
    scoring_round = models.ForeignKey(
        ScoringRound,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("scores from"),
    )
    # Investment and value are compared in this currency; amounts in others are
    # shown but left out of the totals (docs/readiness.md).
    currency = models.CharField(
        _("main currency"), max_length=3, default="EUR", validators=[currency_validator]
    )
    # Secret of the calendar feed URL; cleared to revoke, replaced to rotate.
    ical_token = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Moves on (one UPDATE, in ``services``) with every write to the roadmap,
    # its phases, placements, milestones and dependencies. With the
    # organisation's ``data_version`` it keys the page's cache (docs/timeline.md).
    version = models.PositiveBigIntegerField(default=0, editable=False)

    objects = ScopedManager(organisation="organisation")

    class Meta:
        ordering = ["-start", "title", "pk"]
        constraints = [
            # "At most five years" is checked in clean(): date arithmetic in a
            # CHECK differs between SQLite and PostgreSQL (date('…','+5 years')
            # against interval '5 years'), and Feb 29 makes "five years" itself
            # a choice better made once, in Python.
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="roadmap_end_after_start"),
            models.CheckConstraint(
                condition=Q(status__in=RoadmapStatus.values), name="roadmap_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(currency__regex=CURRENCY_REGEX), name="roadmap_currency_iso"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding and kwargs.get("update_fields") is None:
            # An instance loaded before someone else's change must not write
            # back an older version: a page cached under it would return.
            kwargs["update_fields"] = fields_except(self, "version")
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        for name in ("start", "end"):
            day = getattr(self, name)
            if day and not FIRST_YEAR <= day.year <= LAST_YEAR:
                raise ValidationError(
                    {
                        name: _("Choose a date between %(first)s and %(last)s.")
                        % {"first": FIRST_YEAR, "last": LAST_YEAR}
                    }
                )
        if self.start and self.end:
            if self.end <= self.start:
                raise ValidationError({"end": _("The end must come after the start.")})
            if self.end > add_years(self.start, MAX_ROADMAP_YEARS):
                raise ValidationError(
                    {
                        "end": _("A roadmap spans at most five years: end it by %(latest)s.")
                        % {"latest": date_text(add_years(self.start, MAX_ROADMAP_YEARS))}
                    }
                )


class Phase(models.Model):
    """A stretch of the roadmap (Pilot, Launch, Grow…); phases follow each other."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(_("name"), max_length=80)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    purposes = models.ManyToManyField(
        Purpose, through="PhasePurpose", related_name="roadmap_phases", blank=True
    )

    objects = ScopedManager(organisation="organisation")

    class Meta:
        # Phases do not overlap, so their start dates alone put them in order.
        ordering = ["roadmap_id", "start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")), name="phase_end_not_before_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # Overlap needs the sibling rows: an exclusion constraint would do it
        # on PostgreSQL only, so the check lives here (and in the service).
        super().clean()
        if not (self.start and self.end and self.roadmap_id):
            return
        if self.end < self.start:
            raise ValidationError({"end": _("The end cannot come before the start.")})
        roadmap = self.roadmap
        if self.start < roadmap.start or self.end > roadmap.end:
            raise ValidationError(
                _("A phase must lie within the roadmap (%(start)s to %(end)s).")
                % {"start": date_text(roadmap.start), "end": date_text(roadmap.end)}
            )
        clash = (
            Phase.objects.filter(
                roadmap_id=self.roadmap_id, start__lte=self.end, end__gte=self.start
            )
            .exclude(pk=self.pk)
            .first()
        )
        if clash is not None:
            raise ValidationError(
                _("This phase overlaps “%(name)s” (%(start)s to %(end)s).")
                % {
                    "name": clash.name,
                    "start": date_text(clash.start),
                    "end": date_text(clash.end),
                }
            )


class PhasePurpose(models.Model):
    """A chosen purpose placed in a phase; a purpose may run through several phases."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="placements")
    purpose = models.ForeignKey(Purpose, on_delete=models.CASCADE, related_name="placements")
    position = models.PositiveIntegerField(_("order in the phase"), default=0)

    objects = ScopedManager(organisation="organisation")

    class Meta:
        ordering = ["phase__start", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["phase", "purpose"], name="phase_purpose_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose_id} in phase {self.phase_id}"


class MilestoneKind(models.TextChoices):
    COMMUNITY = "community", _("Community")
    RISK = "risk", _("Risk")
    INVESTMENT = "investment", _("Investment")
    VALUE = "value", _("Value")
    DECISION = "decision", _("Decision")


class MilestoneStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    DONE = "done", _("Done")
    MISSED = "missed", _("Missed")


class CommunityMetric(models.TextChoices):
    MEMBERS = "members", _("Members")
    ACTIVE_CONTRIBUTORS = "contributors", _("Active contributors")
    CONTRIBUTION_RATIO = "ratio", _("Community-to-company contribution ratio")
    CUSTOM = "custom", _("Other measure")


class RiskCategory(models.TextChoices):
    CULTURE = "culture", _("Culture")
    COMPLIANCE = "compliance", _("Compliance")
    SECURITY_PRIVACY = "security", _("Security and privacy")
    REPUTATION = "reputation", _("Reputation")
    INTELLECTUAL_CAPITAL = "ip", _("Intellectual capital")
    PRODUCTIVITY = "productivity", _("Productivity")
    OTHER = "other", _("Other")


class InvestmentKind(models.TextChoices):
    PEOPLE = "people", _("People")
    PLATFORM = "platform", _("Platform")
    CONTENT = "content", _("Content")
    MARKETING = "marketing", _("Marketing")
    OTHER = "other", _("Other")


class DecisionArea(models.TextChoices):
    """The five implementation decisions a chosen purpose makes clearer."""

    TECHNOLOGY = "technology", _("Technology selection")
    CONTENT_SEEDING = "content", _("Content seeding")
    POLICY = "policy", _("Policy")
    MODERATION = "moderation", _("Moderation")
    MARKETING_COMMUNICATIONS = "marcomms", _("Marketing communications")


# The columns only one kind may fill. Text columns are "" when unused (Django
# stores blank text as ""), the others NULL.
KIND_COLUMNS: dict[str, tuple[str, ...]] = {
    MilestoneKind.COMMUNITY: ("metric", "metric_label", "target_value"),
    MilestoneKind.RISK: ("risk_category", "likelihood", "impact", "mitigation", "review_date"),
    MilestoneKind.INVESTMENT: ("investment_kind",),
    MilestoneKind.VALUE: ("value_metric",),
    MilestoneKind.DECISION: ("decision_area", "decision_text", "decided"),
}
TEXT_COLUMNS = {"metric_label", "mitigation", "value_metric", "decision_text"}
# Investment and value share the money columns.
MONEY_KINDS = (MilestoneKind.INVESTMENT, MilestoneKind.VALUE)


def _unused(column: str) -> Q:
    return Q(**{column: ""}) if column in TEXT_COLUMNS else Q(**{f"{column}__isnull": True})


def _filled(*columns: str) -> Q:
    # Spelled out because a CHECK passes when it evaluates to NULL: without
    # this, "likelihood BETWEEN 1 AND 5" would let a risk with no likelihood in.
    return Q(**{f"{column}__isnull": False for column in columns})


def _kind_columns_empty_unless(kind: str) -> Q:
    condition = Q()
    for column in KIND_COLUMNS[kind]:
        condition &= _unused(column)
    return Q(kind=kind) | condition


class Milestone(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(_("kind"), max_length=20, choices=MilestoneKind.choices)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("notes"), blank=True, max_length=2000)
    # A milestone is a day (start only) or a stretch (start and end).
    start = models.DateField(_("date or start"))
    end = models.DateField(
        _("end"), null=True, blank=True, help_text=_("Leave empty for a single day.")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MilestoneStatus.choices,
        default=MilestoneStatus.PLANNED,
    )
    purpose = models.ForeignKey(
        Purpose,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="milestones",
        verbose_name=_("purpose"),
    )
    community = models.ForeignKey(
        Community,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="milestones",
        verbose_name=_("community"),
    )

    # Community
    metric = models.CharField(
        _("measure"), max_length=20, choices=CommunityMetric.choices, null=True, blank=True
    )
    metric_label = models.CharField(
        _("name of the measure"),
        max_length=80,
        blank=True,
        help_text=_("Only for another measure, e.g. “questions answered by members”."),
    )
    target_value = models.DecimalField(
        _("target"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    # Risk
    risk_category = models.CharField(
        _("risk category"), max_length=20, choices=RiskCategory.choices, null=True, blank=True
    )
    likelihood = models.PositiveSmallIntegerField(
        _("likelihood (1–5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    impact = models.PositiveSmallIntegerField(
        _("impact (1–5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    mitigation = models.TextField(_("mitigation"), blank=True, max_length=2000)
    review_date = models.DateField(_("review date"), null=True, blank=True)

    # Investment and value
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(
        _("currency"), max_length=3, null=True, blank=True, validators=[currency_validator]
    )
    investment_kind = models.CharField(
        _("investment kind"), max_length=20, choices=InvestmentKind.choices, null=True, blank=True
    )
    value_metric = models.CharField(
        _("business value"),
        max_length=120,
        blank=True,
        help_text=_("What the value is, e.g. “support cost saved” or “qualified leads”."),
    )

    # Decision
    decision_area = models.CharField(
        _("decision area"), max_length=20, choices=DecisionArea.choices, null=True, blank=True
    )
    decision_text = models.TextField(_("decision"), blank=True, max_length=2000)
    decided = models.BooleanField(_("decided"), null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(organisation="organisation")

    class Meta:
        ordering = ["roadmap_id", "start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=MilestoneKind.values), name="milestone_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=MilestoneStatus.values), name="milestone_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="milestone_end_not_before_start",
            ),
            # Each kind: its own columns filled and valid…
            models.CheckConstraint(
                condition=~Q(kind=MilestoneKind.COMMUNITY)
                | (
                    _filled("metric", "target_value")
                    & Q(metric__in=CommunityMetric.values, target_value__gte=0)
                    & (~Q(metric=CommunityMetric.CUSTOM) | ~Q(metric_label=""))
                ),
                name="milestone_community_fields",
            ),
            models.CheckConstraint(
                condition=~Q(kind=MilestoneKind.RISK)
                | _filled("risk_category", "likelihood", "impact")
                & Q(
                    risk_category__in=RiskCategory.values,
                    likelihood__gte=1,
                    likelihood__lte=5,
                    impact__gte=1,
                    impact__lte=5,
                ),
                name="milestone_risk_fields",
            ),
            models.CheckConstraint(
                condition=~Q(kind=MilestoneKind.INVESTMENT)
                | _filled("amount", "currency", "investment_kind")
                & Q(
                    amount__gte=0,
                    currency__regex=CURRENCY_REGEX,
                    investment_kind__in=InvestmentKind.values,
                ),
                name="milestone_investment_fields",
            ),
            models.CheckConstraint(
                # Value need not be money ("qualified leads"): no currency then.
                condition=~Q(kind=MilestoneKind.VALUE)
                | (
                    _filled("amount")
                    & Q(amount__gte=0)
                    & ~Q(value_metric="")
                    & (Q(currency__isnull=True) | Q(currency__regex=CURRENCY_REGEX))
                ),
                name="milestone_value_fields",
            ),
            models.CheckConstraint(
                condition=~Q(kind=MilestoneKind.DECISION)
                | (
                    _filled("decision_area", "decided")
                    & Q(decision_area__in=DecisionArea.values)
                    & ~Q(decision_text="")
                ),
                name="milestone_decision_fields",
            ),
            # …and the columns of the other kinds empty.
            *(
                models.CheckConstraint(
                    condition=_kind_columns_empty_unless(kind),
                    name=f"milestone_{kind}_columns_only_for_{kind}",
                )
                for kind in KIND_COLUMNS
            ),
            models.CheckConstraint(
                condition=Q(kind__in=MONEY_KINDS) | Q(amount__isnull=True, currency__isnull=True),
                name="milestone_money_only_for_investment_or_value",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def finish(self) -> date:
        """The last day: the end of a stretch, or the day itself."""
        return self.end or self.start


class MilestoneDependency(models.Model):
    """``successor`` cannot happen before ``predecessor`` is finished."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    predecessor = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="dependents")
    successor = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="dependencies")

    objects = ScopedManager(organisation="organisation")

    class Meta:
        verbose_name_plural = _("milestone dependencies")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="milestone_dependency_unique"
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=F("successor")), name="milestone_dependency_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor_id} → {self.successor_id}"


class UndoKind(models.TextChoices):
    MOVE = "move", _("Milestone moved")
    MILESTONE = "milestone", _("Milestone deleted")
    PHASE = "phase", _("Phase deleted")
    DEPENDENCY = "dependency", _("Dependency removed")


class UndoRecord(models.Model):
    """What one change on the roadmap page replaced, so that its author can undo it.

    Written in the change's own transaction (``roadmap.services``); the Undo
    button posts ``token``. Only its author may use it, once, for a few
    minutes, and only while nobody has changed what it would put back.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=32, unique=True)
    kind = models.CharField(max_length=20, choices=UndoKind.choices)
    # The rows as they were, column by column (``attname``), in JSON's own types.
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(organisation="organisation")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"
