"""One appointment as an iCalendar file (RFC 5545), written by hand: it is 40 lines.

- lines end with CRLF and are folded at 75 octets (never inside a UTF-8 character);
- TEXT values escape backslash, semicolon, comma and newlines;
- UID is the appointment's public id at Portico's domain, so every version of the
  file updates the same calendar entry; SEQUENCE grows with each change;
- a cancelled appointment is sent with METHOD:CANCEL and STATUS:CANCELLED;
- times are in UTC ("Z" form): no VTIMEZONE block to get wrong;
- nothing about the visit itself: the summary is "Appointment with <practice>".
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils.translation import gettext

from portico.appointments.models import Appointment, AppointmentKind
from portico.mail.outbox import message_id_domain

CRLF = "\r\n"
MAX_OCTETS = 75


def escape_text(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Split a content line into pieces of at most 75 octets, joined by CRLF + space."""
    pieces: list[str] = []
    current = ""
    current_size = 0
    limit = MAX_OCTETS
    for char in line:
        size = len(char.encode("utf-8"))
        if current_size + size > limit:
            pieces.append(current)
            current, current_size = "", 0
            limit = MAX_OCTETS - 1  # continuation lines start with one space
        current += char
        current_size += size
    pieces.append(current)
    return (CRLF + " ").join(pieces)


def utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def uid(appointment: Appointment) -> str:
    return f"{appointment.public_id}@{message_id_domain()}"


def calendar_file(appointment: Appointment) -> str:
    practice = appointment.practice
    cancelled = not appointment.is_booked
    where = appointment.location or (
        gettext("Video") if appointment.kind == AppointmentKind.VIDEO else practice.name
    )
    kind_words = (
        gettext("Video appointment. Details are in your portal.")
        if appointment.is_video
        else gettext("In-person appointment. Details are in your portal.")
    )
    summary = gettext("Appointment with %(practice)s") % {"practice": practice.name}
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Portico//Appointments//EN",
        "CALSCALE:GREGORIAN",
        f"METHOD:{'CANCEL' if cancelled else 'PUBLISH'}",
        "BEGIN:VEVENT",
        f"UID:{uid(appointment)}",
        f"DTSTAMP:{utc_stamp(appointment.updated_at)}",
        f"DTSTART:{utc_stamp(appointment.starts_at)}",
        f"DTEND:{utc_stamp(appointment.ends_at)}",
        f"SEQUENCE:{appointment.sequence}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        f"SUMMARY:{escape_text(summary)}",
        f"LOCATION:{escape_text(where)}",
        f"DESCRIPTION:{escape_text(kind_words)}",
    ]
    if practice.email:
        lines.append(f"ORGANIZER;CN={_param(practice.name)}:mailto:{practice.email}")
    lines += ["TRANSP:OPAQUE", "END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + CRLF for line in lines)


def _param(value: str) -> str:
    """A parameter value: quoted, without the characters a quoted value cannot hold."""
    cleaned = "".join(c for c in value if c not in '"\r\n')
    return f'"{cleaned}"'


def file_name(appointment: Appointment) -> str:
    return f"appointment-{appointment.public_id}.ics"
