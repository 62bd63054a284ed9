"""The credentials step of /welcome/ when the invitation went to a contact (a parent, a guardian).

Two ways through, on one page:

- "I already have a portal account with <practice>": its sign-in name and
  password, checked exactly as the sign-in page checks them (accounts.signin:
  the same back-off, trusted devices and words for unknown accounts); the new
  grant attaches to that account (one person, one identity).
- "Create my account": a new account. A username is asked for when the practice
  signs in by username, or when the invited address already belongs to another
  portal account (two family members sharing an inbox stay two people).
"""

from __future__ import annotations

from django.contrib.auth import login
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from portico.access.dead_links import dead_link_response
from portico.access.family_registration import (
    CannotAttach,
    complete_contact_registration,
    email_in_use,
)
from portico.access.forms import CredentialsForm, ExistingAccountForm
from portico.access.models import AccessLink
from portico.access.registration import UsernameTaken, username_is_free
from portico.access.session_token import forget_token
from portico.accounts.devices import set_device_cookie
from portico.accounts.models import User, UserKind
from portico.accounts.signin import NO_MATCH, Outcome, check_credentials
from portico.audit.actor import Actor, client_ip
from portico.lib.ratelimit import consume
from portico.portal.acting import choose_client
from portico.practices.http import PracticeRequest

BACKEND = "portico.accounts.backends.PracticeBackend"


def contact_account_step(
    request: PracticeRequest, link: AccessLink, *, purpose: str, dob_key: str
) -> HttpResponse:
    assert link.contact is not None and link.client is not None  # noqa: S101
    practice, contact = request.practice, link.contact
    shared_email = email_in_use(practice.pk, link.email)
    wants_username = practice.sign_in_identifier == "username" or shared_email
    chosen = request.POST.get("path") if request.method == "POST" else None
    existing_form = ExistingAccountForm(request.POST if chosen == "existing" else None)
    new_form = CredentialsForm(
        request.POST if chosen == "new" else None,
        wants_username=wants_username,
        person=User(
            practice=practice,
            kind=UserKind.PORTAL,
            email=link.email,
            first_name=contact.first_name,
            last_name=contact.last_name,
        ),
        username_free=lambda name: username_is_free(practice.pk, name),
    )
    existing_error = ""
    if chosen == "new":
        verdict = consume("set_password", ip=client_ip(request))
        if not verdict.allowed:
            return _too_many(request, verdict.retry_after)
    account: User | None = None
    device_cookie = ""
    try:
        if chosen == "existing" and existing_form.is_valid():
            # The sign-in page's own check: per-IP limit, the identifier's back-off and
            # trusted devices, and the same words for unknown accounts.
            result = check_credentials(
                request,
                practice=practice,
                kind=UserKind.PORTAL,
                identifier=existing_form.cleaned_data["identifier"],
                password=existing_form.cleaned_data["password"],
                during="registration",
            )
            if result.outcome == Outcome.RATE_LIMITED:
                return _too_many(request, result.retry_after)
            existing_error = result.message
            if result.ok and result.user is not None:
                device_cookie = result.device_cookie
                account = complete_contact_registration(
                    link,
                    by=Actor.from_request(request, label="contact"),
                    at=timezone.now(),
                    existing=result.user,
                )
                if account is None:
                    return _dead(request, link)
        elif chosen == "new" and new_form.is_valid():
            account = complete_contact_registration(
                link,
                by=Actor.from_request(request, label="contact"),
                at=timezone.now(),
                username=new_form.cleaned_data.get("username"),
                password=new_form.cleaned_data["new_password"],
            )
            if account is None:
                return _dead(request, link)
    except UsernameTaken:
        new_form.add_error("username", "That username was just taken. Please choose another.")
        account = None
    except CannotAttach:
        existing_error = NO_MATCH
        account = None
    if account is not None:
        forget_token(request, purpose)
        request.session.pop(dob_key, None)
        login(request, account, backend=BACKEND)  # a fresh session id
        choose_client(request, link.client.pk)
        response = redirect("portal:home")
        set_device_cookie(response, device_cookie)
        return response
    return render(
        request,
        "access/welcome_contact_account.html",
        {
            "existing_form": existing_form,
            "new_form": new_form,
            "existing_error": existing_error,
            "chosen": chosen or "",
            "sign_in_email": link.email,
            "shared_email": shared_email,
            "client_name": link.client.first_name,
        },
    )


def _dead(request: PracticeRequest, link: AccessLink) -> HttpResponse:
    link.refresh_from_db()
    return dead_link_response(request, link)


def _too_many(request: PracticeRequest, retry_after: int) -> HttpResponse:
    minutes = max(1, -(-retry_after // 60))
    response = render(request, "access/too_many.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(retry_after)
    return response
