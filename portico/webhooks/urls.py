from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from portico.webhooks import views

app_name = "webhooks"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.endpoint_list, name="list"),
    path("add/", views.endpoint_add, name="add"),
    path("<uuid:endpoint_id>/", views.endpoint_detail, name="detail"),
    path("<uuid:endpoint_id>/test/", views.endpoint_test, name="test"),
    path("<uuid:endpoint_id>/rotate-secret/", views.endpoint_rotate, name="rotate"),
    path("<uuid:endpoint_id>/switch/", views.endpoint_switch, name="switch"),
    path("<uuid:endpoint_id>/delete/", views.endpoint_delete, name="delete"),
]
