from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from communities.models import Community, Need
from organisations.models import Organisation


class PurposeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    CHOSEN = "chosen", _("Chosen")
    RETIRED = "retired", _("Retired")


# The four named parts of a strong purpose (PRODUCT.md, "Why").
PURPOSE_PARTS = ("participants", "issue", "value_to_participants", "value_to_organisation")


class Purpose(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=120)
    statement = models.TextField(_("purpose statement"), max_length=1000)
    participants = models.TextField(_("who participates"), blank=True, max_length=1000)
    issue = models.TextField(_("the issue or opportunity"), blank=True, max_length=1000)
    value_to_participants = models.TextField(
        _("value to participants"), blank=True, max_length=1000
    )
    value_to_organisation = models.TextField(
        _("value to the organisation"), blank=True, max_length=1000
    )
    communities = models.ManyToManyField(
        Community, blank=True, related_name="purposes", verbose_name=_("communities it targets")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PurposeStatus.choices, default=PurposeStatus.DRAFT
    )
    # Optimistic concurrency: a save must name the version it edited.
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(organisation="organisation")

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=PurposeStatus.values), name="purpose_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def missing_parts(self) -> list[str]:
        return [part for part in PURPOSE_PARTS if not getattr(self, part).strip()]


class PurposeRevision(models.Model):
    """Every saved edit of a purpose, whole, so any two can be compared."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    purpose = models.ForeignKey(Purpose, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    title = models.CharField(max_length=120)
    statement = models.TextField()
    participants = models.TextField(blank=True)
    issue = models.TextField(blank=True)
    value_to_participants = models.TextField(blank=True)
    value_to_organisation = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=PurposeStatus.choices)
    community_names = models.JSONField(default=list, blank=True)

    objects = ScopedManager(organisation="organisation")

    class Meta:
        ordering = ["purpose", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["purpose", "number"], name="revision_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose_id} r{self.number}"


class PurposeComment(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    purpose = models.ForeignKey(Purpose, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("comment"), max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(organisation="organisation")

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.purpose_id}"


class Characteristic(models.TextChoices):
    MAGNETISM = "magnetism", _("Participant magnetism")
    DRAW = "draw", _("Community draw")
    ORGANISATIONAL_VALUE = "org_value", _("Organisational value")
    RISK = "risk", _("Community risk")
    EVOLUTION = "evolution", _("Promotes evolution")


class CharacteristicLevel(models.Model):
    """An organisation's own wording of one level of one characteristic.

    The product ships a sentence for every level (``purposes.scoring.levels``); a row
    here replaces it for one organisation.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    characteristic = models.CharField(max_length=20, choices=Characteristic.choices)
    level = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    description = models.CharField(max_length=300)

    objects = ScopedManager(organisation="organisation")

    class Meta:
        ordering = ["characteristic", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "characteristic", "level"], name="level_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5), name="level_1_to_5"
            ),
            models.CheckConstraint(
                condition=models.Q(characteristic__in=Characteristic.values),
                name="level_characteristic_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.characteristic} {self.level}"


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open for scoring")
    REVEALED = "revealed", _("Revealed")
    CLOSED = "closed", _("Closed")


class ScoringRound(models.Model):
    """A blind round: executives score purposes; nobody sees others' scores until revealed."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    status = models.CharField(max_length=20, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    purposes = models.ManyToManyField(Purpose, related_name="rounds")
    needs = models.ManyToManyField(Need, related_name="rounds")
    executives = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    # Share of the overall score that comes from need fit; the rest from the
    # characteristics. 50/50 by default; the facilitator may change it.
    fit_weight_percent = models.PositiveSmallIntegerField(
        default=50, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    revealed_at = models.DateTimeField(null=True, blank=True)
    # Revealed without names: results, exports and briefs say "Scorer 1"…
    anonymous = models.BooleanField(_("revealed anonymously"), default=False)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(organisation="organisation")

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=RoundStatus.values), name="round_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(fit_weight_percent__gte=0, fit_weight_percent__lte=100),
                name="round_fit_weight_0_to_100",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class NeedScore(models.Model):
    """How well one purpose addresses one need, in one executive's view: 0–5."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(ScoringRound, on_delete=models.CASCADE, related_name="need_scores")
    purpose = models.ForeignKey(Purpose, on_delete=models.CASCADE, related_name="+")
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="+")
    scorer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(validators=[MaxValueValidator(5)])
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(organisation="organisation")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "purpose", "need", "scorer"], name="need_score_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=0, score__lte=5), name="need_score_0_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scorer_id}: purpose {self.purpose_id} × need {self.need_id} = {self.score}"


class CharacteristicScore(models.Model):
    """One executive's rating of one purpose on one characteristic: 1–5."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(
        ScoringRound, on_delete=models.CASCADE, related_name="characteristic_scores"
    )
    purpose = models.ForeignKey(Purpose, on_delete=models.CASCADE, related_name="+")
    characteristic = models.CharField(max_length=20, choices=Characteristic.choices)
    scorer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(organisation="organisation")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "purpose", "characteristic", "scorer"],
                name="characteristic_score_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5),
                name="characteristic_score_1_to_5",
            ),
            models.CheckConstraint(
                condition=models.Q(characteristic__in=Characteristic.values),
                name="characteristic_score_characteristic_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scorer_id}: purpose {self.purpose_id} {self.characteristic} = {self.score}"
