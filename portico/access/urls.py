from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from portico.access import bulk_views, staff_views, views

app_name = "access"

STAFF = "staff/clients/<uuid:public_id>/access/"
CONTACT = "staff/clients/<uuid:public_id>/contacts/<uuid:contact_id>/access/"
BULK = "staff/clients/bulk-invite/"

urlpatterns: list[URLPattern | URLResolver] = [
    path("welcome/", views.welcome, name="welcome"),
    path("welcome/date-of-birth/", views.welcome_dob, name="welcome_dob"),
    path("welcome/account/", views.welcome_account, name="welcome_account"),
    path("welcome/<str:token>/", views.welcome_link, name="welcome_link"),
    path(STAFF + "send-invite/", staff_views.send_invite, name="send_invite"),
    path(STAFF + "resend/", staff_views.resend_invite, name="resend_invite"),
    path(STAFF + "send-reset/", staff_views.send_reset, name="send_reset"),
    path(
        STAFF + "reset-and-resend-welcome/",
        staff_views.reset_and_resend_welcome,
        name="reset_and_resend_welcome",
    ),
    path(STAFF + "temporary-password/", staff_views.temporary_password, name="temporary_password"),
    path(STAFF + "disable/", staff_views.disable, name="disable"),
    path(STAFF + "enable/", staff_views.enable, name="enable"),
    path(STAFF + "unlock/", staff_views.unlock, name="unlock"),
    path(STAFF + "welcome-email/", staff_views.choose_recipients, name="choose_recipients"),
    path(
        CONTACT + "send-invite/",
        staff_views.send_contact_invite,
        name="send_contact_invite",
    ),
    path(BULK, bulk_views.confirm, name="bulk_invite"),
    path(BULK + "<uuid:bulk_id>/", bulk_views.progress, name="bulk_invite_progress"),
    path(CONTACT + "end/", staff_views.end_contact_access, name="end_contact_access"),
]
