"""A person's own passkeys, for staff (under /staff/) and portal users: one namespace.

Mounted at the practice's root; the two-factor enrolment gate lets the whole
``passkeys`` namespace through while someone is being asked to set up a method.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from portico.passkeys import views

app_name = "passkeys"

urlpatterns: list[URLPattern | URLResolver] = [
    path("staff/account/passkeys/", views.staff_manage, name="staff_manage"),
    path("staff/account/passkeys/add/", views.staff_add, name="staff_add"),
    path("staff/account/passkeys/remove/", views.staff_remove, name="staff_remove"),
    path("account/passkeys/", views.portal_manage, name="portal_manage"),
    path("account/passkeys/add/", views.portal_add, name="portal_add"),
    path("account/passkeys/remove/", views.portal_remove, name="portal_remove"),
]
