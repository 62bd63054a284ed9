"""Staff writes: weekly availability, exceptions, bookable types, the practice's rules.

Each availability write locks the clinician's staff membership row (the same
row the booking actions lock), so two staff members adding windows at once
cannot slip two overlapping windows in.
"""

from __future__ import annotations

from datetime import date, time
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import pgettext

from portico.appointments.models import AppointmentKind
from portico.audit.record import record
from portico.audit.vocabulary import Action
from portico.lib.localtime import practice_today
from portico.practices.models import StaffMembership
from portico.scheduling.models import (
    MAX_HORIZON_DAYS,
    MAX_NOTICE_HOURS,
    AvailabilityException,
    BookableType,
    ExceptionKind,
    SchedulingSettings,
    Weekday,
    WeeklyWindow,
)
from portico.scheduling.rules import may_publish_for, scheduling_settings_of
from portico.scheduling.wording import clock_of, days_of, name_of

if TYPE_CHECKING:
    from portico.accounts.models import User
    from portico.audit.actor import Actor
    from portico.practices.models import Practice


def _publisher(by: Actor, clinician: User) -> User:
    """The staff member acting, if they may publish ``clinician``'s availability."""
    user = by.user
    if user is None or user.kind != "staff" or not may_publish_for(user, clinician):
        raise PermissionDenied("You cannot change this clinician's availability.")
    StaffMembership.objects.select_for_update().filter(user=clinician).first()
    return user


def _availability_changed(clinician: User, by: Actor, change: str) -> None:
    record(
        Action.SCHEDULING_AVAILABILITY_CHANGED,
        practice=clinician.practice,
        actor=by,
        details={"clinician": name_of(clinician), "change": change},
    )


def _span(start: time, end: time) -> str:
    return f"{clock_of(start)}–{clock_of(end)}"


def _day_name(weekday: int) -> str:
    """The weekday in English, for the audit log (it reads the same whoever acted)."""
    with translation.override("en"):
        return str(Weekday(weekday).label)


@transaction.atomic
def add_weekly_window(
    clinician: User, *, by: Actor, weekday: int, start: time, end: time
) -> WeeklyWindow:
    _publisher(by, clinician)
    if weekday not in Weekday.values:
        raise ValidationError({"weekday": pgettext("staff", "Choose a day of the week.")})
    if end <= start:
        raise ValidationError({"end": pgettext("staff", "The end must be later than the start.")})
    clash = (
        WeeklyWindow.objects.filter(
            clinician=clinician, weekday=weekday, start__lt=end, end__gt=start
        )
        .order_by("start")
        .first()
    )
    if clash is not None:
        message = pgettext(
            "staff", "This overlaps %(day)s %(hours)s. Change that one or choose another time."
        ) % {"day": Weekday(weekday).label, "hours": _span(clash.start, clash.end)}
        raise ValidationError({"start": message})
    window = WeeklyWindow.objects.create(
        practice=clinician.practice,
        clinician=clinician,
        weekday=weekday,
        start=start,
        end=end,
        created_at=timezone.now(),
    )
    _availability_changed(clinician, by, f"added {_day_name(weekday)} {_span(start, end)}")
    return window


@transaction.atomic
def remove_weekly_window(window: WeeklyWindow, *, by: Actor) -> None:
    """Booked appointments stay: only what clients can book from now on changes."""
    _publisher(by, window.clinician)
    window.delete()
    _availability_changed(
        window.clinician,
        by,
        f"removed {_day_name(window.weekday)} {_span(window.start, window.end)}",
    )


@transaction.atomic
def add_exception(
    clinician: User,
    *,
    by: Actor,
    kind: str,
    first_day: date,
    last_day: date | None,
    start: time | None,
    end: time | None,
) -> AvailabilityException:
    """Days off (``first_day``..``last_day``), or extra hours (``start``..``end``) on one day."""
    _publisher(by, clinician)
    problems: dict[str, str] = {}
    if first_day < practice_today(clinician.practice):
        problems["first_day"] = pgettext("staff", "Choose today or a later date.")
    if kind == ExceptionKind.UNAVAILABLE:
        last_day = last_day or first_day
        start = end = None
        if last_day < first_day:
            problems["last_day"] = pgettext("staff", "The last day cannot be before the first day.")
    elif kind == ExceptionKind.EXTRA:
        if last_day not in (None, first_day):
            problems["last_day"] = pgettext(
                "staff", "Extra hours are for one date: leave the last day empty."
            )
        last_day = first_day
        if start is None:
            problems["start"] = pgettext("staff", "Enter when the extra hours start.")
        if end is None:
            problems["end"] = pgettext("staff", "Enter when the extra hours end.")
        elif start is not None and end <= start:
            problems["end"] = pgettext("staff", "The end must be later than the start.")
    else:
        problems["kind"] = pgettext("staff", "Choose days off or extra hours.")
    if problems:
        raise ValidationError(problems)
    assert last_day is not None  # noqa: S101 (set above for both kinds)
    exception = AvailabilityException.objects.create(
        practice=clinician.practice,
        clinician=clinician,
        kind=kind,
        first_day=first_day,
        last_day=last_day,
        start=start,
        end=end,
        created_at=timezone.now(),
    )
    if kind == ExceptionKind.EXTRA and start is not None and end is not None:
        change = f"extra hours {days_of(first_day, first_day)} {_span(start, end)}"
    else:
        change = f"not available {days_of(first_day, last_day)}"
    _availability_changed(clinician, by, change)
    return exception


