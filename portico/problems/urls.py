from __future__ import annotations

from django.urls import path

from portico.problems import views

app_name = "problems"

urlpatterns = [
    path("", views.problem_list, name="list"),
    path("resend-expired/", views.resend_expired, name="resend_expired"),
    path("clients/<uuid:public_id>/clinician/", views.clinician, name="set_clinician"),
]
