"""Staff pages of forms: the builder (owners, admins) and each client's Forms page."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from portico.intake import builder_views, client_views

app_name = "staff_forms"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", builder_views.form_list, name="list"),
    path("new/", builder_views.new_form, name="new"),
    path("<uuid:form_id>/", builder_views.build, name="build"),
    path("<uuid:form_id>/preview/", builder_views.preview, name="preview"),
    path("<uuid:form_id>/publish/", builder_views.publish, name="publish"),
    path("<uuid:form_id>/archive/", builder_views.archive, name="archive"),
    path("<uuid:form_id>/questions/add/", builder_views.add_question, name="add_question"),
    path(
        "<uuid:form_id>/questions/<int:question_id>/",
        builder_views.edit_question,
        name="edit_question",
    ),
    path(
        "<uuid:form_id>/questions/<int:question_id>/move/",
        builder_views.move_question,
        name="move_question",
    ),
    path(
        "<uuid:form_id>/questions/<int:question_id>/remove/",
        builder_views.remove_question,
        name="remove_question",
    ),
    path("clients/<uuid:public_id>/", client_views.client_forms, name="client_forms"),
    path("clients/<uuid:public_id>/send/", client_views.send, name="send"),
    path(
        "clients/<uuid:public_id>/<uuid:assignment_id>/",
        client_views.answers,
        name="answers",
    ),
    path(
        "clients/<uuid:public_id>/<uuid:assignment_id>/reopen/",
        client_views.reopen,
        name="reopen",
    ),
]
