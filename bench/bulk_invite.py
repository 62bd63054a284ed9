"""Bulk invite of N clients: the request's time, and the task's write rate vs a raw bulk_create.

    .venv/bin/python bench/bulk_invite.py [CLIENTS] [ROUNDS]

Each round makes two practices of CLIENTS (default 10 000) eligible clients, each
with a default email (inserted with bulk_create: the benchmark measures inviting).

- Portico: a signed-in front-desk user POSTs "Invite everyone not yet invited"
  through the whole Django stack (timed: goal <= 1 s), then the task runs
  in-process (timed): eligibility, 500 clients per transaction, links, emails
  (each chunk renders the template once and fills in name and link), audit
  events (one INSERT per chunk), counters.
- Raw: for the other practice, the same rows and nothing else: a token and its
  SHA-256 per client, one AccessLink bulk_create, one OutboundEmail bulk_create
  with a rendered body (rendered once, the link pasted in per row), one transaction.

Prints each round and the median ratio raw_time / portico_time (goal >= 0.5).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import boot, practice_with_clients  # noqa: E402 (after the path is set)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    boot()
    import secrets

    from django.db import connection, transaction
    from django.test import Client as HttpClient
    from django.utils import timezone

    from portico.access.bulk import process_bulk_invite
    from portico.access.links import TOKEN_BYTES, hash_token
    from portico.access.models import AccessLink, BulkInvite, LinkPurpose, PortalAccess
    from portico.access.sending import link_email_context
    from portico.clients.models import Client
    from portico.lib.urls import practice_path
    from portico.mail.models import EmailKind, EmailStatus, OutboundEmail
    from portico.mail.outbox import new_message_id
    from portico.mail.rendering import render_email
    from portico.practices.models import Practice

    def populate(slug: str) -> tuple[Practice, HttpClient]:
        return practice_with_clients(slug, count, lambda i: (f"First{i}", f"Last{i}"))

    def portico(practice: Practice, http: HttpClient) -> tuple[float, float]:
        url = f"/p/{practice.slug}{practice_path('access:bulk_invite')}"
        started = time.perf_counter()
        response = http.post(url)
        request_time = time.perf_counter() - started
        assert response.status_code == 302, response.status_code
        bulk = BulkInvite.objects.get(practice=practice)
        assert not AccessLink.objects.filter(practice=practice).exists()
        started = time.perf_counter()
        process_bulk_invite(bulk.pk)
        task_time = time.perf_counter() - started
        bulk.refresh_from_db()
        assert bulk.sent == count, (bulk.sent, bulk.total, bulk.skipped)
        return request_time, task_time

    def raw(practice: Practice) -> float:
        clients = list(
            Client.objects.filter(practice=practice)
            .order_by("pk")
            .values_list("portal_accesses__pk", "emails__address", "first_name")
        )
        marker = "https://bench.invalid/link"
        sample = PortalAccess(client=Client(practice=practice, first_name="X", last_name="Y"))
        template = AccessLink(
            practice=practice, purpose=LinkPurpose.CLIENT_INVITE, expires_at=timezone.now()
        )
        context = link_email_context(sample, "TOKEN", template) | {"link": marker}
        body = render_email(practice, EmailKind.INVITE, context)
        base = practice_path("access:welcome_link", "TOKEN").replace("TOKEN", "")
        started = time.perf_counter()
        with transaction.atomic():
            now = timezone.now()
            tokens = [secrets.token_urlsafe(TOKEN_BYTES) for _ in clients]
            client_of = dict(
                PortalAccess.objects.filter(practice=practice).values_list("pk", "client_id")
            )
            links = AccessLink.objects.bulk_create(
                AccessLink(
                    practice=practice,
                    purpose=LinkPurpose.CLIENT_INVITE,
                    access_id=pk,
                    email=address,
                    token_hash=hash_token(token),
                    created_at=now,
                    expires_at=now + practice.invite_lifetime,
                )
                for (pk, address, _), token in zip(clients, tokens, strict=True)
            )
            OutboundEmail.objects.bulk_create(
                OutboundEmail(
                    practice=practice,
                    kind=EmailKind.INVITE,
                    to_address=link.email,
                    subject=body.subject,
                    text_body=body.text.replace(marker, base + token),
                    html_body=body.html.replace(marker, base + token),
                    holds_link=True,
                    client_id=client_of[link.access_id or 0],
                    link=link,
                    status=EmailStatus.QUEUED,
                    message_id=new_message_id(),
                    created_at=now,
                    next_attempt_at=now,
                    status_changed_at=now,
                )
                for link, token in zip(links, tokens, strict=True)
            )
        return time.perf_counter() - started

    print(
        f"{connection.vendor}: {count} eligible clients per practice, {rounds} rounds", flush=True
    )
    ratios, requests = [], []
    for number in range(rounds):
        first, second = populate(f"bulk{number}"), populate(f"raw{number}")
        if number % 2:  # alternate the order: the machine is shared
            raw_time = raw(second[0])
            request_time, task_time = portico(*first)
        else:
            request_time, task_time = portico(*first)
            raw_time = raw(second[0])
        ratio = raw_time / task_time
        ratios.append(ratio)
        requests.append(request_time)
        print(
            f"round {number + 1}: request {request_time * 1000:.0f} ms; task {task_time:.2f} s "
            f"({count / task_time:.0f} clients/s); raw bulk_create {raw_time:.2f} s; "
            f"ratio raw/portico {ratio:.2f}",
            flush=True,
        )
    median = statistics.median(ratios)
    verdict = "PASS" if median >= 0.5 and max(requests) <= 1.0 else "FAIL"
    print(
        f"request: max {max(requests) * 1000:.0f} ms (goal <= 1000 ms); "
        f"median ratio {median:.2f} (goal >= 0.5): {verdict}"
    )


if __name__ == "__main__":
    main()
