"""The production stack, run and broken on purpose (issue 13, item 2).

One test, marked ``stack``: it starts PostgreSQL, Redis, nginx, two gunicorn, two
task workers, the recurring jobs and an SMTP server on this machine (tests/stack/
stack.py), sends people through two practices (scenario.py), breaks things in turn
and checks the guarantees below. bench/stack.py runs the same story for longer.

It needs PostgreSQL's server programs, redis-server and Debian's nginx (installed with
apt-get when missing and running as root, as under CI); elsewhere it is skipped with
the reason. It brings its own database, so ``dev.py test`` runs it once, in the SQLite
pass.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from portico.mail.delivery import RECORD_EVERY
from tests.stack import scenario
from tests.stack.parts import ROOT, Unavailable
from tests.stack.stack import Stack

pytestmark = pytest.mark.stack

ARTIFACT = ROOT / "test-artifacts" / "stack-table.txt"


def test_the_stack_keeps_its_promises_while_parts_of_it_fail() -> None:
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    stack = Stack()
    try:
        try:
            stack.start()
        except Unavailable as exc:
            pytest.skip(str(exc))
        report = scenario.run(stack, scenario.Options())
    finally:
        stack.close()
    table = report.table()
    print(table)
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    ARTIFACT.write_text(table + "\n")
    assert not Path(stack.root).exists(), "the stack's directory was not removed"

    # 1. One gunicorn killed: only the requests in flight on it at that moment failed;
    #    everything else (and everything after) went to the other one.
    kill = report.windows["gunicorn web1 SIGKILL"]
    for call in report.failures():
        fault = report.fault_of(call)
        assert fault in ("gunicorn web1 SIGKILL", "PostgreSQL restart"), (
            f"{call} failed outside the faults that may fail a request ({fault})"
        )
        if fault == "gunicorn web1 SIGKILL":
            assert call.began <= kill.ended and call.status in (0, 502), call
            assert call.method == "POST", f"{call}: nginx should have retried this GET"

    # 2. Worker killed mid-batch, PostgreSQL restarted: every email delivered, none
    #    twice except one the killed worker had sent but not yet recorded (each is
    #    recorded as soon as the server accepts it: RECORD_EVERY is 1); no task left waiting.
    assert report.killed_batch > 0
    assert report.emails_queued > 0
    assert report.missing == [], f"emails never delivered: {report.missing}"
    assert report.emails_not_sent == [], f"outbox rows not sent: {report.emails_not_sent}"
    #    At most the one email between the server's "250" and its commit (milliseconds)
    #    can go out twice, with the same Message-ID; in the runs so far: none.
    assert RECORD_EVERY == 1
    assert sum(report.duplicates.values()) <= 1, report.duplicates
    assert report.ready_due == 0
    #    The killed worker's task row is closed by periodic (portico/operations/abandoned.py).
    assert report.stuck_running == 0, report.tasks
    #    No audit row lost: each success a person saw has its row (and at most the
    #    requests whose answer was lost added one they did not see).
    for journey, (observed, rows, unknown) in report.audit.items():
        assert rows >= observed, f"{journey}: {observed} seen, {rows} audit rows"
        if journey in ("registration", "password reset"):
            assert rows <= observed + unknown, f"{journey}: {rows} rows for {observed} seen"

    # 3. Redis stopped: the per-address sign-in limit still refused, and nothing else
    #    failed (checked in 1: no failure outside the two faults). When Redis goes away
    #    the counters start again from zero in the database cache (portico/lib/cache.py,
    #    README), so the minute of the switch may let the limit through twice (20 counted
    #    in Redis, then 20 in the database); never more: the limit does not fail open.
    #    (One run saw 21 in that minute, which the earlier "at most 20" called a failure.)
    minutes: dict[int, list[bool]] = {}
    for moment, refused in report.guesses:
        minutes.setdefault(int(moment // 60), []).append(refused)
    for answers in minutes.values():
        allowed = answers.count(False)
        most = 2 * scenario.SIGN_INS_A_MINUTE
        assert allowed <= most, f"{allowed} guesses let through in a minute"
    assert any(refused for _moment, refused in report.guesses), "no guess was refused"

    # 4. The new release: nobody signed out, nothing failed (checked in 1).
    assert report.kept_session and all(report.kept_session), report.kept_session

    # People got through in every phase.
    for journey in ("registration", "password reset", "portal sign-in"):
        assert report.journeys[journey] > 0, journey
