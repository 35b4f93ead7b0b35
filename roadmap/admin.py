from django.contrib import admin

from organisations.admin import ShownOnRoadmapsAdmin
from roadmap.models import Milestone, MilestoneDependency, Phase, PhasePurpose, Roadmap


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0
    fields = ["name", "start", "end", "organisation"]


@admin.register(Roadmap)
class RoadmapAdmin(ShownOnRoadmapsAdmin):
    list_display = ["title", "organisation", "start", "end", "status", "owner"]
    list_select_related = ["organisation", "owner"]
    list_filter = ["status", "organisation"]
    search_fields = ["title", "organisation__name"]
    raw_id_fields = ["owner"]
    readonly_fields = ["ical_token", "created_at", "updated_at"]
    inlines = [PhaseInline]


@admin.register(Phase)
class PhaseAdmin(ShownOnRoadmapsAdmin):
    list_display = ["name", "roadmap", "start", "end", "organisation"]
    list_select_related = ["roadmap", "organisation"]
    list_filter = ["organisation"]
    search_fields = ["name", "roadmap__title"]
    raw_id_fields = ["roadmap"]


@admin.register(PhasePurpose)
class PhasePurposeAdmin(ShownOnRoadmapsAdmin):
    list_display = ["purpose", "phase", "position", "organisation"]
    list_select_related = ["purpose", "phase", "organisation"]
    list_filter = ["organisation"]
    raw_id_fields = ["phase", "purpose"]


@admin.register(Milestone)
class MilestoneAdmin(ShownOnRoadmapsAdmin):
    list_display = ["title", "kind", "start", "end", "status", "roadmap", "organisation"]
    list_select_related = ["roadmap", "organisation"]
    list_filter = ["kind", "status", "organisation"]
    search_fields = ["title", "roadmap__title"]
    raw_id_fields = ["roadmap", "owner", "purpose", "community"]


@admin.register(MilestoneDependency)
class MilestoneDependencyAdmin(ShownOnRoadmapsAdmin):
    list_display = ["predecessor", "successor", "organisation"]
    list_select_related = ["predecessor", "successor", "organisation"]
    list_filter = ["organisation"]
    raw_id_fields = ["predecessor", "successor"]
