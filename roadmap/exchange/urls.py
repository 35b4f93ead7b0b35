"""Roadmap exports and imports: milestones CSV, JSON export and import, calendar-feed settings."""

from django.urls import path

from roadmap.exchange import views

app_name = "roadmap_exchange"

# Every path has a segment the roadmap pages (``roadmaps`` namespace, mounted
# at the same prefix) do not use: ``export/``, ``calendar/`` or ``import/``.
urlpatterns = [
    path("<int:roadmap_id>/export/milestones.csv", views.milestones_csv, name="milestones_csv"),
    path("<int:roadmap_id>/export/roadmap.json", views.export_json, name="export_json"),
    path("<int:roadmap_id>/calendar/", views.calendar_settings, name="calendar"),
    path("import/", views.import_json, name="import"),
]
