"""The clinician who sees a client (``Client.clinician``): set on the Personal information
page, shown and filtered on Access problems."""

from __future__ import annotations

from typing import cast

from django import forms
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import pgettext_lazy

from portico.audit.actor import Actor
from portico.audit.record import record
from portico.audit.vocabulary import Action
from portico.clients.models import Client
from portico.practices.models import Practice, Role, StaffMembership


def clinicians_of(practice: Practice) -> QuerySet[StaffMembership]:
    """The practice's staff members whose role is clinician, by name."""
    return (
        StaffMembership.objects.filter(practice=practice, role=Role.CLINICIAN)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "pk")
    )


def clinician_name(membership: StaffMembership) -> str:
    return membership.user.full_name or membership.user.username


class ClinicianField(forms.ModelChoiceField[StaffMembership]):
    def label_from_instance(self, obj: StaffMembership) -> str:
        return clinician_name(obj)


class ClinicianForm(forms.Form):
    clinician = ClinicianField(
        label=pgettext_lazy("staff", "Clinician"),
        queryset=StaffMembership.objects.none(),
        required=False,
        empty_label=pgettext_lazy("staff", "None named"),
        help_text=pgettext_lazy(
            "staff", "Who sees this client. Access problems can be filtered by clinician."
        ),
        error_messages={
            "invalid_choice": pgettext_lazy("staff", "Choose a clinician from the list.")
        },
    )

    def __init__(self, *args: object, practice: Practice, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        cast(ClinicianField, self.fields["clinician"]).queryset = clinicians_of(practice)


@transaction.atomic
def set_clinician(client: Client, *, clinician: StaffMembership | None, by: Actor) -> bool:
    """Name (or clear) the client's clinician; False when nothing changed."""
    if clinician is not None and (
        clinician.practice_id != client.practice_id or clinician.role != Role.CLINICIAN
    ):
        raise ValueError("Not a clinician of the client's practice.")
    new = clinician.pk if clinician is not None else None
    if client.clinician_id == new:
        return False
    client.clinician = clinician
    client.save(update_fields=["clinician", "updated_at"])
    record(
        Action.CLIENT_DETAILS_CHANGED,
        practice=client.practice,
        actor=by,
        client=client,
        details={"fields": ["clinician"]},
    )
    return True
