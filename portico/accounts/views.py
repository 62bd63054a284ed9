"""Staff sign-in, sign-out, and accepting a staff invitation."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portico.access.models import LinkPurpose
from portico.access.session_token import forget_token, stash_token, stashed_link
from portico.accounts.actions import sign_out
from portico.accounts.devices import set_device_cookie
from portico.accounts.forms import NewPasswordForm, StaffSignInForm
from portico.accounts.middleware import pop_signed_out_reason
from portico.accounts.models import UserKind
from portico.accounts.signin import Outcome, attempt_sign_in
from portico.audit.actor import Actor, client_ip
from portico.lib.http import too_many_attempts
from portico.lib.ratelimit import consume
from portico.practices.actions import accept_staff_invite, note_staff_invite_viewed
from portico.practices.http import PracticeRequest
from portico.practices.queries import staff_invite_problem
from portico.twofactor.pages import second_step_redirect

STAFF_INVITE = LinkPurpose.STAFF_INVITE


def _practice_request(request: HttpRequest) -> PracticeRequest:
    if getattr(request, "practice", None) is None:
        raise Http404
    return cast(PracticeRequest, request)


@sensitive_post_parameters("password")
@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def staff_sign_in(http_request: HttpRequest) -> HttpResponse:
    request = _practice_request(http_request)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    if request.user.is_authenticated and request.user.kind == UserKind.STAFF:
        return redirect(next_url or "clients:list")

    form = StaffSignInForm(request.POST or None)
    problem = ""
    if request.method == "POST" and form.is_valid():
        result = attempt_sign_in(
            request,
            practice=request.practice,
            kind=UserKind.STAFF,
            identifier=form.cleaned_data["email"],
            password=form.cleaned_data["password"],
        )
        if result.outcome == Outcome.SECOND_STEP:
            return second_step_redirect(UserKind.STAFF, next_url)
        if result.ok:
            response = redirect(next_url or "clients:list")
            set_device_cookie(response, result.device_cookie)
            return response
        problem = result.message
        # The refusal is about both fields: tie them to it for screen readers.
        for field in form.fields.values():
            field.widget.attrs.update(
                {"aria-invalid": "true", "aria-describedby": "signin-problem"}
            )
    return render(
        request,
        "accounts/staff_sign_in.html",
        {
            "form": form,
            "problem": problem,
            "next": next_url,
            "signed_out_reason": pop_signed_out_reason(request),
        },
        status=200 if not problem else 400,
    )


@require_POST
def staff_sign_out(http_request: HttpRequest) -> HttpResponse:
    request = _practice_request(http_request)
    account = request.user if request.user.is_authenticated else None
    sign_out(request, practice=request.practice, account=account, by=Actor.from_request(request))
    messages.info(request, pgettext("staff", "You are signed out."))
    return redirect("accounts:staff_sign_in")


@never_cache
@require_GET
def staff_welcome_link(http_request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link. A GET spends nothing: the token moves to the session."""
    request = _practice_request(http_request)
    stash_token(request, STAFF_INVITE, token)
    return redirect("accounts:staff_welcome")


@sensitive_post_parameters("new_password", "confirm_password")
@never_cache
@require_http_methods(["GET", "POST"])
def staff_welcome(http_request: HttpRequest) -> HttpResponse:
    request = _practice_request(http_request)
    verdict = consume("link_page", ip=client_ip(request))
    if not verdict.allowed:
        return too_many_attempts(request, verdict.retry_after, layout="base.html")
    link = stashed_link(request, request.practice, STAFF_INVITE)
    problem = staff_invite_problem(link)
    # A staff invitation always names its user; one that does not is as dead as any.
    if link is None or problem or link.user is None:
        return render(request, "accounts/staff_invite_dead.html", {"problem": problem}, status=410)
    invitee = link.user
    if request.method == "GET":
        note_staff_invite_viewed(link, by=Actor.from_request(request, label="invitee"))
    form = NewPasswordForm(request.POST or None, user=invitee)
    if request.method == "POST" and form.is_valid():
        user = accept_staff_invite(
            link,
            password=form.cleaned_data["new_password"],
            by=Actor.from_request(request, label="invitee"),
        )
        if user is None:  # someone else used or revoked it a moment ago
            return render(
                request,
                "accounts/staff_invite_dead.html",
                {"problem": staff_invite_problem(link, refresh=True)},
                status=410,
            )
        forget_token(request, STAFF_INVITE)
        login(request, user)  # a fresh session id
        messages.success(
            request,
            pgettext("staff", "Welcome to %(practice)s. Your password is set.")
            % {"practice": request.practice.name},
        )
        return redirect(reverse("clients:list"))
    return render(request, "accounts/staff_welcome.html", {"form": form, "invitee": invitee})
