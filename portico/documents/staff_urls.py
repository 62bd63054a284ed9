from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from portico.documents import staff_views

app_name = "staff_documents"

_CLIENT = "clients/<uuid:public_id>/"

urlpatterns: list[URLPattern | URLResolver] = [
    path(_CLIENT, staff_views.client_documents, name="client"),
    path(f"{_CLIENT}share/", staff_views.share, name="share"),
    path(f"{_CLIENT}ask/", staff_views.ask, name="ask"),
    path(f"{_CLIENT}<uuid:document_id>/file/", staff_views.document_file, name="file"),
    path(f"{_CLIENT}<uuid:document_id>/withdraw/", staff_views.withdraw, name="withdraw"),
    path(
        f"{_CLIENT}requests/<uuid:request_id>/file/",
        staff_views.uploaded_file,
        name="uploaded_file",
    ),
    path(f"{_CLIENT}requests/<uuid:request_id>/cancel/", staff_views.cancel, name="cancel"),
]
