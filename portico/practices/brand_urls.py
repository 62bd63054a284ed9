"""The brand's public files, at the practice's own address: /brand/logo, /brand/style.css."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from portico.practices import brand_views

app_name = "brand"

urlpatterns: list[URLPattern | URLResolver] = [
    path("logo", brand_views.logo, name="logo"),
    path("style.css", brand_views.style, name="style"),
]
