"""Portal pages: the client (or a contact acting for them) reviews and updates details.

Every view acts for ``request.acting.grant.client`` (re-checked on each request by
``acting_for_required``); the feature gate (404 while off) is added by
``portico.portal.features.feature_urls``. Card photos are served only from here and
only for the acted-for client.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from portico.audit.actor import Actor
from portico.files.serving import file_response
from portico.portal.decorators import acting_for_required
from portico.practices.http import SignedInRequest
from portico.profiles import actions
from portico.profiles.fields import CARD_SIDES, CLIENT_FIELDS, split_insurance_field
from portico.profiles.forms import InsuranceForm, ProfileForm
from portico.profiles.models import HolderRelationship, PolicyRank
from portico.profiles.queries import (
    client_values,
    get_card_file,
    has_primary,
    pending_by_field,
    policies_of,
    policy_values,
)


def _acting(http_request: HttpRequest) -> tuple[SignedInRequest, Any]:
    request = cast(SignedInRequest, http_request)
    return request, request.acting.grant  # type: ignore[attr-defined]


def _saved_message(request: SignedInRequest, outcome: actions.Outcome, *, confirmed: bool) -> None:
    practice = request.practice
    if outcome.pending:
        messages.success(
            request,
            gettext(
                "Thank you. %(practice)s will review your changes; until then, the details "
                "on file stay as they were."
            )
            % {"practice": practice.name},
        )
    elif outcome.applied:
        messages.success(request, gettext("Your changes are saved."))
    if confirmed:
        messages.success(request, gettext("Thank you for confirming your details."))
    elif not outcome.changed:
        messages.info(request, gettext("Nothing was changed."))


@require_http_methods(["GET", "POST"])
@acting_for_required
def profile(http_request: HttpRequest) -> HttpResponse:
    request, grant = _acting(http_request)
    client = grant.client
    reviewed = request.practice.profile_changes_reviewed
    # Review off: what is on file is what the client edits (older requests stay with staff).
    pending = pending_by_field(client) if reviewed else {}
    waiting = {name: change for name, change in pending.items() if name in CLIENT_FIELDS}
    initial = client_values(client) | {name: c.new_value for name, c in waiting.items()}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        confirm = request.POST.get("action") == "confirm"
        outcome = actions.update_profile(
            client,
            by=Actor.from_request(request),
            access=grant,
            values={name: form.cleaned_data[name] for name in CLIENT_FIELDS},
            confirm=confirm,
        )
        _saved_message(request, outcome, confirmed=confirm)
        return redirect("portal_profile:profile")
    context = {
        "form": form,
        "client": client,
        "own": grant.is_own,
        "waiting": set(waiting),
        "reviewed": reviewed,
    }
    return render(request, "profiles/portal_profile.html", context)


def _section(client: Any, rank: PolicyRank, policy: Any, waiting: dict[str, Any], form: Any) -> Any:
    mine = {
        split[1]: change
        for name, change in waiting.items()
        if (split := split_insurance_field(name)) is not None and split[0] == rank
    }
    return {
        "rank": rank.value,
        "label": rank.label,
        "policy": policy,
        "form": form,
        "waiting": set(mine),
        "waiting_cards": [(side, mine[side].new_file) for side in CARD_SIDES if side in mine],
        "cards": [
            (side, getattr(policy, side)) for side in CARD_SIDES if policy and getattr(policy, side)
        ],
    }


@require_http_methods(["GET", "POST"])
@acting_for_required
def insurance(http_request: HttpRequest) -> HttpResponse:
    request, grant = _acting(http_request)
    client = grant.client
    posted_rank = request.POST.get("rank") if request.method == "POST" else None
    if posted_rank not in PolicyRank.values:
        posted_rank = None
    policies = policies_of(client)
    waiting = pending_by_field(client) if request.practice.profile_changes_reviewed else {}
    sections = []
    for rank in PolicyRank:
        policy = policies.get(rank)
        initial = policy_values(policy)
        if not initial["holder_relationship"]:
            initial["holder_relationship"] = HolderRelationship.SELF
        initial |= {
            split[1]: change.new_value
            for name, change in waiting.items()
            if (split := split_insurance_field(name))
            and split[0] == rank
            and split[1] not in CARD_SIDES
        }
        bound = rank == posted_rank
        form = InsuranceForm(
            request.POST if bound else None,
            request.FILES if bound else None,
            initial=initial,
            rank=rank,
        )
        if bound and form.is_valid():
            try:
                outcome = actions.save_insurance(
                    client,
                    by=Actor.from_request(request),
                    access=grant,
                    rank=rank,
                    values=form.values(),
                    cards={side: form.cleaned_data[side] for side in CARD_SIDES},
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                _saved_message(request, outcome, confirmed=False)
                return redirect("portal_insurance:insurance")
        sections.append(_section(client, rank, policy, waiting, form))
    context = {
        "client": client,
        "own": grant.is_own,
        "primary": sections[0],
        "secondary": sections[1],
        "secondary_allowed": has_primary(client),
        "reviewed": request.practice.profile_changes_reviewed,
    }
    return render(request, "profiles/portal_insurance.html", context)


def _card(http_request: HttpRequest, file_id: str) -> FileResponse:
    """A card photo of the client acted for (on file, or waiting for review)."""
    request, grant = _acting(http_request)
    stored = get_card_file(grant.client, file_id)
    return file_response(stored, download=request.GET.get("download") == "1")


# acting_for_required is typed for HttpResponse views; a FileResponse streams.
card = require_GET(acting_for_required(cast(Callable[..., HttpResponse], _card)))
