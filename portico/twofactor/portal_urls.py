"""Mounted at the portal's root."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from portico.twofactor import views_portal as views

app_name = "portal_security"

urlpatterns: list[URLPattern | URLResolver] = [
    path("sign-in/code/", views.second_step, name="second_step"),
    path("security/", views.security, name="security"),
    path("security/confirm/", views.reauthenticate, name="reauthenticate"),
    path("security/app/", views.enrol, name="enrol"),
    path("security/app/remove/", views.remove_app, name="remove_app"),
    path("security/recovery-codes/", views.regenerate_codes, name="regenerate_codes"),
]
