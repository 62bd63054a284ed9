"""Email activity: p95 at 100 000 emails vs at 100, and the query count of each.

    .venv/bin/python bench/email_activity.py [BIG] [REQUESTS]

Two practices in one database, one with 100 emails and one with BIG (default
100 000: one bulk invitation of a large practice), sent over a few days, most of
them delivered. For each it requests, through the whole Django stack as a
signed-in front-desk user: the newest page, a page deep in the list (reached by
following "Older" a few times), and the invitations only. Prints p95 per page kind,
the ratio big/small (goal ≤ 1.5) and the query counts (goal: the same). Rows are
inserted with bulk_create: the benchmark measures reading.
"""

from __future__ import annotations

import re
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import boot, compare_sizes, p95_of_pages, practice_with_clients  # noqa: E402 (after the path is set)


def main() -> None:
    big = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    requests = int(sys.argv[2]) if len(sys.argv) > 2 else 60
    boot()
    from django.db import transaction
    from django.test import Client as HttpClient
    from django.utils import timezone

    from portico.clients.models import Client
    from portico.lib.urls import practice_path
    from portico.mail.models import EmailKind, EmailStatus, OutboundEmail
    from portico.practices.models import Practice

    def populate(slug: str, count: int) -> tuple[Practice, HttpClient]:
        # A client per 10 emails, so the page joins real client rows.
        practice, http = practice_with_clients(slug, max(1, count // 10), lambda i: ("C", f"L{i}"))
        clients = list(Client.objects.filter(practice=practice).values_list("pk", flat=True))
        start = timezone.now() - timedelta(days=3)
        kinds = [EmailKind.INVITE] * 8 + [EmailKind.PASSWORD_RESET, EmailKind.NEW_MESSAGE]
        batch = 5000
        for first in range(0, count, batch):
            with transaction.atomic():
                OutboundEmail.objects.bulk_create(
                    OutboundEmail(
                        practice=practice,
                        kind=kinds[i % len(kinds)],
                        to_address=f"c{i}@example.com",
                        subject="Your portal invitation",
                        text_body="",
                        client_id=clients[i % len(clients)],
                        status=EmailStatus.DELIVERED if i % 7 else EmailStatus.SENT,
                        message_id=f"<{slug}.{i}@bench.test>",
                        # Bulk sends share a second: ties on created_at, broken by id.
                        created_at=start + timedelta(seconds=i // 20),
                        sent_at=start + timedelta(seconds=i // 20),
                        delivered_at=start + timedelta(seconds=i // 20 + 2),
                        status_changed_at=start + timedelta(seconds=i // 20 + 2),
                    )
                    for i in range(first, min(count, first + batch))
                )
        return practice, http

    def older(http: HttpClient, base: str, url: str, times: int) -> str:
        for _ in range(times):
            found = re.search(r'href="\?([^"]+)" rel="next"', http.get(url).content.decode())
            if not found:
                break
            url = f"{base}?{found.group(1).replace('&amp;', '&')}"
        assert "cursor=" in url, "no Older link"
        return url

    def measure(practice: Practice, http: HttpClient) -> dict[str, tuple[float, int]]:
        base = f"/p/{practice.slug}{practice_path('mail:activity')}"
        pages = {
            "newest": base,
            "deep page": older(http, base, base, 1),
            "invitations": f"{base}?kind=invite",
        }
        return p95_of_pages(http, pages, requests)

    print(f"inserting 100 + {big} emails …", flush=True)
    small = measure(*populate("small", 100))
    large = measure(*populate("large", big))
    worst = compare_sizes(small, large, big)
    verdict = "met" if worst <= 1.5 else "NOT met"
    print(f"worst ratio {worst:.2f}  (goal <= 1.5, same query count: {verdict})")


if __name__ == "__main__":
    main()
