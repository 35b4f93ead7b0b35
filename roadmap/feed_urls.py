"""The iCalendar feed: public, at a secret and revocable URL, outside any organisation."""

from django.urls import path  # noqa: F401

app_name = "calendar"

urlpatterns: list = []
