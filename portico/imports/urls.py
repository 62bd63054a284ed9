from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from portico.imports import views

app_name = "imports"

ONE = "<uuid:import_id>/"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.start, name="start"),
    path(ONE + "columns/", views.mapping, name="mapping"),
    path(ONE + "dry-run/", views.dry_run, name="dry_run"),
    path(ONE + "dry-run.csv", views.dry_run_csv, name="dry_run_csv"),
    path(ONE, views.progress, name="progress"),
    path(ONE + "results.csv", views.results_csv, name="results_csv"),
    path(ONE + "invite/", views.invite, name="invite"),
]
