from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from portico.scheduling import staff_views

app_name = "staff_scheduling"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", staff_views.index, name="index"),
    path("clinicians/<int:clinician_id>/", staff_views.availability, name="availability"),
    path("requests/", staff_views.requests, name="requests"),
    path("settings/", staff_views.scheduling_settings, name="settings"),
]
