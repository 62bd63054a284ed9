from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from portico.profiles import portal_views

app_name = "portal_insurance"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", portal_views.insurance, name="insurance"),
    path("cards/<uuid:file_id>/", portal_views.card, name="card"),
]
