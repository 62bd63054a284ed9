"""The telehealth gate: may this person join this video appointment now, and if not, why.

One function, ``join_state(appointment, access, now)``, decides for the portal
(the Join button or the reason, in words for a client), for the join itself
(re-checked on every click) and for staff (the same reason, for staff, with the
one action that fixes it). Nothing else decides.

Join is open from 15 minutes before the start until the end, on the minute:
a 3:00–3:50 PM appointment can be joined from 2:45:00 PM through 3:50:59 PM.

Consent: telehealth consent must be recorded for the person joining (the client
themself: ``Client.telehealth_consent_at``; a contact acting for them:
``Contact.telehealth_consent_at``) when the client is a minor, or when the
practice requires it for adults too (``AppointmentSettings.telehealth_consent_for_adults``).

Email notifications are deliberately not part of the gate (Therabyte requires
them for adults because its join link travels by email; Portico's Join is in the
portal, so a client who turned emails off loses nothing by it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils import dateformat
from django.utils.translation import gettext, pgettext

from portico.appointments.models import Appointment, AppointmentSettings, AppointmentStatus
from portico.appointments.rooms import room_for, rooms_of
from portico.appointments.rules import settings_of
from portico.clients.minors import is_minor_by_birth
from portico.lib.localtime import clock, local, practice_today
from portico.portal.features import feature_on
from portico.practices.models import PortalFeature
from portico.practices.roles import Can

if TYPE_CHECKING:
    from portico.access.models import PortalAccess
    from portico.practices.models import Practice

JOIN_OPENS_BEFORE = timedelta(minutes=15)


class Blocked(StrEnum):
    FEATURE_OFF = "feature_off"
    NOT_VIDEO = "not_video"
    NOT_BOOKED = "not_booked"
    OVER = "over"
    NO_ONE = "no_one"  # staff only: nobody has portal access for the client
    ACCESS_OFF = "access_off"
    NO_ACCOUNT = "no_account"  # staff only: invited, not registered yet
    CONSENT = "consent"
    NO_ROOM = "no_room"
    TOO_EARLY = "too_early"


# Reasons that depend on the clock only: the person themself could join at the right time.
TIME_ONLY = {Blocked.TOO_EARLY, Blocked.OVER}


@dataclass(frozen=True)
class Fix:
    """The one staff action that removes the reason: a button (POST) or a link (GET)."""

    label: str
    url: str
    capability: str  # a portico.practices.roles.Can value: shown only to staff who have it
    method: str = "post"
    fields: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class JoinState:
    can_join: bool
    blocked: Blocked | None = None
    room_url: str = ""
    reason: str = ""  # for the client (or the contact acting for them)
    staff_reason: str = ""
    fix: Fix | None = None
    opens_at: datetime | None = None

    @property
    def gate_open(self) -> bool:
        """Everything but the clock is in order."""
        return self.can_join or self.blocked in TIME_ONLY

    @property
    def shown(self) -> bool:
        """Worth a line next to the appointment (not for in-person ones)."""
        return self.blocked != Blocked.NOT_VIDEO


@dataclass(frozen=True)
class TelehealthFacts:
    """What every appointment of one page shares, read once (2 queries)."""

    practice: Practice
    feature_on: bool
    rules: AppointmentSettings
    today: date
    rooms: dict[int, str] = field(default_factory=dict)


def facts_for(practice: Practice, appointments: Iterable[Appointment]) -> TelehealthFacts:
    clinicians = {a.clinician_id for a in appointments if a.is_video}
    return TelehealthFacts(
        practice=practice,
        feature_on=feature_on(practice, PortalFeature.TELEHEALTH),
        rules=settings_of(practice),
        today=practice_today(practice),
        rooms=rooms_of(practice, clinicians),
    )


def _url(name: str, *args: object) -> str:
    return reverse(name, urlconf=settings.PRACTICE_URLCONF, args=list(args))


def call_the_practice(practice: Practice) -> str:
    if practice.phone:
        return gettext("Call %(practice)s at %(phone)s.") % {
            "practice": practice.name,
            "phone": practice.phone,
        }
    if practice.email:
        return gettext("Email %(practice)s at %(email)s.") % {
            "practice": practice.name,
            "email": practice.email,
        }
    return gettext("Please contact %(practice)s.") % {"practice": practice.name}


def _opens_text(practice: Practice, opens_at: datetime, now: datetime) -> str:
    minutes = int(JOIN_OPENS_BEFORE.total_seconds() // 60)
    day = local(practice, opens_at)
    when = clock(practice, opens_at)
    if day.date() != local(practice, now).date():
        # "Sunday, November 22" / "domingo 22 de noviembre"
        on_day = dateformat.format(day, gettext("l, F j"))
        when = gettext("%(time)s on %(day)s") % {"time": when, "day": on_day}
    return gettext("You can join from %(when)s (%(minutes)s minutes before).") % {
        "when": when,
        "minutes": minutes,
    }


def _then(reason: str, call: str) -> str:
    """A reason, then how to reach the practice: two sentences."""
    return f"{reason} {call}"


def _person(access: PortalAccess) -> str:
    return access.contact.full_name if access.contact is not None else access.client.full_name


def _consent_needed(appointment: Appointment, facts: TelehealthFacts) -> bool:
    return facts.rules.telehealth_consent_for_adults or _minor(appointment, facts)


def _minor(appointment: Appointment, facts: TelehealthFacts) -> bool:
    birth = appointment.client.date_of_birth
    return is_minor_by_birth(facts.practice, birth, facts.today)


def _has_consent(access: PortalAccess) -> bool:
    person = access.contact if access.contact is not None else access.client
    return person.telehealth_consent_at is not None


def _access_fix(access: PortalAccess) -> Fix:
    client = access.client
    if access.contact is None:
        return Fix(
            pgettext("staff", "Enable portal access"),
            _url("access:enable", client.public_id),
            Can.TOGGLE_PORTAL_ACCESS,
        )
    return Fix(
        pgettext("staff", "Give %(name)s portal access (People tab)")
        % {"name": access.contact.full_name},
        _url("clients:people", client.public_id) + f"#contact-{access.contact.public_id}",
        Can.TOGGLE_PORTAL_ACCESS,
        method="get",
    )


def _consent_fix(access: PortalAccess) -> Fix:
    client = access.client
    if access.contact is None:
        return Fix(
            pgettext("staff", "Record telehealth consent for %(name)s")
            % {"name": client.full_name},
            _url("staff_appointments:client_consent", client.public_id),
            Can.EDIT_CLIENTS,
            fields=(("given", "yes"),),
        )
    return Fix(
        pgettext("staff", "Record telehealth consent for %(name)s")
        % {"name": access.contact.full_name},
        _url("clients:contact_consent", client.public_id, access.contact.public_id),
        Can.EDIT_CLIENTS,
        fields=(("kind", "telehealth"), ("given", "yes")),
    )


def _before_anyone(appointment: Appointment, facts: TelehealthFacts, now: datetime) -> JoinState:
    """The reasons that hold whoever is joining, or an open state meaning "ask about the person"."""
    call = call_the_practice(facts.practice)
    if not appointment.is_video:
        return JoinState(False, Blocked.NOT_VIDEO)
    if not facts.feature_on:
        return JoinState(
            False,
            Blocked.FEATURE_OFF,
            reason=_then(gettext("Video sessions are not available in the portal."), call),
            staff_reason=pgettext(
                "staff", "Telehealth is off for the portal: nobody can join from it."
            ),
            fix=Fix(
                pgettext("staff", "Turn on telehealth"),
                _url("practices:settings"),
                Can.MANAGE_SETTINGS,
                "get",
            ),
        )
    if appointment.status != AppointmentStatus.BOOKED:
        cancelled = appointment.status == AppointmentStatus.CANCELLED
        return JoinState(
            False,
            Blocked.NOT_BOOKED,
            reason=(
                gettext("This appointment is cancelled.")
                if cancelled
                else gettext("You can join once %(practice)s confirms this appointment.")
                % {"practice": facts.practice.name}
            ),
            staff_reason=(
                pgettext("staff", "Cancelled.")
                if cancelled
                else pgettext("staff", "Not confirmed yet.")
            ),
        )
    if _minute(now) > _minute(appointment.ends_at):
        return JoinState(
            False,
            Blocked.OVER,
            reason=gettext("This appointment is over."),
            staff_reason=pgettext("staff", "Over."),
        )
    return JoinState(True)


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def join_state(
    appointment: Appointment,
    access: PortalAccess,
    now: datetime,
    *,
    facts: TelehealthFacts | None = None,
) -> JoinState:
    """May the person of ``access`` join ``appointment`` at ``now``? The only place that decides."""
    facts = facts or facts_for(appointment.practice, [appointment])
    first = _before_anyone(appointment, facts, now)
    if not first.can_join:
        return first
    call = call_the_practice(facts.practice)
    who = _person(access)
    if access.client_id != appointment.client_id:
        return JoinState(
            False,
            Blocked.ACCESS_OFF,
            reason=_then(gettext("This is not your appointment."), call),
        )
    contact = access.contact
    if (
        not access.enabled
        or access.ended_at is not None
        or (contact is not None and contact.removed_at is not None)
    ):
        return JoinState(
            False,
            Blocked.ACCESS_OFF,
            reason=_then(gettext("Your portal access is turned off."), call),
            staff_reason=pgettext("staff", "%(name)s's portal access is off: they cannot join.")
            % {"name": who},
            fix=_access_fix(access) if access.ended_at is None else None,
        )
    if access.user_id is None:
        return JoinState(
            False,
            Blocked.NO_ACCOUNT,
            reason=_then(gettext("Set up your portal account first."), call),
            staff_reason=pgettext("staff", "%(name)s has not set up a portal account yet.")
            % {"name": who},
            fix=Fix(
                pgettext("staff", "Send the invitation"),
                _url(
                    "clients:detail" if contact is None else "clients:people",
                    access.client.public_id,
                ),
                Can.SEND_INVITES,
                method="get",
            ),
        )
    if _consent_needed(appointment, facts) and not _has_consent(access):
        return JoinState(
            False,
            Blocked.CONSENT,
            reason=_then(
                gettext("Your practice needs your consent for video sessions before you can join."),
                call,
            ),
            staff_reason=pgettext(
                "staff", "No telehealth consent recorded for %(name)s: they cannot join."
            )
            % {"name": who},
            fix=_consent_fix(access),
        )
    room = room_for(appointment, rooms=facts.rooms, practice_room=facts.rules.video_room_url)
    if not room:
        clinician = appointment.clinician.full_name or appointment.clinician.username
        return JoinState(
            False,
            Blocked.NO_ROOM,
            reason=_then(gettext("The video room for this appointment is not ready yet."), call),
            staff_reason=pgettext(
                "staff",
                "No video room address for %(clinician)s or the practice "
                "(a clinician can set their own under My video room).",
            )
            % {"clinician": clinician},
            fix=Fix(
                pgettext("staff", "Set the video room"),
                _url("staff_appointments:telehealth"),
                Can.MANAGE_SETTINGS,
                method="get",
            ),
        )
    opens_at = appointment.starts_at - JOIN_OPENS_BEFORE
    if _minute(now) < _minute(opens_at):
        return JoinState(
            False,
            Blocked.TOO_EARLY,
            room_url=room,
            reason=_opens_text(facts.practice, opens_at, now),
            staff_reason=pgettext("staff", "%(name)s can join from %(time)s.")
            % {"name": who, "time": clock(facts.practice, opens_at)},
            opens_at=opens_at,
        )
    return JoinState(
        True,
        room_url=room,
        staff_reason=pgettext("staff", "%(name)s can join now.") % {"name": who},
        opens_at=opens_at,
    )


def staff_join_state(
    appointment: Appointment,
    accesses: list[PortalAccess],
    now: datetime,
    *,
    facts: TelehealthFacts,
) -> JoinState:
    """What staff see next to a video appointment: the first person who can join (or will, at
    the right time), else the reason of the first person who would (own access first for an
    adult, primary contacts first) with the action that fixes it."""
    first = _before_anyone(appointment, facts, now)
    if not first.can_join:
        return first
    mine = [a for a in accesses if a.client_id == appointment.client_id and a.ended_at is None]
    if not mine:
        client = appointment.client
        return JoinState(
            False,
            Blocked.NO_ONE,
            staff_reason=pgettext(
                "staff", "Nobody has portal access for %(name)s: nobody can join."
            )
            % {"name": client.full_name},
            fix=Fix(
                pgettext("staff", "Give portal access"),
                _url("clients:detail", client.public_id),
                Can.SEND_INVITES,
                method="get",
            ),
        )
    minor = _minor(appointment, facts)

    def order(access: PortalAccess) -> tuple[int, int, int]:
        own = access.contact is None
        primary = access.contact is not None and access.contact.is_primary
        return (int(own == minor), int(not primary), access.pk)

    states = [join_state(appointment, a, now, facts=facts) for a in sorted(mine, key=order)]
    for state in states:
        if state.gate_open:
            return state
    return states[0]
