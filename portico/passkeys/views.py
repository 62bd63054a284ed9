"""A person's own passkeys: list, add, remove. The same views for staff and portal users.

Staff reach them under /staff/account/passkeys/ (``passkeys:staff_manage``), portal
users under /account/passkeys/ (``passkeys:portal_manage``); only the decorator and
the page around the list differ. Adding needs JavaScript (the browser's WebAuthn
API, in static/passkeys/passkeys.js); listing and removing do not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portico.accounts.decorators import staff_required
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.passkeys import ceremony
from portico.passkeys.actions import add_passkey, remove_passkey
from portico.passkeys.forms import AddPasskeyForm, RemovePasskeyForm
from portico.passkeys.queries import get_passkey_for_user, passkeys_of
from portico.portal.decorators import portal_user_required
from portico.twofactor.reauth import PORTAL_CONFIRM, recent_authentication_required


@dataclass(frozen=True)
class Side:
    namespace: str
    base_template: str


STAFF = Side(namespace="passkeys:staff_", base_template="staff/base.html")
PORTAL = Side(namespace="passkeys:portal_", base_template="portal/base.html")


def _side(user: User) -> Side:
    return PORTAL if user.is_portal_user else STAFF


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _safe_next(request: HttpRequest, candidate: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def manage_context(
    request: HttpRequest, *, next_url: str = "", form: AddPasskeyForm | None = None
) -> dict[str, Any]:
    """What passkeys/_manage.html needs, for the signed-in person of ``request``.

    Hands out a new registration challenge (single use, five minutes).
    """
    user = _user(request)
    return {
        "passkeys": passkeys_of(user),
        "passkey_create_options": ceremony.registration_options(request, user),
        "passkey_form": form or AddPasskeyForm(initial={"next": next_url}),
        "passkey_ns": _side(user).namespace,
        "passkey_next": next_url,
    }


def _manage_page(
    request: HttpRequest, *, form: AddPasskeyForm | None = None, status: int = 200
) -> HttpResponse:
    side = _side(_user(request))
    candidate = form["next"].value() if form is not None else request.GET.get("next")
    next_url = _safe_next(request, str(candidate or ""))
    context = manage_context(request, next_url=next_url, form=form)
    context.update(base_template=side.base_template, nav="account")
    return render(request, "passkeys/manage.html", context, status=status)


def _manage(request: HttpRequest) -> HttpResponse:
    return _manage_page(request)


def _add(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = AddPasskeyForm(request.POST)
    if form.is_valid():
        credential = ceremony.verify_registration(
            request, user, form.cleaned_data["passkey_credential"]
        )
        if credential is None:
            form.add_error(None, _("That passkey could not be added. Please try again."))
        else:
            name = form.cleaned_data["name"]
            passkey = add_passkey(
                user, credential=credential, name=name, by=Actor.from_request(request)
            )
            if passkey is None:
                form.add_error(None, _("That passkey is already on your account."))
            else:
                messages.success(request, _("Passkey “%(name)s” added.") % {"name": name})
                next_url = _safe_next(request, form.cleaned_data["next"])
                return redirect(next_url or reverse(f"{_side(user).namespace}manage"))
    return _manage_page(request, form=form, status=400)


def _remove(request: HttpRequest) -> HttpResponse:
    """POST only: the confirmation is the disclosure in the list (passkeys/_manage.html)."""
    user = _user(request)
    form = RemovePasskeyForm(request.POST)
    if not form.is_valid():
        raise Http404("No such passkey.")  # a malformed id is as unknown as any
    passkey = get_passkey_for_user(user, form.cleaned_data["passkey"])
    remove_passkey(passkey, by=Actor.from_request(request))
    messages.success(request, _("Passkey “%(name)s” removed.") % {"name": passkey.name})
    next_url = _safe_next(request, form.cleaned_data["next"])
    return redirect(next_url or reverse(f"{_side(user).namespace}manage"))


staff_manage = staff_required()(require_GET(_manage))
staff_add = staff_required()(require_POST(_add))
# Taking a factor away is sensitive: people confirm it is them first (as for the app).
staff_remove = staff_required()(recent_authentication_required()(require_POST(_remove)))

portal_manage = portal_user_required(require_GET(_manage))
portal_add = portal_user_required(require_POST(_add))
portal_remove = portal_user_required(
    recent_authentication_required(confirm_page=PORTAL_CONFIRM)(require_POST(_remove))
)
