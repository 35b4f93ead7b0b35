from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from organisations.models import Organisation


class CommunityKind(models.TextChoices):
    CUSTOMERS = "customers", _("Customers")
    PROSPECTS = "prospects", _("Prospects")
    SUPPLIERS = "suppliers", _("Suppliers")
    DISTRIBUTORS = "distributors", _("Distributors")
    EMPLOYEES = "employees", _("Employees")
    PARTNERS = "partners", _("Partners")
    OTHER = "other", _("Other")


class Community(models.Model):
    """A stakeholder community the purpose must attract."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="communities"
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=CommunityKind.choices)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    estimated_size = models.PositiveIntegerField(_("estimated size"), null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(organisation="organisation")

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = _("communities")
        constraints = [
            models.UniqueConstraint(
                "organisation", Lower("name"), name="community_name_unique_per_org"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=CommunityKind.values), name="community_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Need(models.Model):
    """What a community needs, weighted 1 (nice to have) to 5 (critical)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="needs")
    statement = models.CharField(_("need"), max_length=300)
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 = nice to have, 5 = critical."),
    )
    evidence = models.TextField(_("evidence or notes"), blank=True, max_length=2000)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(organisation="organisation")

    class Meta:
        ordering = ["community__position", "community_id", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                "community", Lower("statement"), name="need_statement_unique_per_community"
            ),
            models.CheckConstraint(
                condition=models.Q(weight__gte=1, weight__lte=5), name="need_weight_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return self.statement
