"""The welcome journey, reached from an invitation: one flow for the client and a contact alike.

GET /welcome/<token>/ only notes the visit, moves the token into the session and
redirects to /welcome/: email scanners and reloads spend nothing. Then two
stages: the date of birth (the client's, whoever was invited), and the account
(a new one, or — for a contact — the one they already have). The link is
consumed by the final successful POST (``registration.redeem_invite``).
"""

from __future__ import annotations

from typing import cast

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portico.access import registration
from portico.access.dead_links import dead_link_response
from portico.access.forms import CredentialsForm, DateOfBirthForm, ExistingAccountForm
from portico.access.links import find_link, is_live
from portico.access.models import AccessLink, LinkPurpose, PortalAccess
from portico.access.session_token import (
    forget_token,
    holds_token,
    remember_acting_for,
    stash_token,
    stashed_link,
)
from portico.accounts.devices import set_device_cookie
from portico.accounts.models import User, UserKind
from portico.accounts.signin import Outcome, check_credentials, no_match_message
from portico.audit.actor import Actor, client_ip
from portico.lib.http import too_many_attempts
from portico.lib.ratelimit import consume
from portico.portal.queries import next_step_url
from portico.practices.http import PracticeRequest

PURPOSE = LinkPurpose.CLIENT_INVITE
DOB_OK = "portico_welcome_dob_ok"
BACKEND = "portico.accounts.backends.PracticeBackend"


def _live_link(request: PracticeRequest) -> tuple[AccessLink, PortalAccess] | HttpResponse:
    """The stashed invitation and its access, or the dead-link page."""
    link = stashed_link(request, request.practice, PURPOSE)
    if link is None or link.access is None or not is_live(link):
        return dead_link_response(request, link)
    return link, link.access


def _dob_confirmed(request: PracticeRequest, link: AccessLink) -> bool:
    return not request.practice.dob_check or request.session.get(DOB_OK) == link.pk


def _for_client(access: PortalAccess) -> str:
    """ "Mia" when a contact is invited to act for her; "" for the client themself."""
    return access.client.first_name if access.contact is not None else ""


@require_GET
def welcome_link(http_request: HttpRequest, token: str) -> HttpResponse:
    request = cast(PracticeRequest, http_request)
    verdict = consume("link_page", ip=client_ip(request))
    if not verdict.allowed:
        return too_many_attempts(request, verdict.retry_after)
    link = find_link(request.practice, token, purposes=(PURPOSE,))
    if link is None or not is_live(link):
        return dead_link_response(request, link)
    registration.record_link_view(link, by=Actor.from_request(request), at=timezone.now())
    if not holds_token(request, PURPOSE, token):
        request.session.pop(DOB_OK, None)
    stash_token(request, PURPOSE, token)
    return redirect("access:welcome")


@require_GET
def welcome(http_request: HttpRequest) -> HttpResponse:
    request = cast(PracticeRequest, http_request)
    found = _live_link(request)
    if isinstance(found, HttpResponse):
        return found
    link, access = found
    next_url = "access:welcome_account" if _dob_confirmed(request, link) else "access:welcome_dob"
    context = {"next_url": reverse(next_url), "for_client": _for_client(access)}
    return render(request, "access/welcome.html", context)


@require_http_methods(["GET", "POST"])
def welcome_dob(http_request: HttpRequest) -> HttpResponse:
    """Stage 1: the client's date of birth; at most ``MAX_DOB_FAILURES`` wrong answers."""
    request = cast(PracticeRequest, http_request)
    found = _live_link(request)
    if isinstance(found, HttpResponse):
        return found
    link, access = found
    if _dob_confirmed(request, link):
        return redirect("access:welcome_account")
    form = DateOfBirthForm(
        request.POST if request.method == "POST" else None, name=_for_client(access)
    )
    tries_left = registration.MAX_DOB_FAILURES - link.dob_failures
    if request.method == "POST":
        verdict = consume("dob_check", ip=client_ip(request))
        if not verdict.allowed:
            return too_many_attempts(request, verdict.retry_after)
        if form.is_valid():
            if registration.date_of_birth_matches(access, form.cleaned_data["date_of_birth"]):
                request.session[DOB_OK] = link.pk
                return redirect("access:welcome_account")
            actor = Actor.from_request(request)
            tries_left = registration.record_dob_failure(link, by=actor, at=timezone.now())
            if tries_left == 0:
                return dead_link_response(request, link)
            form = form.wrong_answer(tries_left)  # never echoes the typed date back
    context = {"form": form, "tries_left": tries_left, "for_client": _for_client(access)}
    return render(request, "access/welcome_dob.html", context)


