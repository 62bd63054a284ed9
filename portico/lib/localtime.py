"""Times as staff and clients read them: in the practice's time zone, in plain words.

Every page, email and message that shows a moment goes through here, so a
practice in Denver never sees New York's clock and "3:05 PM" is written one way.

Each language has its usual form, chosen by the active language (the page's or the
email's): English "Tuesday, December 1 at 2:00 PM"; Spanish "martes, 1 de diciembre,
2:00 p. m." (day before month, lowercase names, "p. m.").

Day and month names, "AM" and "PM" come from Django's own catalogue (its date
formats); the English joins ("… at …") are marked with the context "staff": staff
pages read them, while Spanish, the clients' other language, is written out below.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.utils import dateformat, timezone, translation
from django.utils.dates import MONTHS, MONTHS_3, WEEKDAYS
from django.utils.translation import pgettext

if TYPE_CHECKING:
    from portico.practices.models import Practice


def practice_zone(practice: Practice) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(practice.timezone)


def local(practice: Practice, moment: datetime) -> datetime:
    return moment.astimezone(practice_zone(practice))


def practice_today(practice: Practice) -> date:
    """Today's date where the practice is (birthdays and ages count from it)."""
    return timezone.localdate(timezone=practice_zone(practice))


def _spanish() -> bool:
    return (translation.get_language() or "en").startswith("es")


def clock(practice: Practice, moment: datetime) -> str:
    """ "3:05 PM"; Spanish "3:05 p. m." """
    moment = local(practice, moment)
    if _spanish():
        hour = moment.hour % 12 or 12
        return f"{hour}:{moment.minute:02d} {'a. m.' if moment.hour < 12 else 'p. m.'}"
    return dateformat.format(moment, "g:i A")


def _day_at(day: str, time: str) -> str:
    return pgettext("staff", "%(day)s at %(time)s") % {"day": day, "time": time}


def day_and_time(practice: Practice, moment: datetime) -> str:
    """ "Sunday, November 22 at 3:05 PM"; Spanish "domingo, 22 de noviembre, 3:05 p. m." """
    day = local(practice, moment)
    if _spanish():
        return f"{WEEKDAYS[day.weekday()]}, {long_date(day)}, {clock(practice, moment)}"
    return _day_at(dateformat.format(day, "l, F j"), clock(practice, moment))


def long_date(day: date, *, year: bool = False) -> str:
    """ "November 22" ("November 22, 2026"); Spanish "22 de noviembre" ("… de 2026")."""
    if _spanish():
        text = f"{day.day} de {MONTHS[day.month]}"
        return f"{text} de {day.year}" if year else text
    return dateformat.format(day, "F j, Y" if year else "F j")


def day_and_time_with_zone(practice: Practice, moment: datetime) -> str:
    """ "Sunday, November 22 at 3:05 PM EST": emails are read far from the practice."""
    return pgettext("staff", "%(day_and_time)s %(time_zone)s") % {
        "day_and_time": day_and_time(practice, moment),
        "time_zone": local(practice, moment).tzname(),
    }


def short_day_and_time(practice: Practice, moment: datetime) -> str:
    """ "Nov 22 at 3:05 PM"; Spanish "22 nov., 3:05 p. m." """
    day = local(practice, moment)
    if _spanish():
        return f"{day.day} {MONTHS_3[day.month]}., {clock(practice, moment)}"
    return _day_at(dateformat.format(day, "M j"), clock(practice, moment))


def when_next(practice: Practice, moment: datetime, now: datetime) -> str:
    """ "3:05 PM" today, otherwise "Nov 22 at 3:05 PM"."""
    if local(practice, moment).date() == local(practice, now).date():
        return clock(practice, moment)
    return short_day_and_time(practice, moment)
