"""The People tab (a client's contacts and their consent) and the coming-of-age reviews."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods

from portico.access import people as access_people
from portico.access.queries import access_is_on, contacts_with_access_on
from portico.access.status_reads import people_access
from portico.accounts.decorators import staff_required
from portico.audit.actor import Actor
from portico.audit.reads import ReadPage, record_read
from portico.clients import contact_actions
from portico.clients.contact_forms import (
    ComingOfAgeReviewForm,
    ConsentForm,
    ContactForm,
    contact_initial,
)
from portico.clients.contact_queries import (
    current_contacts,
    get_contact_for_staff,
    get_review_for_staff,
    open_review_for,
    open_reviews,
)
from portico.clients.minors import is_minor
from portico.clients.models import Client
from portico.clients.queries import age_on, client_emails, get_client_for_staff
from portico.lib.localtime import practice_today
from portico.practices.http import SignedInRequest
from portico.practices.roles import Can


def _header(
    request: SignedInRequest, client: Client, *, access_on: bool | None = None
) -> dict[str, Any]:
    """What clients/_client_header.html needs (``access_on`` when already read)."""
    emails = client_emails(client)
    return {
        "nav": "clients",
        "client": client,
        "default_email": next((e for e in emails if e.is_default), None),
        "bounced_emails": [e for e in emails if e.bounced_at],
        "age": age_on(client.date_of_birth, practice_today(request.practice)),
        "open_review": open_review_for(client),
        "client_access_on": access_is_on(client) if access_on is None else access_on,
    }


@staff_required()
def people(request: SignedInRequest, public_id: str) -> HttpResponse:
    client = get_client_for_staff(request.user, request.practice, public_id)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    record_read(
        Actor.from_request(request), practice=request.practice, page=ReadPage.PEOPLE, client=client
    )
    contacts = current_contacts(client)
    access = people_access(client, contacts, timezone.now())
    context = _header(request, client, access_on=access.own_access_on) | {
        "contacts": contacts,
        "people": access.rows,
        "is_minor": is_minor(client, practice_today(request.practice)),
    }
    return render(request, "clients/people.html", context)


@staff_required()
@require_http_methods(["GET", "POST"])
def add_contact(request: SignedInRequest, public_id: str) -> HttpResponse:
    client = get_client_for_staff(
        request.user, request.practice, public_id, capability=Can.EDIT_CLIENTS
    )
    minor = is_minor(client, practice_today(request.practice))
    # A minor's first contact is usually the parent who will use the portal for them.
    first_for_minor = minor and not any(c.is_primary for c in current_contacts(client))
    form = ContactForm(
        request.POST or None,
        initial={"is_primary": first_for_minor, "portal_access_enabled": first_for_minor},
    )
    if request.method == "POST" and form.is_valid():
        try:
            contact = access_people.add_contact(
                client, by=Actor.from_request(request), **form.details()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            names = {"name": contact.full_name, "client": client.greeting_name}
            if form.details().get("portal_access_enabled"):
                text = pgettext(
                    "staff",
                    "%(name)s was added to %(client)s's people. "
                    "Send them the portal invitation from the People tab when ready.",
                )
            else:
                text = pgettext("staff", "%(name)s was added to %(client)s's people.")
            messages.success(request, text % names)
            return redirect("clients:people", client.public_id)
    context = _header(request, client) | {"form": form, "is_minor": minor}
    return render(request, "clients/contact_form.html", context)


@staff_required()
@require_http_methods(["GET", "POST"])
def edit_contact(request: SignedInRequest, public_id: str, contact_id: str) -> HttpResponse:
    contact = get_contact_for_staff(request.user, request.practice, public_id, contact_id)
    client = contact.client
    had_access = access_is_on(contact)
    initial = contact_initial(contact) | {"portal_access_enabled": had_access}
    form = ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        old_email = contact.email
        try:
            changed = access_people.update_contact(
                contact, by=Actor.from_request(request), **form.details()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if not changed:
                messages.info(request, pgettext("staff", "Nothing was changed."))
            else:
                if "email" in changed and old_email:
                    text = pgettext(
                        "staff",
                        "%(name)s's details were saved. "
                        "Links sent to %(old_email)s no longer work.",
                    )
                elif had_access and not form.details().get("portal_access_enabled"):
                    text = pgettext(
                        "staff",
                        "%(name)s's details were saved. "
                        "Their portal access is off: links sent to them no longer work.",
                    )
                else:
                    text = pgettext("staff", "%(name)s's details were saved.")
                messages.success(
                    request, text % {"name": contact.full_name, "old_email": old_email}
                )
            return redirect("clients:people", client.public_id)
    context = _header(request, client) | {"form": form, "contact": contact}
    return render(request, "clients/contact_form.html", context)


@staff_required()
def remove_contact(request: SignedInRequest, public_id: str, contact_id: str) -> HttpResponse:
    contact = get_contact_for_staff(request.user, request.practice, public_id, contact_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    access_people.remove_contact(contact, by=Actor.from_request(request))
    messages.success(
        request,
        pgettext(
            "staff",
            "%(name)s was removed from %(client)s's people. Links sent to them no longer work.",
        )
        % {"name": contact.full_name, "client": contact.client.greeting_name},
    )
    return redirect("clients:people", contact.client.public_id)


@staff_required()
def contact_consent(request: SignedInRequest, public_id: str, contact_id: str) -> HttpResponse:
    contact = get_contact_for_staff(request.user, request.practice, public_id, contact_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = ConsentForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, pgettext("staff", "Choose which consent to record. Nothing was changed.")
        )
        return redirect("clients:people", contact.client.public_id)
    kind, given = form.cleaned_data["kind"], form.cleaned_data["given"]
    contact_actions.record_consent(contact, kind=kind, given=given, by=Actor.from_request(request))
    sentences = {
        ("telehealth", True): pgettext("staff", "Telehealth consent for %(name)s was recorded."),
        ("telehealth", False): pgettext("staff", "Telehealth consent for %(name)s was withdrawn."),
        ("treatment", True): pgettext("staff", "Treatment consent for %(name)s was recorded."),
        ("treatment", False): pgettext("staff", "Treatment consent for %(name)s was withdrawn."),
    }
    messages.success(request, sentences[(kind, given)] % {"name": contact.full_name})
    return redirect(f"{_people_url(contact.client)}#contact-{contact.public_id}")


def _people_url(client: Client) -> str:
    return reverse("clients:people", args=[client.public_id])


# --- coming of age ------------------------------------------------------------------------


@staff_required(Can.VIEW_CLIENTS)
def review_list(request: SignedInRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    return render(
        request,
        "clients/reviews.html",
        {"nav": "clients", "reviews": open_reviews(request.practice)},
    )


@staff_required()
@require_http_methods(["GET", "POST"])
def coming_of_age_review(request: SignedInRequest, public_id: str) -> HttpResponse:
    review = get_review_for_staff(request.user, request.practice, public_id)
    client = review.client
    contacts = contacts_with_access_on(client)
    form = ComingOfAgeReviewForm(
        request.POST if request.method == "POST" else None,
        contacts=contacts,
        client_name=client.greeting_name,
    )
    if request.method == "POST" and review.is_open and form.is_valid():
        keep, end = form.decisions()
        try:
            outcome = access_people.resolve_coming_of_age_review(
                review,
                by=Actor.from_request(request),
                keep_access_for=keep,
                end_access_for=end,
                invite_client=form.cleaned_data["invite_client"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if outcome.get("invitation"):
                text = pgettext(
                    "staff", "The review of %(name)s is done. The invitation was %(invitation)s."
                ) % {"name": client.full_name, "invitation": outcome["invitation"]}
            else:
                text = pgettext("staff", "The review of %(name)s is done.") % {
                    "name": client.full_name
                }
            messages.success(request, text)
            return redirect("clients:people", client.public_id)
    context = _header(request, client) | {"review": review, "form": form}
    return render(request, "clients/review.html", context)
