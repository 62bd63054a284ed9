"""The credentials step of /welcome/ when the invitation went to a contact (a parent, a guardian).

Two ways through, on one page:

- "I already have a portal account with <practice>": its sign-in name and
  password; the new grant attaches to that account (one person, one identity).
- "Create my account": a new account. A username is asked for when the practice
  signs in by username, or when the invited address already belongs to another
  portal account (two family members sharing an inbox stay two people).
"""

from __future__ import annotations

from django.contrib.auth import authenticate, login
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
from portico.accounts.backends import find_sign_in_candidates
from portico.accounts.lockout import is_locked, register_failure
from portico.accounts.models import User, UserKind
from portico.accounts.signin import NO_MATCH
from portico.audit.actor import Actor, client_ip
from portico.audit.record import record
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
    if chosen in ("existing", "new"):
        action = "portal_sign_in" if chosen == "existing" else "set_password"
        key = request.POST.get("identifier", "").strip().lower() if chosen == "existing" else ""
        verdict = consume(action, ip=client_ip(request), key=f"{practice.pk}:{key}" if key else "")
        if not verdict.allowed:
            minutes = max(1, -(-verdict.retry_after // 60))
            response = render(request, "access/too_many.html", {"minutes": minutes}, status=429)
            response["Retry-After"] = str(verdict.retry_after)
            return response
    account: User | None = None
    try:
        if chosen == "existing" and existing_form.is_valid():
            account, existing_error = _check_existing(request, existing_form)
            if account is not None:
                account = complete_contact_registration(
                    link,
                    by=Actor.from_request(request, label="contact"),
                    at=timezone.now(),
                    existing=account,
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
        return redirect("portal:home")
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


def _check_existing(request: PracticeRequest, form: ExistingAccountForm) -> tuple[User | None, str]:
    """The account these credentials open, without signing in yet; else the sign-in words."""
    practice = request.practice
    identifier = form.cleaned_data["identifier"].strip()
    now = timezone.now()
    visitor = Actor.from_request(request, label="visitor")
    candidates = find_sign_in_candidates(
        practice=practice, kind=UserKind.PORTAL, identifier=identifier
    )
    user = authenticate(
        request,
        practice=practice,
        kind=UserKind.PORTAL,
        identifier=identifier,
        password=form.cleaned_data["password"],
    )
    if not isinstance(user, User):
        for candidate in candidates:
            if not is_locked(candidate, now):
                register_failure(candidate, by=visitor, at=now)
        record(
            "signin.failed",
            practice=practice,
            actor=visitor,
            subject_user=candidates[0] if len(candidates) == 1 else None,
            details={"kind": "portal", "reason": "wrong_password", "during": "registration"},
        )
        return None, NO_MATCH
    if is_locked(user, now):
        return None, (
            "This account is locked after too many wrong passwords. Try again later, or ask "
            f"{practice.name} to unlock it."
        )
    if not user.is_active:
        return None, f"This portal account is turned off. Contact {practice.name}."
    return user, ""
