"""Staff pages: the second step of staff sign-in, Account security, "Confirm it's you",
and the owner's reset of a member's factors / staff removing a client's."""

from __future__ import annotations

from typing import cast
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import pgettext, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from portico.access.models import PortalAccess
from portico.accounts.decorators import staff_required
from portico.accounts.models import User, UserKind
from portico.accounts.views import _practice_request
from portico.audit.actor import Actor
from portico.clients.queries import get_client_for_staff
from portico.lib.http import too_many_attempts
from portico.practices.http import SignedInRequest
from portico.practices.models import Role
from portico.practices.queries import get_staff_member_for_staff
from portico.practices.roles import Can
from portico.twofactor import actions, pages
from portico.twofactor.confirm import read_confirmation
from portico.twofactor.forms import VerifiedIdentityForm
from portico.twofactor.methods import (
    LABELS,
    enrolled_methods,
    recovery_codes_left,
)
from portico.twofactor.reauth import recent_authentication_required, safe_next

STAFF = pages.Side(
    kind=UserKind.STAFF,
    layout="staff/base.html",
    namespace="twofactor",
    sign_in="accounts:staff_sign_in",
    home="clients:list",
)
DISABLED = pgettext_lazy(
    "staff",
    "Your staff account has been deactivated. "
    "Ask an owner or administrator of the practice if you need access again.",
)


def _next(request: HttpRequest) -> str:
    return safe_next(request, request.POST.get("next") or request.GET.get("next") or "")


@sensitive_post_parameters("code", "passkey_credential")
@never_cache
@require_http_methods(["GET", "POST"])
def staff_second_step(http_request: HttpRequest) -> HttpResponse:
    request = _practice_request(http_request)
    return pages.second_step(
        request, request.practice, STAFF, next_url=_next(request), disabled=str(DISABLED)
    )


@never_cache
@staff_required()
@recent_authentication_required(methods=["POST"])  # a new app replaces the old one
@require_http_methods(["GET", "POST"])
def enrol(http_request: HttpRequest) -> HttpResponse:
    request = cast(SignedInRequest, http_request)
    return pages.enrol(request, request.user, STAFF)


@staff_required()
@require_http_methods(["GET"])
def security(http_request: HttpRequest) -> HttpResponse:
    request = cast(SignedInRequest, http_request)
    return pages.security(request, request.user, STAFF)


@staff_required()
@recent_authentication_required()
@require_POST
def regenerate_codes(http_request: HttpRequest) -> HttpResponse:
    request = cast(SignedInRequest, http_request)
    return pages.regenerate_codes(request, request.user, STAFF)


@staff_required()
@recent_authentication_required()
@require_POST
def remove_app(http_request: HttpRequest) -> HttpResponse:
    request = cast(SignedInRequest, http_request)
    return pages.remove_app(request, request.user, STAFF)


@sensitive_post_parameters("password", "code", "passkey_credential")
@never_cache
@staff_required()
@require_http_methods(["GET", "POST"])
def reauthenticate(http_request: HttpRequest) -> HttpResponse:
    """ "Confirm it's you": the password, and the second factor when the account has one."""
    request = cast(SignedInRequest, http_request)
    user = request.user
    form, confirmed = read_confirmation(request, request.practice, user)
    wants_code = form.wants_code
    problem = ""
    if confirmed is not None:
        if confirmed.retry_after is not None:
            return too_many_attempts(request, confirmed.retry_after, layout="staff/base.html")
        if confirmed.ok:
            messages.success(
                request, pgettext("staff", "Thanks. You can go ahead for the next 15 minutes.")
            )
            return redirect(_next(request) or "clients:list")
        problem = confirmed.problem or pgettext("staff", "That password is not right.")
    context = {
        "form": form,
        "problem": problem,
        "next": _next(request),
        "wants_code": wants_code,
        **(pages.passkey_context(request, user) if wants_code else {}),
    }
    return render(request, "twofactor/reauthenticate.html", context, status=400 if problem else 200)


@staff_required(Can.MANAGE_STAFF)
@recent_authentication_required()
@require_http_methods(["GET", "POST"])
def reset_member(http_request: HttpRequest, user_id: int) -> HttpResponse:
    """An owner removes every second factor of another staff member."""
    request = cast(SignedInRequest, http_request)
    member = get_staff_member_for_staff(request.user, request.practice, user_id)
    if request.user.membership.role != Role.OWNER:
        return render(request, "403.html", status=403)
    if member.pk == request.user.pk:
        return redirect("twofactor:security")
    if request.method == "POST":
        actions.reset_two_factor(member, by=Actor.from_request(request))
        name = member.full_name or member.email
        messages.success(
            request,
            pgettext(
                "staff",
                "%(name)s's two-step sign-in was reset and their sessions ended. They were "
                "emailed; they will set up a new method at their next sign-in.",
            )
            % {"name": name},
        )
        return redirect("practices:staff")
    context = {
        "member": member,
        "methods": [LABELS[m] for m in enrolled_methods(member)],
        "codes_left": recovery_codes_left(member),
        "nav": "staff",
    }
    return render(request, "twofactor/reset_member.html", context)


def _client_account(request: SignedInRequest, public_id: UUID, account_id: int) -> tuple:  # type: ignore[type-arg]
    client = get_client_for_staff(
        request.user, request.practice, public_id, capability=Can.TOGGLE_PORTAL_ACCESS
    )
    access = (
        PortalAccess.objects.filter(client=client, user_id=account_id, user__kind=UserKind.PORTAL)
        .select_related("user", "contact")
        .first()
    )
    if access is None or access.user is None:
        raise Http404
    return client, access


@staff_required(Can.TOGGLE_PORTAL_ACCESS)
@require_http_methods(["GET", "POST"])
def remove_client_factor(
    http_request: HttpRequest, public_id: UUID, account_id: int
) -> HttpResponse:
    """Staff remove a client's (or contact's) second factor, after checking who they are."""
    request = cast(SignedInRequest, http_request)
    client, access = _client_account(request, public_id, account_id)
    account: User = access.user
    form = VerifiedIdentityForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        actions.reset_two_factor(
            account,
            by=Actor.from_request(request),
            client=client,
            verified_by=form.cleaned_data["verified_by"],
        )
        messages.success(
            request,
            pgettext(
                "staff",
                "Two-step sign-in removed for %(username)s. They can sign in with their "
                "password alone, and set up a new method when they want (or the practice asks).",
            )
            % {"username": account.username},
        )
        return redirect("clients:detail", client.public_id)
    context = {
        "client": client,
        "access": access,
        "account": account,
        "methods": [LABELS[m] for m in enrolled_methods(account)],
        "form": form,
        "nav": "clients",
    }
    return render(
        request, "twofactor/remove_client_factor.html", context, status=400 if form.errors else 200
    )
