from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from portico.mail import views_mailbox

app_name = "mailbox"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views_mailbox.message_list, name="list"),
    path("<int:message_id>/", views_mailbox.message_detail, name="message"),
    path("<int:message_id>/html/", views_mailbox.message_html, name="message_html"),
]
