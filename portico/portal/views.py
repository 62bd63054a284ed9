"""The client-facing portal: sign-in, password help, and the portal home.

Reset links follow the access-link rules: GET /reset/<token>/ never spends the
link, it moves the token into the session and redirects to the token-less
/reset/; the final successful POST spends it.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portico.access.dead_links import dead_link_response
from portico.access.links import find_link, is_live
from portico.access.models import AccessLink, LinkPurpose
from portico.access.registration import record_link_view
from portico.access.session_token import forget_token, stash_token, stashed_link
from portico.accounts import actions as account_actions
from portico.accounts.devices import set_device_cookie
from portico.accounts.forms import NewPasswordForm
from portico.accounts.middleware import pop_signed_out_reason
from portico.accounts.models import User
from portico.accounts.signin import Outcome, attempt_sign_in
from portico.audit.actor import Actor, client_ip
from portico.lib.http import too_many_attempts
from portico.lib.ratelimit import consume
from portico.portal import actions
from portico.portal.acting import SESSION_KEY, active_grants, choose_client, grant_label
from portico.portal.decorators import (
    acting_for_required,
    is_portal_user_here,
    portal_user_required,
    portal_user_required_even_before_password_change,
)
from portico.portal.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    ForgotUsernameForm,
    SignInForm,
)
from portico.portal.queries import next_step_url, portal_home
from portico.portal.views_language import remember_language
from portico.practices.http import PracticeRequest, SignedInRequest
from portico.practices.models import Practice
from portico.twofactor.pages import second_step_redirect

RESET = LinkPurpose.PASSWORD_RESET


# --- home, sign-in, sign-out ----------------------------------------------------------------


@require_GET
@acting_for_required
def home(http_request: HttpRequest) -> HttpResponse:
    """The practice's root: the portal home when signed in, otherwise the sign-in page."""
    request = cast(SignedInRequest, http_request)
    acting = request.acting  # type: ignore[attr-defined]
    return render(request, "portal/home.html", {"home": portal_home(request.user, acting.grant)})


@require_http_methods(["GET", "POST"])
@portal_user_required
def choose(http_request: HttpRequest) -> HttpResponse:
    """ "Who are you acting for today?" — one of the user's grants that still work."""
    request = cast(SignedInRequest, http_request)
    grants = active_grants(request.user)
    if not grants:
        return render(request, "portal/no_access.html", status=403)
    if request.method == "POST":
        wanted = request.POST.get("client", "")
        for grant in grants:
            if str(grant.client.public_id) == wanted:
                choose_client(request, grant.client_id)
                return redirect("portal:home")
        messages.error(request, _("Choose one of the people listed."))
    options = [(grant, grant_label(grant)) for grant in grants]
    current = request.session.get(SESSION_KEY)
    return render(request, "portal/choose.html", {"options": options, "current": current})


@require_http_methods(["GET", "POST"])
def sign_in(http_request: HttpRequest) -> HttpResponse:
    request = cast(PracticeRequest, http_request)
    practice = request.practice
    if request.method == "GET" and is_portal_user_here(request):
        return redirect("portal:home")
    form = SignInForm(request.POST or None, practice=practice)
    error = ""
    if request.method == "POST" and form.is_valid():
        result = attempt_sign_in(
            request,
            practice=practice,
            kind="portal",
            identifier=form.cleaned_data["identifier"],
            password=form.cleaned_data["password"],
        )
        if result.outcome == Outcome.SECOND_STEP:  # portico.twofactor: not signed in yet
            return second_step_redirect("portal", _safe_next(request))
        if result.ok and result.user is not None:
            if result.must_change_password:
                response = redirect("portal:change_password")
            else:
                # Home lists what the practice is waiting for; only a first visit
                # (registration, a temporary password) goes straight to the first step.
                response = redirect(_safe_next(request) or reverse("portal:home"))
            set_device_cookie(response, result.device_cookie)
            return response
        error = (
            _disabled_message(practice) if result.outcome == Outcome.DISABLED else result.message
        )
        # The refusal is about both fields: tie them to it for screen readers.
        for field in form.fields.values():
            field.widget.attrs.update({"aria-invalid": "true", "aria-describedby": "sign-in-error"})
    context = {
        "form": form,
        "error": error,
        "signed_out_reason": pop_signed_out_reason(request),
        "next": _safe_next(request),
    }
    return render(request, "portal/sign_in.html", context)


def _disabled_message(practice: Practice) -> str:
    values = {"practice": practice.name, "phone": practice.phone, "email": practice.email}
    if practice.phone and practice.email:
        return (
            _("Your portal access is turned off. Contact %(practice)s at %(phone)s or %(email)s.")
            % values
        )
    if practice.phone or practice.email:
        values["way"] = practice.phone or practice.email
        return _("Your portal access is turned off. Contact %(practice)s at %(way)s.") % values
    return _("Your portal access is turned off. Contact %(practice)s.") % values


