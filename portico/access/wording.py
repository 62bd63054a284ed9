"""Times as staff and clients read them: in the practice's time zone, in plain words."""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from portico.practices.models import Practice


def local(practice: Practice, moment: datetime) -> datetime:
    return moment.astimezone(zoneinfo.ZoneInfo(practice.timezone))


def clock(practice: Practice, moment: datetime) -> str:
    """ "3:05 PM" """
    moment = local(practice, moment)
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def day_and_time(practice: Practice, moment: datetime) -> str:
    """ "Sunday, November 22 at 3:05 PM" """
    day = local(practice, moment)
    return f"{day:%A}, {day:%B} {day.day} at {clock(practice, moment)}"


def short_day_and_time(practice: Practice, moment: datetime) -> str:
    """ "Nov 22 at 3:05 PM" """
    day = local(practice, moment)
    return f"{day:%b} {day.day} at {clock(practice, moment)}"


def when_next(practice: Practice, moment: datetime, now: datetime) -> str:
    """ "3:05 PM" today, otherwise "Nov 22 at 3:05 PM"."""
    if local(practice, moment).date() == local(practice, now).date():
        return clock(practice, moment)
    return short_day_and_time(practice, moment)
