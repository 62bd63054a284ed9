from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from portico.appointments import portal_views

app_name = "portal_appointments"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", portal_views.appointment_list, name="list"),
    path("<uuid:appointment_id>/cancel/", portal_views.cancel, name="cancel"),
    path("<uuid:appointment_id>/calendar.ics", portal_views.calendar, name="ics"),
]
