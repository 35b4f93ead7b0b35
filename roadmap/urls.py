"""Roadmaps, phases, placements, milestones and dependencies: the roadmap page and its editors."""

from django.urls import path

from roadmap.views import dependencies, milestones, phases, placements, roadmaps, undo

app_name = "roadmaps"

_roadmap = "<int:roadmap_id>/"
_phase = f"{_roadmap}phases/<int:phase_id>/"
_placement = f"{_roadmap}placements/<int:placement_id>/"
_milestone = f"{_roadmap}milestones/<int:milestone_id>/"

urlpatterns = [
    path("", roadmaps.roadmap_list, name="list"),
    path("new/", roadmaps.roadmap_create, name="create"),
    path(_roadmap, roadmaps.roadmap_detail, name="detail"),
    path(f"{_roadmap}edit/", roadmaps.roadmap_edit, name="edit"),
    path(f"{_roadmap}delete/", roadmaps.roadmap_delete, name="delete"),
    path(f"{_roadmap}phases/new/", phases.phase_create, name="phase_create"),
    path(f"{_phase}edit/", phases.phase_edit, name="phase_edit"),
    path(f"{_phase}delete/", phases.phase_delete, name="phase_delete"),
    path(f"{_phase}purposes/", placements.placement_add, name="placement_add"),
    path(f"{_placement}move/", placements.placement_move, name="placement_move"),
    path(f"{_placement}remove/", placements.placement_remove, name="placement_remove"),
    path(f"{_roadmap}milestones/new/", milestones.milestone_create, name="milestone_create"),
    path(f"{_milestone}edit/", milestones.milestone_edit, name="milestone_edit"),
    path(f"{_milestone}delete/", milestones.milestone_delete, name="milestone_delete"),
    path(f"{_milestone}move/", milestones.milestone_move, name="milestone_move"),
    path(f"{_roadmap}dependencies/new/", dependencies.dependency_create, name="dependency_create"),
    path(
        f"{_roadmap}dependencies/<int:dependency_id>/delete/",
        dependencies.dependency_delete,
        name="dependency_delete",
    ),
    path(f"{_roadmap}undo/", undo.undo, name="undo"),
]
