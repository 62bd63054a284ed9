"""Video rooms: the practice's default and each clinician's own, https addresses only.

Portico does not run video. A room is the address of the service the practice
already uses (Zoom, Doxy.me, Google Meet, a self-hosted Jitsi); the portal's
Join sends the client there. Who may set which room:

- owners and administrators (``Can.MANAGE_SETTINGS``): the practice's default,
  any clinician's, and whether adults need telehealth consent too;
- a clinician (or owner/admin who sees clients): their own ("My video room").

Audit details name the room's host only: a room address may carry a meeting
passcode (``?pwd=…``), which has no place in the access history.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import pgettext, pgettext_lazy

from portico.appointments.models import Appointment, AppointmentSettings, VideoRoom
from portico.appointments.rules import BOOKABLE_ROLES, settings_of
from portico.audit.actor import Actor
from portico.audit.record import record
from portico.audit.vocabulary import Action
from portico.practices.roles import Can, staff_can

if TYPE_CHECKING:
    from portico.accounts.models import User
    from portico.practices.models import Practice

MAX_ROOM_URL = 500
NOT_HTTPS = pgettext_lazy(
    "staff",
    "Use an address that starts with https:// (for example https://zoom.us/j/123456789): "
    "video sessions must go over an encrypted connection.",
)
HAS_CREDENTIALS = pgettext_lazy(
    "staff",
    "Remove the user name or password from the address: everyone who joins would see it. "
    "Use the room's invitation link instead.",
)
NOT_AN_ADDRESS = pgettext_lazy(
    "staff", "Enter the full address of the video room, like https://meet.example.com/room."
)


def check_room_url(url: str) -> str:
    """The address, trimmed, or a ValidationError saying in one sentence what is wrong."""
    url = url.strip()
    if not url:
        return ""
    if len(url) > MAX_ROOM_URL:
        raise ValidationError(
            pgettext("staff", "That address is too long: at most %(most)s characters.")
            % {"most": MAX_ROOM_URL}
        )
    parts = urlsplit(url)
    if parts.scheme.lower() != "https":
        raise ValidationError(NOT_HTTPS)
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise ValidationError(HAS_CREDENTIALS)
    try:
        URLValidator(schemes=["https"])(url)
    except ValidationError:
        raise ValidationError(NOT_AN_ADDRESS) from None
    return url


def host_of(url: str) -> str:
    return urlsplit(url).hostname or "" if url else ""


def may_set_rooms(user: User, practice: Practice) -> bool:
    """Owners and administrators set the practice's room and every clinician's."""
    return staff_can(user, practice, Can.MANAGE_SETTINGS)


def has_own_room(user: User) -> bool:
    """Who can be booked as a clinician can have a room of their own."""
    membership = getattr(user, "membership", None)
    return membership is not None and membership.role in BOOKABLE_ROLES


# --- reads --------------------------------------------------------------------------------


def rooms_of(practice: Practice, clinician_ids: set[int]) -> dict[int, str]:
    """Each clinician's own room address (those with one), in one query."""
    if not clinician_ids:
        return {}
    found = VideoRoom.objects.filter(practice=practice, clinician_id__in=clinician_ids)
    return dict(found.values_list("clinician_id", "url"))


def own_room(clinician: User) -> str:
    room = VideoRoom.objects.filter(clinician=clinician).first()
    return room.url if room else ""


def room_for(appointment: Appointment, *, rooms: dict[int, str], practice_room: str) -> str:
    """The clinician's room, else the practice's; "" when neither is set."""
    return rooms.get(appointment.clinician_id, "") or practice_room


# --- writes -------------------------------------------------------------------------------


def _audit_room(practice: Practice, *, by: Actor, room_of: str, url: str, was: str) -> None:
    details = {"room_of": room_of, "host": host_of(url)}
    if was:
        details["was"] = host_of(was)
    record(Action.VIDEO_ROOM_SET, practice=practice, actor=by, details=details)


@transaction.atomic
def set_practice_room(practice: Practice, *, by: Actor, url: str) -> AppointmentSettings:
    """The practice's default room (used for clinicians without their own)."""
    if by.user is None or not may_set_rooms(by.user, practice):
        raise PermissionDenied("Only owners and administrators set the practice's video room.")
    url = check_room_url(url)
    settings_of(practice)
    rules = AppointmentSettings.objects.select_for_update().get(practice=practice)
    was = rules.video_room_url
    if was == url:
        return rules
    rules.video_room_url = url
    rules.updated_at = timezone.now()
    rules.updated_by = by.user
    rules.save(update_fields=["video_room_url", "updated_at", "updated_by"])
    _audit_room(practice, by=by, room_of="the practice", url=url, was=was)
    return rules


@transaction.atomic
def set_clinician_room(practice: Practice, *, by: Actor, clinician: User, url: str) -> str:
    """A clinician's own room; "" removes it (their appointments use the practice's)."""
    user = by.user
    if user is None or user.kind != "staff" or user.practice_id != practice.pk:
        raise PermissionDenied("Only staff set video rooms.")
    if clinician.pk != user.pk and not may_set_rooms(user, practice):
        raise PermissionDenied("Only owners and administrators set another clinician's room.")
    if clinician.practice_id != practice.pk or not has_own_room(clinician):
        raise PermissionDenied("Choose a clinician of this practice.")
    url = check_room_url(url)
    room = VideoRoom.objects.select_for_update().filter(clinician=clinician).first()
    was = room.url if room else ""
    if was == url:
        return url
    now = timezone.now()
    if not url and room is not None:
        room.delete()
    elif room is None:
        VideoRoom.objects.create(
            practice=practice, clinician=clinician, url=url, updated_at=now, updated_by=user
        )
    else:
        room.url, room.updated_at, room.updated_by = url, now, user
        room.save(update_fields=["url", "updated_at", "updated_by"])
    _audit_room(
        practice, by=by, room_of=clinician.full_name or clinician.username, url=url, was=was
    )
    return url


@transaction.atomic
def set_adult_consent_rule(practice: Practice, *, by: Actor, required: bool) -> bool:
    """Whether adult clients, too, need telehealth consent recorded; False if unchanged."""
    if by.user is None or not may_set_rooms(by.user, practice):
        raise PermissionDenied("Only owners and administrators change telehealth settings.")
    settings_of(practice)
    rules = AppointmentSettings.objects.select_for_update().get(practice=practice)
    if rules.telehealth_consent_for_adults == required:
        return False
    rules.telehealth_consent_for_adults = required
    rules.updated_at = timezone.now()
    rules.updated_by = by.user
    rules.save(update_fields=["telehealth_consent_for_adults", "updated_at", "updated_by"])
    record(
        Action.TELEHEALTH_RULE_CHANGED,
        practice=practice,
        actor=by,
        details={"adults": "yes" if required else "no"},
    )
    return True