@require_http_methods(["GET", "POST"])
def welcome_account(http_request: HttpRequest) -> HttpResponse:
    """Stage 2: the account — a new one, or (for a contact) the one they already have."""
    request = cast(PracticeRequest, http_request)
    found = _live_link(request)
    if isinstance(found, HttpResponse):
        return found
    link, access = found
    if not _dob_confirmed(request, link):
        return redirect("access:welcome_dob")
    stage = _AccountStage(request, link, access)
    if request.method == "POST":
        if stage.chosen == "new":  # "existing" is limited by the sign-in check itself
            verdict = consume("set_password", ip=client_ip(request))
            if not verdict.allowed:
                return too_many_attempts(request, verdict.retry_after)
        account = stage.redeem()
        if isinstance(account, HttpResponse):
            return account
        if account is not None:
            forget_token(request, PURPOSE)
            request.session.pop(DOB_OK, None)
            login(request, account, backend=BACKEND)  # a fresh session id
            remember_acting_for(request, access.client_id)
            # Straight to what the practice is waiting for (intake forms first), else home.
            response = redirect(next_step_url(account, client_id=access.client_id))
            set_device_cookie(response, stage.device_cookie)
            return response
    return stage.render()


class _AccountStage:
    """The forms of the account stage and what a POST of one of them does."""

    def __init__(self, request: PracticeRequest, link: AccessLink, access: PortalAccess) -> None:
        practice = request.practice
        self.request, self.link, self.access = request, link, access
        self.offers_existing = access.contact is not None and access.user is None
        self.shared_email = self.offers_existing and registration.email_in_use(
            practice.pk, link.email
        )
        posted = request.POST if request.method == "POST" else None
        self.chosen = (posted.get("path") or "new") if posted is not None else ""
        if not self.offers_existing:
            self.chosen = "new" if posted is not None else ""
        person = access.user or _stand_in(practice.pk, link, access)
        self.existing_form = ExistingAccountForm(posted if self.chosen == "existing" else None)
        self.new_form = CredentialsForm(
            posted if self.chosen == "new" else None,
            wants_username=access.user is None
            and (practice.sign_in_identifier == "username" or self.shared_email),
            person=person,
            username_free=lambda name: registration.username_is_free(practice.pk, name),
        )
        self.existing_error = ""
        self.device_cookie = ""

    def redeem(self) -> User | HttpResponse | None:
        by = Actor.from_request(self.request, label="contact" if self.access.contact else "client")
        try:
            account = self._redeem(by)
        except registration.UsernameTaken:
            self.new_form.add_error(
                "username", _("That username was just taken. Please choose another.")
            )
            return None
        except registration.CannotAttach:
            self.existing_error = no_match_message()
            return None
        if account is False:
            self.link.refresh_from_db()
            return dead_link_response(self.request, self.link)
        return account if isinstance(account, User | HttpResponse) else None

    def _redeem(self, by: Actor) -> User | HttpResponse | bool | None:
        """The account; None when a form is not valid; False when the link died first."""
        at = timezone.now()
        if self.chosen == "existing" and self.existing_form.is_valid():
            # The sign-in page's own check: per-IP limit, the identifier's back-off,
            # trusted devices, and the same words for unknown accounts.
            checked = check_credentials(
                self.request,
                practice=self.request.practice,
                kind=UserKind.PORTAL,
                identifier=self.existing_form.cleaned_data["identifier"],
                password=self.existing_form.cleaned_data["password"],
                during="registration",
            )
            if checked.outcome == Outcome.RATE_LIMITED:
                return too_many_attempts(self.request, checked.retry_after)
            self.existing_error = checked.message
            if not checked.ok or checked.user is None:
                return None
            self.device_cookie = checked.device_cookie
            return (
                registration.redeem_invite(self.link, by=by, at=at, existing=checked.user) or False
            )
        if self.chosen == "new" and self.new_form.is_valid():
            data = self.new_form.cleaned_data
            redeemed = registration.redeem_invite(
                self.link,
                by=by,
                at=at,
                username=data.get("username"),
                password=data["new_password"],
            )
            return redeemed or False
        return None

    def render(self) -> HttpResponse:
        link, access = self.link, self.access
        if not self.offers_existing:
            context = {"form": self.new_form, "sign_in_email": link.email, "existing": access.user}
            return render(self.request, "access/welcome_account.html", context)
        context = {
            "existing_form": self.existing_form,
            "new_form": self.new_form,
            "existing_error": self.existing_error,
            "chosen": self.chosen if self.request.method == "POST" else "",
            "sign_in_email": link.email,
            "shared_email": self.shared_email,
            "client_name": access.client.first_name,
        }
        return render(self.request, "access/welcome_contact_account.html", context)


def _stand_in(practice_id: int, link: AccessLink, access: PortalAccess) -> User:
    """An unsaved user with the person's names, so the password rules see them."""
    person = access.contact or access.client
    return User(
        practice_id=practice_id,
        kind=UserKind.PORTAL,
        email=link.email,
        first_name=person.first_name,
        last_name=person.last_name,
    )
