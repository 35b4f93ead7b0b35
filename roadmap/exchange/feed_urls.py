"""The iCalendar feed: public, at a secret and revocable URL, outside any organisation."""

from django.urls import path

from roadmap.exchange import views

app_name = "calendar"

urlpatterns = [
    path("<str:token>.ics", views.calendar_feed, name="feed"),
]
