"""The client-facing portal: sign-in, password help, and the portal home."""

from __future__ import annotations

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (user.is_authenticated and user.kind == "portal"):
        return redirect("portal:sign_in")
    return render(request, "portal/home.html")


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/sign_in.html")


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("portal:sign_in")
