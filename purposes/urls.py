from django.urls import path

from purposes import views

app_name = "purposes"

urlpatterns = [
    path("", views.purpose_list, name="list"),
    path("new/", views.purpose_create, name="create"),
    path("hints/", views.purpose_hints, name="hints"),
    path("<int:purpose_id>/", views.purpose_detail, name="detail"),
    path("<int:purpose_id>/edit/", views.purpose_edit, name="edit"),
    path("<int:purpose_id>/status/", views.purpose_status, name="status"),
    path("<int:purpose_id>/comments/", views.comment_create, name="comment"),
    path("<int:purpose_id>/revisions/", views.revision_list, name="revisions"),
    path("<int:purpose_id>/revisions/compare/", views.revision_compare, name="compare"),
]