def _safe_next(request: HttpRequest) -> str:
    """A ``next`` page inside this practice's portal, or ""."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    root = reverse("portal:home")
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed and target.startswith(root) else ""


@require_POST
def sign_out(http_request: HttpRequest) -> HttpResponse:
    request = cast(PracticeRequest, http_request)
    account = cast(User, request.user) if is_portal_user_here(request) else None
    account_actions.sign_out(
        request, practice=request.practice, account=account, by=Actor.from_request(request)
    )
    messages.info(request, _("You are signed out."))
    # The sign-in page next speaks the language the person just used.
    return remember_language(redirect("portal:sign_in"), translation.get_language())


# --- forgot password / username -------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def forgot_password(http_request: HttpRequest) -> HttpResponse:
    request = cast(PracticeRequest, http_request)
    form = ForgotPasswordForm(request.POST or None, practice=request.practice)
    if request.method == "POST" and form.is_valid():
        # Counts and enqueues, the same steps for any identifier: the task decides.
        actions.request_password_reset(
            request.practice,
            identifier=form.cleaned_data["identifier"],
            by=Actor.from_request(request, label="visitor"),
        )
        return render(request, "portal/forgot_sent.html", _sent_context(request.practice, "link"))
    return render(request, "portal/forgot_password.html", {"form": form})


@require_http_methods(["GET", "POST"])
def forgot_username(http_request: HttpRequest) -> HttpResponse:
    request = cast(PracticeRequest, http_request)
    form = ForgotUsernameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.request_username_reminder(
            request.practice,
            email=form.cleaned_data["email"],
            by=Actor.from_request(request, label="visitor"),
        )
        return render(
            request, "portal/forgot_sent.html", _sent_context(request.practice, "username")
        )
    return render(request, "portal/forgot_username.html", {"form": form})


def _sent_context(practice: Practice, what: str) -> dict[str, str]:
    return {"what": what, "lifetime": lifetime_words(practice.reset_lifetime_hours)}


def lifetime_words(hours: int) -> str:
    """ "24 hours", "1 week": how long a link works, in the page's language."""
    if hours % 168 == 0:
        weeks = hours // 168
        return ngettext("%(count)d week", "%(count)d weeks", weeks) % {"count": weeks}
    return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}


# --- reset link -------------------------------------------------------------------------------


@require_GET
def reset_link(http_request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link: note the visit, keep the token in the session, drop it from the URL."""
    request = cast(PracticeRequest, http_request)
    verdict = consume("link_page", ip=client_ip(request))
    if not verdict.allowed:
        return too_many_attempts(request, verdict.retry_after)
    link = find_link(request.practice, token, purposes=(RESET,))
    if link is None or not is_live(link):
        return dead_link_response(request, link)
    record_link_view(link, by=Actor.from_request(request, label="visitor"), at=timezone.now())
    stash_token(request, RESET, token)
    return redirect("portal:reset")


def _stashed_reset(request: PracticeRequest) -> tuple[AccessLink | None, User | None]:
    link = stashed_link(request, request.practice, RESET)
    if link is None or not is_live(link):
        return link, None
    account = actions.reset_account_for(link)
    return link, account if account is not None and account.is_active else None


@require_http_methods(["GET", "POST"])
def reset(http_request: HttpRequest) -> HttpResponse:
    request = cast(PracticeRequest, http_request)
    link, account = _stashed_reset(request)
    if link is None or account is None:
        return dead_link_response(request, link if link is not None and not is_live(link) else None)
    form = NewPasswordForm(request.POST or None, user=account)
    if request.method == "POST":
        verdict = consume("set_password", ip=client_ip(request))
        if not verdict.allowed:
            return too_many_attempts(request, verdict.retry_after)
        if form.is_valid():
            done = actions.reset_password(
                link,
                account=account,
                password=form.cleaned_data["new_password"],
                by=Actor.from_request(request, label="visitor"),
            )
            if not done:
                link.refresh_from_db()
                return dead_link_response(request, link)
            logout(request)  # this browser's session ends too; the token goes with it
            forget_token(request, RESET)
            messages.success(
                request, _("Your password was changed. Sign in with your new password.")
            )
            # The sign-in page next speaks the language of the person who just proved it.
            return remember_language(redirect("portal:sign_in"), translation.get_language())
    return render(request, "portal/reset.html", {"form": form})


# --- signed in --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@portal_user_required_even_before_password_change
def change_password(http_request: HttpRequest) -> HttpResponse:
    request = cast(SignedInRequest, http_request)
    user = request.user
    forced = user.must_change_password
    form = ChangePasswordForm(request.POST or None, user=user)
    if request.method == "POST":
        verdict = consume("set_password", ip=client_ip(request))
        if not verdict.allowed:
            return too_many_attempts(request, verdict.retry_after)
        if form.is_valid():
            actions.change_password(
                user, password=form.cleaned_data["new_password"], by=Actor.from_request(request)
            )
            update_session_auth_hash(request, user)  # this session stays; the others end
            messages.success(request, _("Your password was changed."))
            # After a staff-set temporary password this is the first visit: the first step.
            return redirect(next_step_url(user) if forced else reverse("portal:home"))
    return render(request, "portal/change_password.html", {"form": form, "forced": forced})
