"""Open times: availability, minus exceptions, minus what is already booked or requested.

Slots step by the appointment type's length from the start of each window
(9:00, 9:50, 10:40 … for 50 minutes): back-to-back sessions fill the window with
no gaps, and a clinician reads the same times every week. A slot is offered when
it fits inside a window, starts no sooner than the minimum notice and no later
than the horizon (both to the minute: exactly 24 hours from now is bookable with
24 hours' notice), and overlaps no booked or requested appointment.

Windows are wall-clock times in the practice's zone and are turned into moments
once per day, so the clock changes are handled there:

- a window boundary in the spring gap (2:30 AM the night clocks go forward) moves
  forward to the first minute that exists (3:00 AM), so no slot ever starts at a
  local time that does not exist;
- a boundary in the autumn fold (1:30 AM the night clocks go back) is its FIRST
  occurrence (fold=0, daylight time): the window then holds every real minute
  until its end, and slots in the repeated hour are shown with their zone name
  (1:40 AM EDT, then 1:30 AM EST), so each names one moment.

Slots then step in real time (UTC), so every slot is exactly the type's length.
Queries: the weekly windows, the exceptions in range and the appointments in
range of the clinician: three, however many days are shown.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import groupby
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from portico.appointments.models import Appointment, AppointmentStatus
from portico.lib.localtime import local, practice_zone
from portico.scheduling.models import AvailabilityException, ExceptionKind, WeeklyWindow

if TYPE_CHECKING:
    from portico.practices.models import Practice
    from portico.scheduling.models import BookableType, SchedulingSettings

HOLDS_TIME = (AppointmentStatus.BOOKED, AppointmentStatus.REQUESTED)


def _exists(naive: datetime, zone: ZoneInfo) -> bool:
    """False for a wall time in the spring gap: it does not survive a round trip via UTC."""
    moment = naive.replace(tzinfo=zone)
    return moment.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive


def wall_moment(zone: ZoneInfo, day: date, at: time) -> datetime:
    """The moment (UTC) a window boundary names; see the module docstring for the clock changes."""
    naive = datetime.combine(day, at)
    for _ in range(24 * 60):  # a gap is an hour at most (30 minutes on Lord Howe Island)
        if _exists(naive, zone):
            break
        naive += timedelta(minutes=1)
    # fold=0: in the autumn fold, the first of the two moments (see the module docstring).
    return naive.replace(tzinfo=zone, fold=0).astimezone(UTC)


def day_stretches(
    day: date, weekly: list[WeeklyWindow], exceptions: list[AvailabilityException]
) -> list[tuple[time, time]]:
    """The wall-clock stretches of ``day`` a clinician can be booked, merged and sorted.

    Days off remove the weekly windows; extra hours on that date still count.
    """
    off = any(
        e.kind == ExceptionKind.UNAVAILABLE and e.first_day <= day <= e.last_day for e in exceptions
    )
    stretches = [] if off else [(w.start, w.end) for w in weekly if w.weekday == day.weekday()]
    stretches += [
        (e.start, e.end)
        for e in exceptions
        if e.is_extra and e.first_day == day and e.start is not None and e.end is not None
    ]
    merged: list[tuple[time, time]] = []
    for start, end in sorted(stretches):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def candidate_starts(
    practice: Practice,
    bookable: BookableType,
    *,
    days: list[date],
    weekly: list[WeeklyWindow],
    exceptions: list[AvailabilityException],
) -> list[datetime]:
    """Every start (UTC, ascending) that fits availability on ``days``, booked or not."""
    zone = practice_zone(practice)
    length = bookable.duration
    starts: list[datetime] = []
    for day in days:
        for start, end in day_stretches(day, weekly, exceptions):
            moment, last = wall_moment(zone, day, start), wall_moment(zone, day, end)
            while moment + length <= last:
                starts.append(moment)
                moment += length
    return starts


@dataclass(frozen=True)
class Bounds:
    """The first and last start a client may book now (notice .. horizon), both inclusive."""

    earliest: datetime
    latest: datetime

    @classmethod
    def of(cls, rules: SchedulingSettings, now: datetime) -> Bounds:
        return cls(now + rules.minimum_notice, now + rules.horizon)

    def allow(self, start: datetime) -> bool:
        return self.earliest <= start <= self.latest


def _days(practice: Practice, first: datetime, last: datetime) -> list[date]:
    start, end = local(practice, first).date(), local(practice, last).date()
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def _busy(
    bookable: BookableType, first: datetime, last: datetime
) -> list[tuple[datetime, datetime]]:
    """The clinician's booked and requested appointments touching [first, last): one query."""
    return list(
        Appointment.objects.filter(
            practice_id=bookable.practice_id,
            clinician_id=bookable.clinician_id,
            status__in=HOLDS_TIME,
            starts_at__lt=last,
            ends_at__gt=first,
        )
        .order_by("starts_at")
        .values_list("starts_at", "ends_at")
    )


def _free(
    starts: list[datetime], length: timedelta, busy: list[tuple[datetime, datetime]]
) -> list[datetime]:
    """``starts`` that overlap nothing in ``busy`` (both sorted by start)."""
    if not busy:
        return starts
    busy_starts = [b[0] for b in busy]
    longest = max(b[1] - b[0] for b in busy)
    free = []
    for start in starts:
        end = start + length
        # Only appointments starting before this slot ends, and no longer ago than the longest.
        first = bisect_left(busy_starts, start - longest)
        last = bisect_left(busy_starts, end)
        if not any(b_end > start for _b_start, b_end in busy[first:last]):
            free.append(start)
    return free


def availability(
    bookable: BookableType, first: datetime, last: datetime
) -> tuple[list[WeeklyWindow], list[AvailabilityException], list[date]]:
    practice = bookable.practice
    days = _days(practice, first, last)
    weekly = list(WeeklyWindow.objects.filter(clinician_id=bookable.clinician_id))
    exceptions = list(
        AvailabilityException.objects.filter(
            clinician_id=bookable.clinician_id, last_day__gte=days[0], first_day__lte=days[-1]
        )
    )
    return weekly, exceptions, days


def open_times(
    bookable: BookableType,
    rules: SchedulingSettings,
    now: datetime,
    *,
    after: datetime | None = None,
) -> list[datetime]:
    """Every open start of ``bookable`` a client may book now (UTC, ascending): 3 queries."""
    bounds = Bounds.of(rules, now)
    first = max(bounds.earliest, after) if after else bounds.earliest
    if first > bounds.latest:
        return []
    weekly, exceptions, days = availability(bookable, first, bounds.latest)
    starts = [
        start
        for start in candidate_starts(
            bookable.practice, bookable, days=days, weekly=weekly, exceptions=exceptions
        )
        if first <= start <= bounds.latest
    ]
    if not starts:
        return []
    busy = _busy(bookable, starts[0], starts[-1] + bookable.duration)
    return _free(starts, bookable.duration, busy)


def fits_availability(bookable: BookableType, start: datetime) -> bool:
    """Whether ``start`` is one of the type's slots on its day, booked or not (2 queries)."""
    weekly, exceptions, days = availability(bookable, start, start)
    return start in candidate_starts(
        bookable.practice, bookable, days=days, weekly=weekly, exceptions=exceptions
    )


@dataclass(frozen=True)
class OpenDay:
    day: date
    times: list[datetime]


def by_day(practice: Practice, times: list[datetime]) -> list[OpenDay]:
    """Open times grouped by the practice's local day, in order."""
    return [
        OpenDay(day, list(group))
        for day, group in groupby(times, key=lambda moment: local(practice, moment).date())
    ]
