from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from portico.portal import views, views_language

app_name = "portal"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("choose/", views.choose, name="choose"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("forgot-password/", views.forgot_password, name="forgot_password"),
    path("forgot-username/", views.forgot_username, name="forgot_username"),
    path("reset/", views.reset, name="reset"),
    path("reset/<str:token>/", views.reset_link, name="reset_link"),
    path("password/change/", views.change_password, name="change_password"),
    path("language/", views_language.language, name="language"),
    path("language/switch/", views_language.switch, name="switch_language"),
]
