from django.contrib import admin

from organisations.admin import ShownOnRoadmapsAdmin
from purposes.models import Purpose, PurposeComment, PurposeRevision


class PurposeRevisionInline(admin.TabularInline):
    model = PurposeRevision
    extra = 0
    can_delete = False
    fields = ["number", "author", "created_at", "title", "status"]
    readonly_fields = fields
    ordering = ["-number"]

    def has_add_permission(self, request, obj=None) -> bool:
        # Revisions are written by the drafting service, never by hand.
        return False


@admin.register(Purpose)
class PurposeAdmin(ShownOnRoadmapsAdmin):
    list_display = ["title", "organisation", "status", "version", "updated_at"]
    list_filter = ["status", "organisation"]
    search_fields = ["title", "statement"]
    readonly_fields = ["version", "created_by", "created_at", "updated_at"]
    filter_horizontal = ["communities"]
    inlines = [PurposeRevisionInline]


@admin.register(PurposeRevision)
class PurposeRevisionAdmin(admin.ModelAdmin):
    list_display = ["purpose", "number", "author", "status", "created_at"]
    list_filter = ["organisation"]
    list_select_related = ["purpose", "author"]
    readonly_fields = [f.name for f in PurposeRevision._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(PurposeComment)
class PurposeCommentAdmin(admin.ModelAdmin):
    list_display = ["purpose", "author", "created_at"]
    list_filter = ["organisation"]
    list_select_related = ["purpose", "author"]
    search_fields = ["body"]
