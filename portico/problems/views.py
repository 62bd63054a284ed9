"""The staff page listing everyone who cannot get into the portal now."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from portico.accounts.decorators import staff_required
from portico.practices.http import SignedInRequest
from portico.practices.roles import Can
from portico.problems.queries import KINDS, access_problems


@staff_required(Can.VIEW_CLIENTS)
@require_safe
def problem_list(request: SignedInRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if kind not in KINDS:
        kind = ""
    problems = access_problems(request.practice, timezone.now(), kind=kind)
    context = {"nav": "problems", "problems": problems, "kinds": KINDS, "kind": kind}
    return render(request, "problems/list.html", context)
