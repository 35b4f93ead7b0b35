import hashlib
import secrets
import uuid
from datetime import timedelta

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager, scopes_disabled

from organisations.permissions import Perm, Role, role_has
from organisations.validators import logo_suffix, validate_logo


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractUser):
    """A person; signs in with their email address."""

    username = None
    email = models.EmailField(_("email address"), unique=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["first_name", "last_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email

    def save(self, *args, **kwargs):
        self.email = self.email.lower()
        super().save(*args, **kwargs)


def logo_upload_to(instance: "Organisation", filename: str) -> str:
    # A random name: the uploader's file name never reaches the file system,
    # and the suffix (hence the type it is served as) is the decoded image's.
    return f"logos/{uuid.uuid4().hex}{logo_suffix(instance.logo.file)}"


class PaperSize(models.TextChoices):
    A4 = "A4", _("A4")
    LETTER = "Letter", _("US Letter")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name in links"), max_length=60, unique=True)
    logo = models.ImageField(
        _("logo"),
        upload_to=logo_upload_to,
        blank=True,
        validators=[validate_logo],
        help_text=_("PNG, JPEG or WebP, at most 1 MB. Shown on the board briefs."),
    )
    brand_colour = models.CharField(
        _("brand colour"),
        max_length=7,
        default="#1f4e79",
        validators=[
            RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #1f4e79."), code="colour")
        ],
    )
    paper_size = models.CharField(
        _("paper size"), max_length=6, choices=PaperSize.choices, default=PaperSize.A4
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Moves on (one UPDATE, ``services.organisation_data_changed``) with every
    # write outside the roadmap app that changes what a roadmap page shows:
    # purposes, communities and needs, scoring rounds, people's names. With
    # the roadmap's own version it keys the page's cache (docs/timeline.md).
    data_version = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(brand_colour__regex=r"^#[0-9a-fA-F]{6}$"),
                name="organisation_brand_colour_hex",
            ),
            models.CheckConstraint(
                condition=models.Q(paper_size__in=PaperSize.values),
                name="organisation_paper_size_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding and kwargs.get("update_fields") is None:
            # An instance loaded before someone else's change must not write
            # back an older data version: a page cached under it would return.
            kwargs["update_fields"] = fields_except(self, "data_version")
        super().save(*args, **kwargs)


def fields_except(instance: models.Model, *names: str) -> list[str]:
    """The instance's columns to save, all but ``names`` (and the primary key)."""
    return [
        field.name
        for field in instance._meta.concrete_fields
        if not field.primary_key and field.name not in names
    ]


class MembershipQuerySet(models.QuerySet):
    def admins(self):
        return self.filter(role=Role.ADMIN)


class Membership(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    # The setup checklist on the organisation's home (organisations.checklist),
    # hidden by this person only: a colleague who joins later still sees it.
    checklist_hidden = models.BooleanField(_("setup checklist hidden"), default=False)

    objects = ScopedManager(
        organisation="organisation",
        _manager_class=models.Manager.from_queryset(MembershipQuerySet),
    )

    class Meta:
        ordering = ["user__first_name", "user__last_name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="membership_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) in {self.organisation}"

    def has_perm(self, perm: Perm) -> bool:
        return role_has(self.role, perm)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_default_expiry():
    return timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    """A single-use link that makes whoever opens it a member.

    Only a hash of the token is stored: a copy of the database cannot be used
    to join an organisation.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=invitation_default_expiry)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(
        organisation="organisation",
        _manager_class=models.Manager.from_queryset(InvitationQuerySet),
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="invitation_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @staticmethod
    def new_token() -> tuple[str, str]:
        token = secrets.token_urlsafe(32)
        return token, hash_token(token)

    @property
    def is_pending(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


def audit_organisation_id(instance: models.Model) -> int | None:
    """The organisation an audited row belongs to (an organisation is its own)."""
    if isinstance(instance, Organisation):
        return instance.pk
    return getattr(instance, "organisation_id", None)


class AuditEntryManager(LogEntryManager):
    """django-auditlog's manager, stamping every entry with its organisation."""

    def log_create(self, instance, force_log: bool = False, **kwargs):
        kwargs.setdefault("organisation_id", audit_organisation_id(instance))
        if kwargs.get("action") == self.model.Action.CREATE and "actor" not in kwargs:
            # Outside a request (a task, a command) the row may name its creator.
            created_by = getattr(instance, "created_by_id", None)
            if created_by is not None:
                kwargs.setdefault("actor_id", created_by)
        with scopes_disabled():
            return super().log_create(instance, force_log=force_log, **kwargs)

    def log_m2m_changes(self, changed_queryset, instance, operation, field_name, **kwargs):
        kwargs.setdefault("organisation_id", audit_organisation_id(instance))
        with scopes_disabled():
            return super().log_m2m_changes(
                changed_queryset, instance, operation, field_name, **kwargs
            )


class AuditEntry(AbstractLogEntry):
    """One change in the audit log (django-auditlog's entry, swapped in by settings).

    It carries the organisation in a column of its own, so an admin's page is
    one indexed query scoped like every other tenant table. The column has no
    database constraint: entries written while an organisation is being
    deleted still refer to it, and the trail outlives it for platform staff.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ScopedManager(organisation="organisation", _manager_class=AuditEntryManager)

    class Meta(AbstractLogEntry.Meta):
        indexes = [models.Index(fields=["organisation", "-timestamp"], name="audit_org_time")]
