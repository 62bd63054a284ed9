"""The staff top bar's "Access problems (7)": the count, cheap enough for every staff page.

The count is the length of the page's own list (``access_problems``), so the two
never disagree about who is stuck. Deriving it reads every access row that may
have a problem: a constant number of queries, but work that grows with the
practice, too much for every page at 100 000 clients. So the count is kept in
Django's cache (the database cache by default, Redis when configured: shared by
every web process) for ``CACHE_SECONDS`` per practice:

- a staff page reads it with one cache lookup and derives it only when it is
  missing (at most once a minute per practice, whatever the traffic);
- the Access problems page derives the list anyway and stores its length, so the
  top bar on that page always matches its rows, and a fix shows as soon as staff
  look at the list again;
- Portico's own writes here (bulk resend) drop it.

Why a cache and not a count kept up to date on writes: most problems begin with no
write at all (an invitation expires, a temporary password runs out, an invitation
stays unopened for N days), so a stored count would be wrong without a clock
anyway; and a minute-old number in a top bar is harmless when the page it links to
is always exact.
"""

from __future__ import annotations

from datetime import datetime

from django.core.cache import cache
from django.utils import timezone

from portico.practices.models import Practice
from portico.problems.queries import access_problems

CACHE_SECONDS = 60
TOP_BAR_CAP = 99  # shown as "99+" above


def _key(practice_id: int) -> str:
    return f"portico:problems:count:{practice_id}"


def problem_count(practice: Practice, at: datetime) -> int:
    """Everyone who cannot get in now (the derivation: constant queries)."""
    return len(access_problems(practice, at))


def remember_count(practice: Practice, count: int) -> None:
    cache.set(_key(practice.pk), count, CACHE_SECONDS)


def forget_count(practice: Practice) -> None:
    cache.delete(_key(practice.pk))


def top_bar_count(practice: Practice) -> int:
    """The count for the top bar: one cache read; derived when missing (once a minute)."""
    found = cache.get(_key(practice.pk))
    if found is None:
        found = problem_count(practice, timezone.now())
        remember_count(practice, found)
    return int(found)


def top_bar_label(count: int) -> str:
    return f"{TOP_BAR_CAP}+" if count > TOP_BAR_CAP else str(count)
