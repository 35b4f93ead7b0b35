from django.urls import path

from purposes.scoring import csv_export, views

app_name = "scoring"

urlpatterns = [
    path("", views.round_list, name="list"),
    path("new/", views.round_new, name="new"),
    path("levels/", views.levels_edit, name="levels"),
    path("compare/", views.compare, name="compare"),
    path("<int:round_id>/", views.round_detail, name="detail"),
    path("<int:round_id>/progress/", views.round_progress, name="progress"),
    path("<int:round_id>/score/", views.score, name="score"),
    path("<int:round_id>/score/save/", views.score_save_view, name="save"),
    path("<int:round_id>/reveal/", views.round_reveal_view, name="reveal"),
    path("<int:round_id>/reopen/", views.round_reopen_view, name="reopen"),
    path("<int:round_id>/close/", views.round_close_view, name="close"),
    path("<int:round_id>/delete/", views.round_delete_view, name="delete"),
    path("<int:round_id>/fit-weight/", views.round_fit_weight, name="fit_weight"),
    path("<int:round_id>/results/", views.results, name="results"),
    path("<int:round_id>/export.csv", csv_export.export_csv, name="export"),
    path(
        "<int:round_id>/purposes/<int:purpose_id>/status/",
        views.purpose_status,
        name="purpose_status",
    ),
]
