"""Roadmaps, phases, placements, milestones and dependencies: the roadmap page and its editors."""

from django.urls import path

from roadmap import views

app_name = "roadmaps"

_roadmap = "<int:roadmap_id>/"
_phase = f"{_roadmap}phases/<int:phase_id>/"
_placement = f"{_roadmap}placements/<int:placement_id>/"
_milestone = f"{_roadmap}milestones/<int:milestone_id>/"

urlpatterns = [
    path("", views.roadmap_list, name="list"),
    path("new/", views.roadmap_create, name="create"),
    path(_roadmap, views.roadmap_detail, name="detail"),
    path(f"{_roadmap}edit/", views.roadmap_edit, name="edit"),
    path(f"{_roadmap}delete/", views.roadmap_delete, name="delete"),
    path(f"{_roadmap}phases/new/", views.phase_create, name="phase_create"),
    path(f"{_phase}edit/", views.phase_edit, name="phase_edit"),
    path(f"{_phase}delete/", views.phase_delete, name="phase_delete"),
    path(f"{_phase}purposes/", views.placement_add, name="placement_add"),
    path(f"{_placement}move/", views.placement_move, name="placement_move"),
    path(f"{_placement}remove/", views.placement_remove, name="placement_remove"),
    path(f"{_roadmap}milestones/new/", views.milestone_create, name="milestone_create"),
    path(f"{_milestone}edit/", views.milestone_edit, name="milestone_edit"),
    path(f"{_milestone}delete/", views.milestone_delete, name="milestone_delete"),
    path(f"{_milestone}move/", views.milestone_move, name="milestone_move"),
    path(f"{_roadmap}dependencies/new/", views.dependency_create, name="dependency_create"),
    path(
        f"{_roadmap}dependencies/<int:dependency_id>/delete/",
        views.dependency_delete,
        name="dependency_delete",
    ),
]
