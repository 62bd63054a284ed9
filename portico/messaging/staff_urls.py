from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from portico.messaging import staff_views

app_name = "staff_messages"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", staff_views.inbox, name="inbox"),
    path("clients/<uuid:public_id>/", staff_views.conversation, name="conversation"),
    path("clients/<uuid:public_id>/assign/", staff_views.assign, name="assign"),
    path("clients/<uuid:public_id>/mark-read/", staff_views.mark_read, name="mark_read"),
    path("clients/<uuid:public_id>/mark-unread/", staff_views.mark_unread, name="mark_unread"),
]
