"""The portal's forms (mounted at forms/, every page 404 while the practice has forms off)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from portico.intake import portal_views

app_name = "portal_forms"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", portal_views.form_list, name="list"),
    path("<uuid:assignment_id>/", portal_views.fill, name="fill"),
]
