from __future__ import annotations

from django.urls import URLPattern, URLResolver, path
from django.views.generic import RedirectView

from portico.accounts import views
from portico.accounts.decorators import staff_required

app_name = "accounts"

urlpatterns: list[URLPattern | URLResolver] = [
    # /staff/ is where people type to get in: the client list (or sign-in first).
    path(
        "",
        staff_required()(RedirectView.as_view(pattern_name="clients:list")),
        name="staff_home",
    ),
    path("sign-in/", views.staff_sign_in, name="staff_sign_in"),
    path("sign-out/", views.staff_sign_out, name="staff_sign_out"),
    path("welcome/", views.staff_welcome, name="staff_welcome"),
    path("welcome/<str:token>/", views.staff_welcome_link, name="staff_welcome_link"),
]
