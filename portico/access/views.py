"""Registration pages reached from a client invitation.

GET /welcome/<token>/ only notes the visit, moves the link into the session (by
its token's digest, see session_token) and redirects to /welcome/: email scanners
and reloads spend nothing. The link is consumed by the final successful POST
(``registration.complete_registration``).
"""

from __future__ import annotations

from typing import cast

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from portico.access import registration
from portico.access.dead_links import dead_link_response
from portico.access.family_welcome import contact_account_step
from portico.access.forms import CredentialsForm, DateOfBirthForm
from portico.access.links import find_link, is_live
from portico.access.models import AccessLink, LinkPurpose
from portico.access.queries import portal_account_for
from portico.access.session_token import forget_token, holds_token, stash_token, stashed_link
from portico.accounts.models import User, UserKind
from portico.audit.actor import Actor, client_ip
from portico.lib.ratelimit import consume
from portico.practices.http import PracticeRequest

PURPOSE = LinkPurpose.CLIENT_INVITE
DOB_OK = "portico_welcome_dob_ok"
BACKEND = "portico.accounts.backends.PracticeBackend"


def _too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    minutes = max(1, -(-retry_after // 60))
    response = render(request, "access/too_many.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def _live_or_dead(request: PracticeRequest) -> tuple[AccessLink | None, HttpResponse | None]:
    link = stashed_link(request, request.practice, PURPOSE)
    if link is None or not is_live(link):
        return None, dead_link_response(request, link)
    return link, None


def _dob_confirmed(request: PracticeRequest, link: AccessLink) -> bool:
    return not request.practice.dob_check or request.session.get(DOB_OK) == link.pk


@require_GET
def welcome_link(http_request: HttpRequest, token: str) -> HttpResponse:
    request = cast(PracticeRequest, http_request)
    verdict = consume("link_page", ip=client_ip(request))
    if not verdict.allowed:
        return _too_many(request, verdict.retry_after)
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
    link, dead = _live_or_dead(request)
    if dead:
        return dead
    assert link is not None  # noqa: S101
    next_url = "access:welcome_account" if _dob_confirmed(request, link) else "access:welcome_dob"
    context = {
        "next_url": reverse(next_url),
        "for_client": link.client.first_name if link.contact and link.client else "",
    }
    return render(request, "access/welcome.html", context)


@require_http_methods(["GET", "POST"])
def welcome_dob(http_request: HttpRequest) -> HttpResponse:
    request = cast(PracticeRequest, http_request)
    link, dead = _live_or_dead(request)
    if dead:
        return dead
    assert link is not None and link.client is not None  # noqa: S101
    if _dob_confirmed(request, link):
        return redirect("access:welcome_account")
    data = request.POST.copy()
    form = DateOfBirthForm(data if request.method == "POST" else None)
    if link.contact is not None:
        # A guardian confirms the date of birth of the person they will act for: the
        # check a practice makes on the phone, and one the invited person can answer.
        form.fields["date_of_birth"].label = f"{link.client.first_name}'s date of birth"
    tries_left = registration.MAX_DOB_FAILURES - link.dob_failures
    if request.method == "POST":
        verdict = consume("dob_check", ip=client_ip(request))
        if not verdict.allowed:
            return _too_many(request, verdict.retry_after)
        if form.is_valid():
            if registration.date_of_birth_matches(link.client, form.cleaned_data["date_of_birth"]):
                request.session[DOB_OK] = link.pk
                return redirect("access:welcome_account")
            actor = Actor.from_request(request)
            tries_left = registration.record_dob_failure(link, by=actor, at=timezone.now())
            if tries_left == 0:
                return dead_link_response(request, link)
            plural = "try" if tries_left == 1 else "tries"
            form.add_error(
                "date_of_birth",
                "That date of birth does not match our records. Check it and try again. "
                f"You have {tries_left} {plural} left.",
            )
            # Never echo the typed date back: the form starts empty again.
            data["date_of_birth"] = ""
    return render(
        request,
        "access/welcome_dob.html",
        {
            "form": form,
            "tries_left": tries_left,
            "for_client": link.client.first_name if link.contact is not None else "",
        },
    )


@require_http_methods(["GET", "POST"])
def welcome_account(http_request: HttpRequest) -> HttpResponse:
    request = cast(PracticeRequest, http_request)
    link, dead = _live_or_dead(request)
    if dead:
        return dead
    assert link is not None and link.client is not None  # noqa: S101
    if not _dob_confirmed(request, link):
        return redirect("access:welcome_dob")
    if link.contact is not None:
        return contact_account_step(request, link, purpose=PURPOSE, dob_key=DOB_OK)
    practice = request.practice
    existing = portal_account_for(link.client)
    wants_username = practice.sign_in_identifier == "username" and existing is None
    client = link.client
    person = existing or User(
        practice=practice,
        kind=UserKind.PORTAL,
        email=link.email,
        first_name=client.first_name,
        last_name=client.last_name,
    )
    form = CredentialsForm(
        request.POST or None,
        wants_username=wants_username,
        person=person,
        username_free=lambda name: registration.username_is_free(practice.pk, name),
    )
    if request.method == "POST":
        verdict = consume("set_password", ip=client_ip(request))
        if not verdict.allowed:
            return _too_many(request, verdict.retry_after)
        if form.is_valid():
            try:
                user = registration.complete_registration(
                    link,
                    by=Actor.from_request(request, label="client"),
                    username=form.cleaned_data.get("username"),
                    password=form.cleaned_data["new_password"],
                    at=timezone.now(),
                )
            except registration.UsernameTaken:
                form.add_error("username", "That username was just taken. Please choose another.")
            else:
                if user is None:
                    link.refresh_from_db()
                    return dead_link_response(request, link)
                forget_token(request, PURPOSE)
                request.session.pop(DOB_OK, None)
                login(request, user, backend=BACKEND)  # a fresh session id
                return redirect("portal:home")
    return render(
        request,
        "access/welcome_account.html",
        {"form": form, "sign_in_email": link.email, "existing": existing},
    )
