"""Board and workshop briefs: request, progress, versions and downloads."""

from django.urls import path  # noqa: F401

app_name = "reports"

urlpatterns: list = []
