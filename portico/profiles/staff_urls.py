from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from portico.profiles import staff_views

app_name = "staff_profiles"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", staff_views.pending, name="pending"),
    path("clients/<uuid:public_id>/", staff_views.client_changes, name="client_changes"),
    path(
        "clients/<uuid:public_id>/changes/<uuid:change_id>/",
        staff_views.decide,
        name="decide",
    ),
    path("clients/<uuid:public_id>/files/<uuid:file_id>/", staff_views.file, name="file"),
]
