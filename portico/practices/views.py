"""Practice settings and the staff page (owners and administrators)."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST

from portico.access.links import is_live
from portico.accounts.decorators import staff_required
from portico.audit.actor import Actor
from portico.lib.localtime import day_and_time
from portico.practices.actions import (
    StaffRuleError,
    change_staff_role,
    deactivate_staff_member,
    invite_staff_member,
    reactivate_staff_member,
    resend_staff_invite,
    update_practice_settings,
)
from portico.practices.forms import ChangeRoleForm, InviteStaffForm, PracticeSettingsForm
from portico.practices.http import SignedInRequest
from portico.practices.models import Role
from portico.practices.queries import (
    get_staff_member_for_staff,
    pending_staff_invites,
    staff_of,
)
from portico.practices.roles import ROLE_SUMMARIES, Can
from portico.twofactor.methods import LABELS as METHOD_LABELS
from portico.twofactor.methods import methods_by_user
from portico.twofactor.reauth import recent_authentication_required


@staff_required(Can.MANAGE_SETTINGS)
@recent_authentication_required(methods=["POST"])
@require_http_methods(["GET", "POST"])
def practice_settings(http_request: HttpRequest) -> HttpResponse:
    request = cast(SignedInRequest, http_request)
    form = PracticeSettingsForm.for_practice(request.practice, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            changed = update_practice_settings(
                request.practice, by=Actor.from_request(request), changes=form.cleaned_data
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            if changed:
                messages.success(request, pgettext("staff", "Practice settings saved."))
            else:
                messages.info(request, pgettext("staff", "Nothing changed."))
            return redirect("practices:settings")
    return render(
        request,
        "practices/settings.html",
        {"form": form, "nav": "settings"},
        status=400 if form.errors else 200,
    )


def _staff_page(
    request: SignedInRequest, invite_form: InviteStaffForm, status: int = 200
) -> HttpResponse:
    invites = pending_staff_invites(request.practice)
    now = timezone.now()
    rows = []
    members = list(staff_of(request.practice))
    two_factor = methods_by_user(members)  # portico.twofactor: what each has set up
    for member in members:
        link = invites.get(member.pk)
        invite_state = ""
        if not member.has_usable_password() and link is not None:
            invite_state = (
                pgettext("staff", "Link works until %(when)s")
                % {"when": day_and_time(request.practice, link.expires_at)}
                if is_live(link, now)
                else pgettext("staff", "The invitation link no longer works: resend it")
            )
        rows.append(
            {
                "member": member,
                "role_form": ChangeRoleForm(
                    initial={"role": member.membership.role}, prefix=f"m{member.pk}"
                ),
                "invite_state": invite_state,
                "never_signed_in": not member.has_usable_password(),
                "is_self": member.pk == request.user.pk,
                "two_factor": [METHOD_LABELS[method] for method in two_factor[member.pk]],
            }
        )
    return render(
        request,
        "practices/staff.html",
        {
            "rows": rows,
            "invite_form": invite_form,
            "role_summaries": [(label, ROLE_SUMMARIES[value]) for value, label in Role.choices],
            "resets_two_factor": request.user.membership.role == Role.OWNER,
            "nav": "staff",
        },
        status=status,
    )


@staff_required(Can.MANAGE_STAFF)
@require_http_methods(["GET"])
def staff_list(http_request: HttpRequest) -> HttpResponse:
    request = cast(SignedInRequest, http_request)
    return _staff_page(request, InviteStaffForm(practice=request.practice))


@staff_required(Can.MANAGE_STAFF)
@require_POST
def invite_staff(http_request: HttpRequest) -> HttpResponse:
    request = cast(SignedInRequest, http_request)
    form = InviteStaffForm(request.POST, practice=request.practice)
    if form.is_valid():
        try:
            user = invite_staff_member(
                request.practice,
                email=form.cleaned_data["email"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                role=form.cleaned_data["role"],
                by=Actor.from_request(request),
            )
        except StaffRuleError as error:
            form.add_error("role", str(error))
        else:
            messages.success(
                request,
                pgettext(
                    "staff",
                    "Invitation sent to %(address)s. The link works for 1 hour; "
                    "if it runs out, use “Resend invitation”.",
                )
                % {"address": user.email},
            )
            return redirect("practices:staff")
    return _staff_page(request, form, status=400)


def _member_action(request: SignedInRequest, user_id: int, action: str) -> HttpResponse:
    member = get_staff_member_for_staff(request.user, request.practice, user_id)
    by = Actor.from_request(request)
    name = member.full_name or member.email
    try:
        if action == "role":
            form = ChangeRoleForm(request.POST, prefix=f"m{member.pk}")
            if not form.is_valid():
                messages.error(request, pgettext("staff", "Choose one of the listed roles."))
                return redirect("practices:staff")
            if change_staff_role(member, role=form.cleaned_data["role"], by=by):
                messages.success(
                    request,
                    pgettext("staff", "%(name)s is now %(role)s.")
                    % {"name": name, "role": str(Role(form.cleaned_data["role"]).label).lower()},
                )
        elif action == "deactivate":
            deactivate_staff_member(member, by=by)
            messages.success(
                request,
                pgettext("staff", "%(name)s can no longer sign in. Their sessions have ended.")
                % {"name": name},
            )
        elif action == "reactivate":
            reactivate_staff_member(member, by=by)
            messages.success(
                request, pgettext("staff", "%(name)s can sign in again.") % {"name": name}
            )
        else:
            resend_staff_invite(member, by=by)
            messages.success(
                request,
                pgettext(
                    "staff",
                    "A new invitation was sent to %(address)s. The earlier link no longer works.",
                )
                % {"address": member.email},
            )
    except StaffRuleError as error:
        messages.error(request, str(error))
    return redirect("practices:staff")


@staff_required(Can.MANAGE_STAFF)
@recent_authentication_required()
@require_POST
def change_role(http_request: HttpRequest, user_id: int) -> HttpResponse:
    return _member_action(cast(SignedInRequest, http_request), user_id, "role")


@staff_required(Can.MANAGE_STAFF)
@recent_authentication_required()
@require_POST
def deactivate_staff(http_request: HttpRequest, user_id: int) -> HttpResponse:
    return _member_action(cast(SignedInRequest, http_request), user_id, "deactivate")


@staff_required(Can.MANAGE_STAFF)
@require_POST
def reactivate_staff(http_request: HttpRequest, user_id: int) -> HttpResponse:
    return _member_action(cast(SignedInRequest, http_request), user_id, "reactivate")


@staff_required(Can.MANAGE_STAFF)
@require_POST
def resend_invite(http_request: HttpRequest, user_id: int) -> HttpResponse:
    return _member_action(cast(SignedInRequest, http_request), user_id, "resend")
