"""Roadmap exports and imports: milestones CSV, JSON export and import, calendar-feed settings."""

from django.urls import path  # noqa: F401

app_name = "roadmap_exchange"

urlpatterns: list = []
