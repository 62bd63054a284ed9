from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from portico.accounts import views

app_name = "accounts"

urlpatterns: list[URLPattern | URLResolver] = [
    path("sign-in/", views.staff_sign_in, name="staff_sign_in"),
    path("sign-out/", views.staff_sign_out, name="staff_sign_out"),
    path("welcome/", views.staff_welcome, name="staff_welcome"),
    path("welcome/<str:token>/", views.staff_welcome_link, name="staff_welcome_link"),
]
