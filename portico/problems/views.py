"""The staff page listing everyone who cannot get into the portal now, and the bulk resend
of expired invitations."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from portico.access.bulk import unfinished_bulk_invite
from portico.access.limits import SEND_LIMIT
from portico.accounts.decorators import staff_required
from portico.audit.actor import Actor
from portico.clients.queries import get_client_for_staff
from portico.practices.http import SignedInRequest
from portico.practices.models import Role, StaffMembership
from portico.practices.roles import Can
from portico.problems.clinicians import ClinicianForm, set_clinician
from portico.problems.counts import remember_count
from portico.problems.queries import KINDS, NO_CLINICIAN, access_problems, filtered
from portico.problems.resend import plan_expired_resend, start_expired_resend

PAGE_SIZE = 50


@staff_required(Can.VIEW_CLIENTS)
@require_safe
def problem_list(request: SignedInRequest) -> HttpResponse:
    practice = request.practice
    clinicians = list(
        StaffMembership.objects.filter(practice=practice, role=Role.CLINICIAN)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "pk")
    )
    kind = request.GET.get("kind", "")
    kind = kind if kind in KINDS else ""
    clinician = request.GET.get("clinician", "")
    if clinician not in {NO_CLINICIAN, *(str(c.pk) for c in clinicians)}:
        clinician = ""
    everyone = access_problems(practice, timezone.now())
    remember_count(practice, len(everyone))  # the top bar on this page matches its rows
    of_clinician = filtered(everyone, clinician=clinician)
    shown = filtered(of_clinician, kind=kind)
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    per_kind = dict.fromkeys(KINDS, 0)
    for problem in of_clinician:
        per_kind[problem.kind] += 1
    query = {name: value for name, value in (("kind", kind), ("clinician", clinician)) if value}
    context = {
        "nav": "problems",
        "problems": page.object_list,
        "page": page,
        "total": len(shown),
        "filter_query": urlencode(query),
        "kinds": [(key, label, per_kind[key]) for key, label in KINDS.items()],
        "kind": kind,
        "clinicians": clinicians,
        "clinician": clinician,
        "no_clinician": NO_CLINICIAN,
        "filtered": bool(query),
        "expired": sum(1 for problem in everyone if problem.kind == "expired"),  # any clinician
    }
    return render(request, "problems/list.html", context)


@never_cache
@staff_required(Can.SEND_INVITES)
@require_http_methods(["GET", "POST"])
def resend_expired(request: SignedInRequest) -> HttpResponse:
    """GET: who would get a new invitation and who is skipped, why. POST: start it."""
    practice = request.practice
    if request.method == "POST":
        try:
            started = start_expired_resend(
                practice, by=Actor.from_request(request), at=timezone.now()
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("problems:resend_expired")
        return redirect("access:bulk_invite_progress", started.public_id)
    context = {
        "nav": "problems",
        "plan": plan_expired_resend(practice, timezone.now()),
        "running": unfinished_bulk_invite(practice),
        "lifetime_hours": practice.invite_lifetime_hours,
        "send_limit": SEND_LIMIT,
    }
    return render(request, "problems/resend_expired.html", context)


@staff_required()
@require_POST
def clinician(request: SignedInRequest, public_id: str) -> HttpResponse:
    """The "Clinician" card of a client's Personal information page."""
    client = get_client_for_staff(
        request.user, request.practice, public_id, capability=Can.EDIT_CLIENTS
    )
    form = ClinicianForm(request.POST, practice=request.practice)
    if not form.is_valid():
        messages.error(request, pgettext("staff", "Choose a clinician from the list."))
    elif set_clinician(
        client, clinician=form.cleaned_data["clinician"], by=Actor.from_request(request)
    ):
        messages.success(request, pgettext("staff", "Clinician saved."))
    else:
        messages.info(request, pgettext("staff", "Nothing was changed."))
    return redirect("clients:personal_information", client.public_id)
