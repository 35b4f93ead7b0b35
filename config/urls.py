from django.contrib import admin
from django.urls import include, path

from common.views import healthz
from organisations import views as organisation_views

urlpatterns = [
    path("", organisation_views.dashboard, name="dashboard"),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("invite/<str:token>/", organisation_views.invitation_accept, name="invitation_accept"),
    path("organisations/new/", organisation_views.organisation_create, name="organisation_create"),
    path("o/<slug:org_slug>/", include("organisations.urls")),
    path("o/<slug:org_slug>/communities/", include("communities.urls")),
    path("o/<slug:org_slug>/purposes/", include("purposes.urls")),
    path("o/<slug:org_slug>/rounds/", include("purposes.scoring.urls")),
    path("o/<slug:org_slug>/roadmaps/", include("roadmap.urls")),
    path("o/<slug:org_slug>/roadmaps/", include("roadmap.exchange.urls")),
    path("o/<slug:org_slug>/briefs/", include("reports.urls")),
    path("calendar/", include("roadmap.exchange.feed_urls")),
    path("admin/", admin.site.urls),
]
