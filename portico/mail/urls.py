from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from portico.mail import views

app_name = "mail"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.activity, name="activity"),
]
