from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from portico.audit import views

app_name = "audit"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.event_list, name="list"),
    path("export.csv", views.export_csv, name="export"),
]
