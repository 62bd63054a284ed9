"""Mounted at /staff/ (after the accounts URLs)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from portico.twofactor import views_staff as views

app_name = "twofactor"

urlpatterns: list[URLPattern | URLResolver] = [
    path("sign-in/code/", views.staff_second_step, name="staff_second_step"),
    path("confirm/", views.reauthenticate, name="reauthenticate"),
    path("security/", views.security, name="security"),
    path("security/app/", views.enrol, name="enrol"),
    path("security/app/remove/", views.remove_app, name="remove_app"),
    path("security/recovery-codes/", views.regenerate_codes, name="regenerate_codes"),
    path("practice/staff/<int:user_id>/two-step/reset/", views.reset_member, name="reset_member"),
    path(
        "clients/<uuid:public_id>/two-step/<int:account_id>/remove/",
        views.remove_client_factor,
        name="remove_client_factor",
    ),
]
