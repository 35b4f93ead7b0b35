"""Roadmaps, phases, placements, milestones and dependencies: the roadmap page and its editors."""

from django.urls import path  # noqa: F401

app_name = "roadmaps"

urlpatterns: list = []
