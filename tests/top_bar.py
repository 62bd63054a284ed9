"""For query-count tests of staff pages: the top bar's Access problems count.

The count is derived at most once a minute per practice and kept in the cache
(portico/problems/counts.py; its own cost is measured in tests/problems and
bench/problems.py). A test that counts one page's queries derives it first, so the
page's own queries are what it measures, whichever request comes first.
"""

from __future__ import annotations

from portico.practices.models import Practice
from portico.problems.counts import top_bar_count


def warm_top_bar(practice: Practice) -> None:
    top_bar_count(practice)
