from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from portico.appointments import staff_views, telehealth_views

app_name = "staff_appointments"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", staff_views.schedule_list, name="list"),
    path("new/", staff_views.new, name="new"),
    path("settings/", staff_views.appointment_settings, name="settings"),
    path("clients/<uuid:public_id>/", staff_views.client_appointments, name="client"),
    # Telehealth: rooms and the client's own consent (portico.appointments.telehealth_views).
    path("telehealth/", telehealth_views.telehealth_settings, name="telehealth"),
    path("my-video-room/", telehealth_views.my_room, name="my_room"),
    path(
        "clients/<uuid:public_id>/telehealth-consent/",
        telehealth_views.client_consent,
        name="client_consent",
    ),
    path("<uuid:appointment_id>/", staff_views.edit, name="edit"),
    path("<uuid:appointment_id>/cancel/", staff_views.cancel, name="cancel"),
]