@transaction.atomic
def remove_exception(exception: AvailabilityException, *, by: Actor) -> None:
    _publisher(by, exception.clinician)
    exception.delete()
    what = "extra hours" if exception.is_extra else "days off"
    _availability_changed(
        exception.clinician,
        by,
        f"removed {what} {days_of(exception.first_day, exception.last_day)}",
    )


def _type_changed(bookable: BookableType, by: Actor, change: str) -> None:
    record(
        Action.SCHEDULING_TYPE_CHANGED,
        practice=bookable.practice,
        actor=by,
        details={
            "clinician": name_of(bookable.clinician),
            "type": bookable.name,
            "change": change,
            "minutes": str(bookable.duration_minutes),
        },
    )


@transaction.atomic
def add_bookable_type(
    clinician: User, *, by: Actor, name: str, kind: str, duration_minutes: int, location: str
) -> BookableType:
    _publisher(by, clinician)
    now = timezone.now()
    bookable = BookableType(
        practice=clinician.practice,
        clinician=clinician,
        name=name.strip(),
        kind=kind,
        duration_minutes=duration_minutes,
        location=location.strip() if kind == AppointmentKind.IN_PERSON else "",
        created_at=now,
        updated_at=now,
    )
    problems: dict[str, str] = {}
    if not bookable.name:
        problems["name"] = pgettext(
            "staff", "Enter the name clients see, for example “Video session, 50 minutes”."
        )
    if kind not in AppointmentKind.values:
        problems["kind"] = pgettext("staff", "Choose in person or video.")
    if not 5 <= duration_minutes <= 480:
        problems["duration_minutes"] = pgettext(
            "staff", "The length must be between 5 minutes and 8 hours (480)."
        )
    if kind == AppointmentKind.IN_PERSON and not bookable.location:
        problems["location"] = pgettext(
            "staff", "Say where clients come for an in-person appointment."
        )
    if problems:
        raise ValidationError(problems)
    bookable.save()
    _type_changed(bookable, by, "added")
    return bookable


@transaction.atomic
def retire_bookable_type(bookable: BookableType, *, by: Actor) -> BookableType:
    """Clients can no longer book it; appointments already booked with it stay."""
    _publisher(by, bookable.clinician)
    if not bookable.active:
        return bookable
    bookable.active = False
    bookable.updated_at = timezone.now()
    bookable.save(update_fields=["active", "updated_at"])
    _type_changed(bookable, by, "retired")
    return bookable


@transaction.atomic
def update_scheduling_settings(
    practice: Practice,
    *,
    by: Actor,
    notice_hours: int,
    horizon_days: int,
    requires_approval: bool,
) -> SchedulingSettings:
    problems: dict[str, str] = {}
    if not 0 <= notice_hours <= MAX_NOTICE_HOURS:
        problems["minimum_notice_hours"] = pgettext("staff", "Enter 0 to %(most)s hours.") % {
            "most": MAX_NOTICE_HOURS
        }
    if not 1 <= horizon_days <= MAX_HORIZON_DAYS:
        problems["horizon_days"] = pgettext("staff", "Enter 1 to %(most)s days.") % {
            "most": MAX_HORIZON_DAYS
        }
    elif notice_hours > horizon_days * 24:
        problems["horizon_days"] = pgettext(
            "staff",
            "Clients could never book: the notice is longer than how far ahead they may book.",
        )
    if problems:
        raise ValidationError(problems)
    rules = SchedulingSettings.objects.select_for_update().filter(practice=practice).first()
    rules = rules or scheduling_settings_of(practice)
    wanted = (notice_hours, horizon_days, requires_approval)
    if (rules.minimum_notice_hours, rules.horizon_days, rules.requires_approval) == wanted:
        return rules
    rules.minimum_notice_hours = notice_hours
    rules.horizon_days = horizon_days
    rules.requires_approval = requires_approval
    rules.updated_at = timezone.now()
    rules.updated_by = by.user
    rules.save()
    record(
        Action.SCHEDULING_SETTINGS_CHANGED,
        practice=practice,
        actor=by,
        details={
            "notice_hours": str(notice_hours),
            "horizon_days": str(horizon_days),
            "requires_approval": "yes" if requires_approval else "no",
        },
    )
    return rules
