"""Board and workshop briefs: request, progress, versions and downloads."""

from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("roadmap/<int:roadmap_id>/", views.panel, name="panel"),
    path("roadmap/<int:roadmap_id>/request/", views.request_brief, name="request"),
    path("<int:report_id>/download/", views.download, name="download"),
]
