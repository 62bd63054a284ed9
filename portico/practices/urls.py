from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from portico.practices import brand_views, views

app_name = "practices"

urlpatterns: list[URLPattern | URLResolver] = [
    path("settings/", views.practice_settings, name="settings"),
    path("branding/", brand_views.branding, name="branding"),
    path("staff/", views.staff_list, name="staff"),
    path("staff/invite/", views.invite_staff, name="invite_staff"),
    path("staff/<int:user_id>/role/", views.change_role, name="change_role"),
    path("staff/<int:user_id>/deactivate/", views.deactivate_staff, name="deactivate_staff"),
    path("staff/<int:user_id>/reactivate/", views.reactivate_staff, name="reactivate_staff"),
    path("staff/<int:user_id>/resend-invite/", views.resend_invite, name="resend_staff_invite"),
]
