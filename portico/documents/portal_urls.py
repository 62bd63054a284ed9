from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from portico.documents import portal_views

app_name = "portal_documents"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", portal_views.document_list, name="list"),
    path("<uuid:document_id>/", portal_views.document, name="document"),
    path("requests/<uuid:request_id>/upload/", portal_views.upload, name="upload"),
]
