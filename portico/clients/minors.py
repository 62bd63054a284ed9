"""Minors: who is one, when they come of age, and the review staff get when they do.

Age is counted in whole years by calendar date in the practice's time zone. A
client born on Feb 29 has their birthday on Mar 1 in years without one (they
are not a year older until Feb 28 has passed).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from portico.clients.models import Client, ComingOfAgeReview
from portico.clients.queries import age_on
from portico.lib.localtime import practice_today, practice_zone
from portico.practices.models import Practice

# A missed day (the task did not run) is caught up on for this long afterwards.
CATCH_UP_DAYS = 30


def is_minor(client: Client, on: date) -> bool:
    """True when the client is younger than the practice's age of majority on ``on``."""
    return age_on(client.date_of_birth, on) < client.practice.age_of_majority


def is_minor_by_birth(practice: Practice, date_of_birth: date, on: date) -> bool:
    return age_on(date_of_birth, on) < practice.age_of_majority


def coming_of_age_date(date_of_birth: date, age_of_majority: int) -> date:
    """The first day on which someone born on ``date_of_birth`` is ``age_of_majority``."""
    year = date_of_birth.year + age_of_majority
    try:
        return date_of_birth.replace(year=year)
    except ValueError:  # Feb 29 in a year without one
        return date(year, 3, 1)


def find_clients_coming_of_age(
    today: date | None = None, *, practice: Practice | None = None
) -> list[ComingOfAgeReview]:
    """Open a review for each client who came of age recently and has none yet.

    "Recently" is the last ``CATCH_UP_DAYS`` days up to ``today`` (by default
    each practice's own today), so a day the task missed is caught up. Only
    clients who were on file before that day count: someone added as an adult
    was never a minor here. Idempotent: running it twice opens nothing new.
    Changes nothing but the review list.
    """
    practices = [practice] if practice is not None else list(Practice.objects.all())
    created: list[ComingOfAgeReview] = []
    for each in practices:
        created += _reviews_for_practice(each, today or practice_today(each))
    return created


def _reviews_for_practice(practice: Practice, today: date) -> list[ComingOfAgeReview]:
    majority = practice.age_of_majority
    first_day = today - timedelta(days=CATCH_UP_DAYS - 1)
    # Birth dates that can come of age in [first_day, today], with a day of slack
    # on each side for Feb 29; the exact check is coming_of_age_date below.
    born_from = _years_before(first_day, majority) - timedelta(days=1)
    born_to = _years_before(today, majority) + timedelta(days=1)
    candidates = (
        Client.objects.filter(
            practice=practice,
            archived_at__isnull=True,
            date_of_birth__gte=born_from,
            date_of_birth__lte=born_to,
        )
        .exclude(coming_of_age_reviews__isnull=False)
        .order_by("id")
    )
    zone = practice_zone(practice)
    created: list[ComingOfAgeReview] = []
    for client in candidates:
        came_of_age_on = coming_of_age_date(client.date_of_birth, majority)
        if not first_day <= came_of_age_on <= today:
            continue
        if timezone.localdate(client.created_at, timezone=zone) >= came_of_age_on:
            continue  # added as an adult
        try:
            with transaction.atomic():
                review = ComingOfAgeReview.objects.create(
                    practice=practice,
                    client=client,
                    came_of_age_on=came_of_age_on,
                    created_at=timezone.now(),
                )
        except IntegrityError:
            continue  # another worker opened it a moment ago
        created.append(review)
    return created


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return date(day.year - years, 2, 28)
