from django.urls import path

from communities import views

app_name = "communities"

urlpatterns = [
    path("", views.community_list, name="list"),
    path("new/", views.community_create, name="community_create"),
    path("<int:community_id>/edit/", views.community_edit, name="community_edit"),
    path("<int:community_id>/delete/", views.community_delete, name="community_delete"),
    path("<int:community_id>/move/", views.community_move, name="community_move"),
    path("<int:community_id>/needs/new/", views.need_create, name="need_create"),
    path("needs/<int:need_id>/edit/", views.need_edit, name="need_edit"),
    path("needs/<int:need_id>/delete/", views.need_delete, name="need_delete"),
    path("needs/<int:need_id>/move/", views.need_move, name="need_move"),
    path("export.csv", views.export_csv, name="export"),
    path("import/", views.import_csv, name="import"),
]
