from __future__ import annotations

from django.urls import path

from portico.problems import views

app_name = "problems"

urlpatterns = [
    path("", views.problem_list, name="list"),
]
