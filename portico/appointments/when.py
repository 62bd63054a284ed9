"""Appointment times as staff type them (a date and a clock time where the practice is).

A local time can fail to name one moment twice a year where clocks change:

- in the spring gap (2:30 AM on the day clocks go forward in New York) it names
  no moment at all: refused, saying the clocks skip that hour;
- in the autumn fold (1:30 AM on the day clocks go back) it names two moments,
  one hour apart. Portico never guesses: the form asks which one ("the first
  1:30 AM, EDT, before the clocks go back" or "the second, EST, after") and
  refuses the time until staff choose.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils import dateformat, timezone
from django.utils.translation import pgettext

from portico.lib.localtime import clock, local, practice_zone

if TYPE_CHECKING:
    from portico.practices.models import Practice


class Occurrence(StrEnum):
    FIRST = "first"
    SECOND = "second"


class LocalTimeProblem(ValueError):
    """A local time that names no moment, or two: the message says which, in words."""

    def __init__(self, message: str, *, ambiguous: bool = False) -> None:
        super().__init__(message)
        self.ambiguous = ambiguous


@dataclass(frozen=True)
class Fold:
    """The two readings of a time that happens twice."""

    first: datetime
    second: datetime


def _clock_of(moment: time) -> str:
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def _day(day: date) -> str:
    return f"{day:%a}, {day:%b} {day.day}"


def fold_of(practice: Practice, day: date, at: time) -> Fold | None:
    """Both moments a local time names when the clocks go back over it, else None."""
    zone = practice_zone(practice)
    naive = datetime.combine(day, at)
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return None
    return Fold(first.astimezone(UTC), second.astimezone(UTC))


def aware_start(
    practice: Practice, day: date, at: time, occurrence: Occurrence | None = None
) -> datetime:
    """The moment (UTC) that ``day`` ``at`` names in the practice's zone, or LocalTimeProblem."""
    zone = practice_zone(practice)
    naive = datetime.combine(day, at.replace(second=0, microsecond=0))
    moment = naive.replace(tzinfo=zone)
    # A time in the spring gap does not come back unchanged from a round trip through UTC.
    if moment.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise LocalTimeProblem(
            pgettext(
                "staff",
                "%(time)s does not exist on %(day)s in %(zone)s: the clocks go forward an hour "
                "that night. Choose a time after the change, for example %(later)s.",
            )
            % {
                "time": _clock_of(at),
                "day": _day(day),
                "zone": practice.timezone,
                "later": _clock_of((naive + timedelta(hours=1)).time()),
            }
        )
    fold = fold_of(practice, day, at)
    if fold is None:
        return moment.astimezone(UTC)
    if occurrence is None:
        first_name = local(practice, fold.first).tzname()
        second_name = local(practice, fold.second).tzname()
        raise LocalTimeProblem(
            pgettext(
                "staff",
                "%(time)s happens twice on %(day)s in %(zone)s: the clocks go back an hour that "
                "night. Choose below whether you mean the first %(time)s (%(first_zone)s) or the "
                "second (%(second_zone)s).",
            )
            % {
                "time": _clock_of(at),
                "day": _day(day),
                "zone": practice.timezone,
                "first_zone": first_name,
                "second_zone": second_name,
            },
            ambiguous=True,
        )
    return fold.first if occurrence == Occurrence.FIRST else fold.second


def span(practice: Practice, starts_at: datetime, ends_at: datetime) -> str:
    """ "2:00–2:50 PM on Tue, Dec 1" in the practice's zone."""
    start, end = clock(practice, starts_at), clock(practice, ends_at)
    first, last = local(practice, starts_at), local(practice, ends_at)
    if first.tzname() != last.tzname():  # across a clock change: name both zones
        start, end = f"{start} {first.tzname()}", f"{end} {last.tzname()}"
    elif (first.hour < 12) == (last.hour < 12) and first.date() == last.date():
        start = dateformat.format(first, "g:i")  # "2:00–2:50 PM": the meridiem once
    day = _day(local(practice, starts_at).date())
    return pgettext("staff", "%(start)s–%(end)s on %(day)s") % {
        "start": start,
        "end": end,
        "day": day,
    }


def zone_label(practice: Practice, moment: datetime | None = None) -> str:
    """ "America/New_York (EST)": the zone times are shown in, named."""
    name = local(practice, moment or timezone.now()).tzname()
    return f"{practice.timezone} ({name})"
