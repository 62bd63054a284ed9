"""The production stack under faults, longer than the CI test: more people, longer phases.

    .venv/bin/python bench/stack.py [--clients 4] [--phase 20] [--redis-outage 30]
                                    [--bulk 50] [--real-time]

Starts what tests/stack/test_stack.py starts (its own PostgreSQL, Redis, Debian's
nginx with TLS for *.portico.test, two gunicorn, two task workers, the recurring jobs
and an SMTP server counting Message-IDs; nothing shared with the machine's services),
runs the same story (one gunicorn SIGKILLed, a worker SIGKILLed mid-batch, PostgreSQL
restarted during delivery, Redis stopped, a new release with a rolling restart) and
prints the table the README shows: requests, errors by kind, emails
queued/delivered/duplicated, recovery after each fault.

``--real-time`` waits for the recurring jobs to give back the emails the killed
worker held (5 minutes, ``STUCK_AFTER``) instead of moving those rows' clock back:
about 6 minutes longer. Needs root (or nginx installed) like the test.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=4, help="client threads per practice")
    parser.add_argument("--phase", type=float, default=20, help="seconds of traffic per phase")
    parser.add_argument("--redis-outage", type=float, default=30)
    parser.add_argument("--bulk", type=int, default=50, help="clients bulk-invited per practice")
    parser.add_argument("--think", type=float, default=0.1, help="seconds between requests")
    parser.add_argument("--web-workers", type=int, default=2, help="sync workers per gunicorn")
    parser.add_argument("--real-time", action="store_true", help="wait for the 5-minute sweep")
    args = parser.parse_args()

    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portico.settings")
    os.environ.setdefault("PORTICO_TESTING", "true")  # this process only reads constants
    django.setup()

    from tests.stack import scenario
    from tests.stack.stack import Stack

    began = time.monotonic()
    stack = Stack(web_workers=args.web_workers)
    try:
        stack.start()
        started = time.monotonic() - began
        print(
            f"stack started in {started:.0f} s ("
            + ", ".join(f"{k} {v:.0f} s" for k, v in stack.timings.items())
            + ")",
            flush=True,
        )
        report = scenario.run(
            stack,
            scenario.Options(
                clients_per_practice=args.clients,
                think=args.think,
                warm_up=args.phase,
                after_kill=args.phase,
                redis_outage=args.redis_outage,
                bulk_clients=args.bulk,
                real_time_recovery=args.real_time,
                settle=600 if args.real_time else 180,
            ),
        )
    finally:
        stack.close()
    print(report.table())
    for call in report.failures():
        print(f"  failed: {call.kind}: {call.method} {call.path} {call.error}"
              f" ({report.fault_of(call)})")  # fmt: skip
    if report.missing:
        print(f"  never delivered: {len(report.missing)}")


if __name__ == "__main__":
    main()
