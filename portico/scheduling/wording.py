"""Small plain-language formatters for availability (wall-clock times, day ranges, names)."""

from __future__ import annotations

from datetime import date, time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from portico.accounts.models import User


def clock_of(moment: time) -> str:
    """ "9:00 AM" """
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def day_of(day: date) -> str:
    """ "Tue, Dec 1" """
    return f"{day:%a}, {day:%b} {day.day}"


def days_of(first: date, last: date) -> str:
    """ "Tue, Dec 1" or "Tue, Dec 1 to Fri, Dec 4" """
    return day_of(first) if first == last else f"{day_of(first)} to {day_of(last)}"


def name_of(user: User) -> str:
    return user.full_name or user.username
