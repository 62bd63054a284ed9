from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from portico.mail import views, views_templates

app_name = "mail"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.activity, name="activity"),
    path("templates/", views_templates.template_list, name="templates"),
    path("templates/<str:kind>/", views_templates.template_edit, name="template_edit"),
    path("templates/<str:kind>/reset/", views_templates.template_reset, name="template_reset"),
    path("templates/<str:kind>/test/", views_templates.template_send_test, name="template_test"),
    # The same pages for the text in one language (the ones above: English).
    path(
        "templates/<str:kind>/<str:language>/",
        views_templates.template_edit,
        name="template_edit",
    ),
    path(
        "templates/<str:kind>/<str:language>/reset/",
        views_templates.template_reset,
        name="template_reset",
    ),
    path(
        "templates/<str:kind>/<str:language>/test/",
        views_templates.template_send_test,
        name="template_test",
    ),
]
