"""Staff client list: p95 at 100 000 clients vs at 100, and the query count of each.

    .venv/bin/python bench/client_list.py [BIG] [REQUESTS]

Two practices in one database, one with 100 clients and one with BIG (default
100 000), each client with a default email. For each practice it requests, through
the whole Django stack as a signed-in front-desk user: the first page, a page deep
in the list (reached by following "Next" cursors), a search for a last-name prefix
shared by 10 % of the clients ("gar": Garcia), and a first-name
prefix shared by 1 in 12 ("ava"). Prints p95 per page kind, the ratio big/small
(goal ≤ 1.5) and the query counts (goal: the same). Rows are inserted with
bulk_create: the benchmark measures reading.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import boot, compare_sizes, p95_of_pages, practice_with_clients  # noqa: E402 (after the path is set)

FIRST = ["Ava", "Ben", "Cara", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun", "Kai", "Lea"]
LAST = ["Adams", "Brown", "Chen", "Diaz", "Evans", "Fox", "Garcia", "Hill", "Ito", "Jones"]


def main() -> None:
    big = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    requests = int(sys.argv[2]) if len(sys.argv) > 2 else 60
    boot()
    from django.test import Client as HttpClient

    from portico.lib.urls import practice_path
    from portico.practices.models import Practice

    def populate(slug: str, count: int) -> tuple[Practice, HttpClient]:
        return practice_with_clients(
            slug, count, lambda i: (FIRST[i % len(FIRST)], f"{LAST[i % len(LAST)]}{i // 97:04}")
        )

    def follow_next(http: HttpClient, base: str, url: str, times: int) -> str:
        for _ in range(times):
            html = http.get(url).content.decode()
            found = re.search(r'href="([^"]*cursor=[^"]+)"[^>]*rel="next"', html) or re.search(
                r'rel="next"[^>]*href="([^"]+)"', html
            )
            if not found:
                break
            url = base + found.group(1).replace("&amp;", "&")
        assert "cursor=" in url, "no Next link"
        return url

    def measure(practice: Practice, http: HttpClient) -> dict[str, tuple[float, int]]:
        base = f"/p/{practice.slug}{practice_path('clients:list')}"
        # A page deep in the list: follow "Next" a few times, keep that cursor.
        pages = {
            "first page": base,
            "deep page": follow_next(http, base, base, 5),
            "search": f"{base}?q=gar",  # 10 % of the clients
            "first name": f"{base}?q=ava",  # 1 in 12
        }
        return p95_of_pages(http, pages, requests)

    print(f"inserting 100 + {big} clients …", flush=True)
    small = measure(*populate("small", 100))
    large = measure(*populate("large", big))
    worst = compare_sizes(small, large, big)
    common = large["search"][0] / small["search"][0]
    verdict = "met" if common <= 1.5 else "NOT met"
    print(f"common-prefix search ratio {common:.2f}  (goal <= 1.5: {verdict})")
    print(f"worst ratio {worst:.2f}  (goal <= 1.5, same query count)")


if __name__ == "__main__":
    main()
