from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from common.forms import ModelForm, StorableTextMixin
from organisations.models import Invitation, Membership, Organisation, User
from organisations.services import organisation_data_changed, person_changed


class ShownOnRoadmapsAdmin(admin.ModelAdmin):
    """Admin of tenant rows that roadmap pages show.

    The app's services move the organisation's data version on with every
    write; platform staff editing here must too, or the roadmap pages of the
    organisation would keep showing the old rows from the cache.
    """

    # Refuses text the app could not show, export or import again (common.forms).
    form = ModelForm

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        organisation_data_changed(organisation_id=obj.organisation_id)

    def delete_model(self, request, obj) -> None:
        with transaction.atomic():
            super().delete_model(request, obj)
            organisation_data_changed(organisation_id=obj.organisation_id)

    def delete_queryset(self, request, queryset) -> None:
        with transaction.atomic():
            organisation_ids = set(queryset.values_list("organisation_id", flat=True))
            super().delete_queryset(request, queryset)
            for organisation_id in organisation_ids:
                organisation_data_changed(organisation_id=organisation_id)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = ModelForm
    list_display = ["name", "slug", "paper_size", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role", "organisation"]
    search_fields = ["email"]
    readonly_fields = ["token_hash", "accepted_at", "accepted_by", "email_sent_at"]


class UserCreationAdminForm(StorableTextMixin, AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserChangeAdminForm(StorableTextMixin, UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = UserCreationAdminForm
    form = UserChangeAdminForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Name"), {"fields": ("first_name", "last_name")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    # Roadmap pages name milestone owners: a new name or a deleted person must
    # reach them (organisations.services.person_changed).
    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if change and {"first_name", "last_name", "email"} & set(form.changed_data):
            person_changed(user_id=obj.pk)

    def delete_model(self, request, obj) -> None:
        with transaction.atomic():
            person_changed(user_id=obj.pk)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        with transaction.atomic():
            for user_id in queryset.values_list("pk", flat=True):
                person_changed(user_id=user_id)
            super().delete_queryset(request, queryset)
