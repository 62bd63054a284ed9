"""People using two practices through nginx while the stack is broken, and what came of it.

``run(stack, Options())`` drives the whole story and returns a ``Report``; the CI test
asserts on it and bench/stack.py prints it with more traffic and longer phases.

The people (threads, each its own browser and client address):

- one staff member per practice, signed in once, adding clients (each add sends an
  invitation) and, in the worker phase, starting "Invite everyone not yet invited";
- clients per practice, each taking the next invited person: the invitation link
  from the SMTP server, date of birth, a password (registration); the portal home;
  sign-out and sign-in; "Forgot password?", the reset link, a new password, sign-in;
- one client who stays signed in from start to end (the session must survive the
  new release) and looks at the portal home now and then.

The faults, in order: SIGKILL of one gunicorn (and its workers); SIGKILL of the task
worker sending a batch while the SMTP server is slow, then ``pg_ctl restart`` while
the other worker delivers; Redis stopped for ``redis_outage`` seconds while a guesser
tries passwords from one address; a new release (migrate, then gunicorn restarted
one at a time, out of nginx while it restarts; then the workers).
"""

from __future__ import annotations

import contextlib
import queue
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from tests.stack.browser import Browser, Call, Ledger, Unexpected
from tests.stack.parts import wait_for
from tests.stack.stack import STAFF_PASSWORD, Stack

DOB = "04/12/1990"
CLIENT_PASSWORD = "a stack client password 1"  # noqa: S105 (test accounts)
NEW_PASSWORD = "another stack password 22"  # noqa: S105
GUESSES = 60  # at most, wrong passwords from one address during the Redis outage
REFUSED = "Too many sign-in attempts"
SIGN_INS_A_MINUTE = 20  # RATE_LIMITS["portal_sign_in"]


@dataclass
class Options:
    clients_per_practice: int = 1  # client threads per practice
    think: float = 0.3  # seconds each person waits between two requests
    warm_up: float = 5.0  # seconds of traffic before the first fault
    after_kill: float = 5.0  # seconds of traffic with one gunicorn dead
    redis_outage: float = 30.0
    bulk_clients: int = 30  # per practice, invited in one go in the worker phase
    smtp_delay: float = 0.1  # seconds the SMTP server takes per message in that phase
    real_time_recovery: bool = False  # wait for the 5-minute sweep instead of ageing rows
    settle: float = 120.0  # longest wait for the outbox to empty at the end


@dataclass
class Window:
    name: str
    began: float
    ended: float = 0.0
    recovery: float | None = None  # seconds from the fault to the first success after it
    note: str = ""
    grace: float = 0.0  # seconds after ``ended`` that a failure still belongs to this fault


@dataclass
class Report:
    calls: list[Call]
    windows: dict[str, Window]
    emails_queued: int = 0
    emails_sent_rows: int = 0
    emails_not_sent: list[tuple[str, str]] = field(default_factory=list)
    delivered_unique: int = 0
    duplicates: dict[str, int] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    late: list[str] = field(default_factory=list)  # people who stopped waiting for an email
    smtp_dropped: int = 0
    journeys: Counter[str] = field(default_factory=Counter)
    audit: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    tasks: dict[str, int] = field(default_factory=dict)
    stuck_running: int = 0
    ready_due: int = 0
    guesses: list[tuple[float, bool]] = field(default_factory=list)  # (time, refused)
    kept_session: list[bool] = field(default_factory=list)
    restarts: dict[str, int] = field(default_factory=dict)
    killed_batch: int = 0
    release_timings: dict[str, float] = field(default_factory=dict)
    total_seconds: float = 0.0

    def failures(self) -> list[Call]:
        return [call for call in self.calls if not call.ok]

    def fault_of(self, call: Call) -> str:
        """The latest fault this call overlapped (with its grace), or "no fault"."""
        found, latest = "no fault", float("-inf")
        for name, window in self.windows.items():
            overlaps = call.began <= window.ended + window.grace and call.ended >= window.began
            if overlaps and window.began > latest:
                found, latest = name, window.began
        return found

    def table(self) -> str:
        failures = self.failures()
        by_kind: Counter[str] = Counter()
        for call in failures:
            where = self.fault_of(call)
            by_kind[f"{call.error} ({call.kind}) during {where}"] += 1
        lines = [
            "",
            "Portico production stack under faults",
            f"  {'requests through nginx':<44} {len(self.calls)}",
            f"  {'requests failed':<44} {len(failures)}",
        ]
        for kind, count in sorted(by_kind.items()):
            lines.append(f"    {kind:<70} {count}")
        lines += [
            f"  {'journeys completed':<44} "
            + ", ".join(f"{k} {v}" for k, v in sorted(self.journeys.items())),
            f"  {'emails queued (outbox rows)':<44} {self.emails_queued}",
            f"  {'emails delivered (distinct Message-IDs)':<44} {self.delivered_unique}",
            f"  {'emails duplicated (same Message-ID again)':<44} {sum(self.duplicates.values())}",
            f"  {'emails never delivered':<44} {len(self.missing)}",
            f"  {'people who gave up waiting 90 s for one':<44} {len(self.late)}"
            " (e.g. its email was held by the killed worker until the sweep)",
            f"  {'messages the SMTP server did not accept':<44} {self.smtp_dropped}"
            " (sender killed mid-message)",
            f"  {'emails claimed by the killed worker':<44} {self.killed_batch}",
            f"  {'tasks due but not taken / left running':<44} "
            f"{self.ready_due} / {self.stuck_running} (after periodic closed the killed worker's)",
            f"  {'audit rows (observed successes / rows)':<44} "
            + ", ".join(f"{k} {o}/{r}" for k, (o, r, _u) in sorted(self.audit.items())),
            f"  {'sign-in guesses refused while Redis down':<44} "
            f"{sum(refused for _t, refused in self.guesses)} of {len(self.guesses)}"
            f" (limit {SIGN_INS_A_MINUTE} a minute from one address)",
            f"  {'kept session still signed in':<44} "
            f"{sum(self.kept_session)} of {len(self.kept_session)} checks",
            f"  {'processes started again by the supervisor':<44} "
            + (", ".join(f"{k} {v}" for k, v in sorted(self.restarts.items())) or "none"),
            "  fault                                        lasted   recovery (first success)",
        ]
        for window in self.windows.values():
            recovery = "-" if window.recovery is None else f"{window.recovery:.1f} s"
            lines.append(
                f"    {window.name:<42} {window.ended - window.began:5.1f} s  {recovery}"
                + (f"  ({window.note})" if window.note else "")
            )
        lines.append(f"  {'whole run':<44} {self.total_seconds:.0f} s")
        return "\n".join(lines)


class Traffic:
    def __init__(self, stack: Stack, options: Options) -> None:
        self.stack, self.options = stack, options
        self.ledger = Ledger()
        self.running = threading.Event()
        self.threads: list[threading.Thread] = []
        self.invited: dict[str, queue.Queue[str]] = {}
        self.journeys: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.serial = 0
        self.staff: dict[str, Browser] = {}
        self.kept: Browser | None = None
        self.kept_checks: list[bool] = []
        self.errors: list[str] = []

    def browser(self, slug: str) -> Browser:
        return Browser(
            host=self.stack.practice_host(slug),
            port=self.stack.https_port,
            ca=self.stack.ca,
            ledger=self.ledger,
            think=self.options.think,
        )

    def count(self, journey: str) -> None:
        with self.lock:
            self.journeys[journey] += 1

    # --- people ----------------------------------------------------------------------------

    def staff_sign_in(self, slug: str) -> Browser:
        staff = self.browser(slug)
        page = staff.get("staff sign-in", "/staff/sign-in/")
        signed = staff.submit(
            "staff sign-in",
            page,
            page.form(having="password"),
            email=f"owner@{slug}.test",
            password=STAFF_PASSWORD,
        )
        if signed.location != "/staff/clients/":
            raise Unexpected(signed.call, "staff sign-in did not lead to the client list")
        return staff

    def add_client(self, slug: str, staff: Browser) -> str:
        with self.lock:
            self.serial += 1
            n = self.serial
        address = f"person{n}.{slug}@example.com"
        page = staff.get("staff: add client", "/staff/clients/add/")
        added = staff.submit(
            "staff: add client (sends the invitation)",
            page,
            page.form(action="/staff/clients/add/"),
            first_name=f"Person{n}",
            last_name="Stack",
            date_of_birth=DOB,
            email=address,
        )
        if not added.location.startswith("/staff/clients/"):
            raise Unexpected(added.call, "adding a client did not lead to their page")
        self.count("client added and invited")
        return address

    def staff_loop(self, slug: str) -> None:
        staff = self.staff[slug]
        while self.running.is_set():
            if self.invited[slug].qsize() < self.options.clients_per_practice + 1:
                try:
                    self.invited[slug].put(self.add_client(slug, staff))
                except Unexpected:
                    time.sleep(0.5)
                    continue
            time.sleep(0.3)

    def wait_for_link(self, address: str, pattern: str, *, after: int = 0) -> str | None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            for message in self.stack.smtp.for_address(address)[after:]:
                found = re.search(pattern, message.text)
                if found:
                    return found[0]
            time.sleep(0.2)
        return None

    def client_loop(self, slug: str) -> None:
        while self.running.is_set():
            try:
                address = self.invited[slug].get(timeout=1)
            except queue.Empty:
                continue
            # A failed call is in the ledger; this person gives up and the next one comes.
            with contextlib.suppress(Unexpected):
                self.client_journey(slug, address)

    def client_journey(self, slug: str, address: str) -> None:
        host = re.escape(f"https://{self.stack.practice_host(slug)}:{self.stack.https_port}")
        link = self.wait_for_link(address, host + r"/welcome/[A-Za-z0-9_-]+/")
        if link is None:
            self.errors.append(f"no invitation reached {address}")
            return
        me = self.browser(slug)
        me.follow("client: registration", me.get("client: registration", link))
        page = me.get("client: registration", "/welcome/date-of-birth/")
        page = me.submit(
            "client: registration", page, page.form(having="date_of_birth"), date_of_birth=DOB
        )
        page = me.follow("client: registration", page)
        done = me.submit(
            "client: registration",
            page,
            page.form(having="new_password"),
            new_password=CLIENT_PASSWORD,
            confirm_password=CLIENT_PASSWORD,
        )
        if done.status != 302 or "/welcome/" in done.location:
            raise Unexpected(done.call, "registration did not finish")
        self.count("registration")
        me.follow("client: portal", done)
        self.portal_sign_out(me)
        self.portal_sign_in(me, address, CLIENT_PASSWORD)
        self.portal_sign_out(me)
        # Forgot password: the answer is the same for everyone; the email has the link.
        sent_before = len(self.stack.smtp.for_address(address))
        page = me.get("client: forgot password", "/forgot-password/")
        me.submit(
            "client: forgot password", page, page.form(having="identifier"), identifier=address
        )
        link = self.wait_for_link(address, host + r"/reset/[A-Za-z0-9_-]+/", after=sent_before)
        if link is None:
            self.errors.append(f"no reset email reached {address}")
            return
        page = me.follow("client: reset", me.get("client: reset", link))
        done = me.submit(
            "client: reset",
            page,
            page.form(having="new_password"),
            new_password=NEW_PASSWORD,
            confirm_password=NEW_PASSWORD,
        )
        if done.status != 302:
            raise Unexpected(done.call, "the reset did not finish")
        self.count("password reset")
        self.portal_sign_in(me, address, NEW_PASSWORD)
        self.portal_sign_out(me)

    def portal_sign_in(self, me: Browser, identifier: str, password: str) -> None:
        page = me.get("client: sign-in", "/sign-in/")
        signed = me.submit(
            "client: sign-in",
            page,
            page.form(having="password"),
            identifier=identifier,
            password=password,
        )
        if signed.status != 302 or "sign-in" in signed.location:
            raise Unexpected(signed.call, "portal sign-in refused")
        self.count("portal sign-in")
        home = me.follow("client: portal", signed)
        if home.status != 200:
            raise Unexpected(home.call, "the portal did not open after sign-in")

    def portal_sign_out(self, me: Browser) -> None:
        page = me.get("client: portal", "/")
        form = page.form(action="/sign-out/")
        me.submit("client: sign-out", page, form)

    def kept_loop(self) -> None:
        assert self.kept is not None
        while self.running.is_set():
            time.sleep(1.0)
            signed_in = self.kept_signed_in()
            if signed_in is not None:
                self.kept_checks.append(signed_in)

    def kept_signed_in(self) -> bool | None:
        """Signed in or not; None when no page came back (that call is in the ledger)."""
        assert self.kept is not None
        try:
            page = self.kept.get("kept session: portal home", "/", expect=(200, 302))
        except Unexpected:
            return None
        return page.status == 200 and 'action="/sign-out/"' in page.body

    # --- start and stop ----------------------------------------------------------------------

    def start(self) -> None:
        self.running.set()
        for slug, _name in self.stack.practices:
            self.invited[slug] = queue.Queue()
            self.staff[slug] = self.staff_sign_in(slug)
        # The kept session: a client of the first practice, registered now.
        slug = self.stack.practices[0][0]
        address = self.add_client(slug, self.staff[slug])
        self.kept = self.register_kept(slug, address)
        for slug, _name in self.stack.practices:
            self.spawn(self.staff_loop, slug)
            for _ in range(self.options.clients_per_practice):
                self.spawn(self.client_loop, slug)
        self.spawn(self.kept_loop)

    def register_kept(self, slug: str, address: str) -> Browser:
        host = re.escape(f"https://{self.stack.practice_host(slug)}:{self.stack.https_port}")
        link = self.wait_for_link(address, host + r"/welcome/[A-Za-z0-9_-]+/")
        assert link, f"no invitation reached {address}"
        me = self.browser(slug)
        me.follow("client: registration", me.get("client: registration", link))
        page = me.get("client: registration", "/welcome/date-of-birth/")
        page = me.submit(
            "client: registration", page, page.form(having="date_of_birth"), date_of_birth=DOB
        )
        page = me.follow("client: registration", page)
        me.submit(
            "client: registration",
            page,
            page.form(having="new_password"),
            new_password=CLIENT_PASSWORD,
            confirm_password=CLIENT_PASSWORD,
        )
        self.count("registration")
        return me

    def spawn(self, target: Any, *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        self.threads.append(thread)

    def stop(self) -> None:
        self.running.clear()
        for thread in self.threads:
            thread.join(timeout=120)


# --- the story ---------------------------------------------------------------------------------


def first_success_after(ledger: Ledger, moment: float, kinds: tuple[str, ...] = ()) -> float | None:
    successes = [
        call.ended
        for call in ledger.snapshot()
        if call.ok and call.began >= moment and (not kinds or call.kind in kinds)
    ]
    return min(successes) - moment if successes else None


def run(stack: Stack, options: Options) -> Report:
    began = time.monotonic()
    stack.manage(
        "shell",
        "-c",
        (stack_dir() / "seed.py").read_text(),
        env_extra={"STACK_BULK_CLIENTS": str(options.bulk_clients)},
    )
    traffic = Traffic(stack, options)
    traffic.start()
    windows: dict[str, Window] = {}
    report_extra: dict[str, Any] = {}
    try:
        time.sleep(options.warm_up)
        windows["gunicorn web1 SIGKILL"] = kill_gunicorn(stack, traffic, options)
        windows["worker SIGKILL mid-batch"], report_extra["killed_batch"] = kill_worker(
            stack, traffic, options
        )
        windows["PostgreSQL restart"] = restart_postgres(stack, traffic)
        windows["Redis stopped"], report_extra["guesses"] = stop_redis(stack, traffic, options)
        windows["new release"], report_extra["release_timings"] = new_release(stack, traffic)
        time.sleep(3)
    finally:
        traffic.stop()
    recover_stuck_emails(stack, options)
    report = Report(calls=traffic.ledger.snapshot(), windows=windows, **report_extra)
    report.journeys = traffic.journeys
    report.kept_session = list(traffic.kept_checks) + [traffic.kept_signed_in() is True]
    settle_outbox(stack, options)
    check_emails(stack, report)
    check_audit(stack, report)
    close_abandoned_tasks(stack, options)
    check_tasks(stack, report)
    report.restarts = dict(stack.restarts)
    report.smtp_dropped = stack.smtp.dropped
    report.total_seconds = time.monotonic() - began
    # A person who gave up waiting (90 s) for an email: late, not lost (the outbox check
    # above says whether it was delivered in the end).
    report.late = list(traffic.errors)
    return report


def stack_dir() -> Any:
    from pathlib import Path

    return Path(__file__).resolve().parent


def kill_gunicorn(stack: Stack, traffic: Traffic, options: Options) -> Window:
    window = Window("gunicorn web1 SIGKILL", time.monotonic())
    stack.web(0).kill()
    stack.note("web1 killed")
    window.ended = time.monotonic()
    time.sleep(options.after_kill)
    window.recovery = first_success_after(traffic.ledger, window.began)
    # The supervisor starts it again; nginx sends it requests again after fail_timeout.
    # The story goes on meanwhile; the time it took is noted when it is known.
    stack.start_web(0)

    def healthy_again() -> None:
        took = wait_for(lambda: stack.web_healthy(stack.web_ports[0]), timeout=180, what="web1")
        window.note = f"web1 started again: serving after {took:.1f} s"

    threading.Thread(target=healthy_again, daemon=True).start()
    return window


def kill_worker(stack: Stack, traffic: Traffic, options: Options) -> tuple[Window, int]:
    """A burst of invitations, a slow SMTP server, and the sending worker killed."""
    stack.smtp.delay = options.smtp_delay
    delivered_before = stack.smtp.total()
    # Both practices at once: more than one batch, so the other worker is delivering
    # the rest while PostgreSQL restarts.
    for slug, _name in stack.practices:
        staff = traffic.staff[slug]
        page = staff.get("staff: bulk invitation", "/staff/clients/bulk-invite/")
        staff.submit(
            "staff: bulk invitation",
            page,
            page.form(action=""),  # the form posts back to its own page
        )
    # Wait until a worker is part-way through a batch of the burst.
    wait_for(
        lambda: stack.smtp.total() - delivered_before >= 5 and sending_batch(stack) is not None,
        timeout=60,
        what="a worker sending a batch",
        interval=0.02,
    )
    found = sending_batch(stack)
    assert found is not None
    worker_id, claimed = found
    # Workers run with --worker-id stack-worker<N> (Stack.worker_service).
    victim = stack.services[worker_id.removeprefix("stack-")]
    window = Window("worker SIGKILL mid-batch", time.monotonic())
    stack.kill_and_restart(victim)
    window.ended = time.monotonic()
    window.note = f"{victim.name} held {claimed} emails in 'sending'"
    return window, claimed


def sending_batch(stack: Stack) -> tuple[str, int] | None:
    """(worker id, emails in 'sending') of a running outbox task, if one is sending."""
    rows = stack.sql(
        "SELECT worker_ids FROM django_tasks_database_dbtaskresult "
        "WHERE status = 'RUNNING' AND task_path LIKE %s ORDER BY started_at DESC LIMIT 1",
        "%deliver_outbox%",
    )
    sending = stack.sql("SELECT count(*) FROM mail_outboundemail WHERE status = 'sending'")[0][0]
    if not rows or sending < 5:
        return None
    worker_ids = rows[0][0]
    return str(worker_ids[-1]), int(sending)


def restart_postgres(stack: Stack, traffic: Traffic) -> Window:
    """``pg_ctl restart`` while the other worker is still delivering the burst."""
    # A request that began just before the restart may fail just after it returns.
    window = Window("PostgreSQL restart", time.monotonic(), grace=2.0)
    took = stack.restart_postgres()
    window.ended = time.monotonic()
    stack.smtp.delay = 0.0
    time.sleep(3)
    window.recovery = first_success_after(traffic.ledger, window.ended)
    window.note = f"down {took:.1f} s"
    return window


def stop_redis(
    stack: Stack, traffic: Traffic, options: Options
) -> tuple[Window, list[tuple[float, bool]]]:
    window = Window("Redis stopped", time.monotonic())
    stack.stop_redis()
    guesser = traffic.browser(stack.practices[1][0])
    guesser.think = 0.0  # a script, not a person
    guesses: list[tuple[float, bool]] = []  # (unix time, refused)
    page = guesser.get("guesser: sign-in", "/sign-in/")
    form = page.form(having="password")
    # Until a few are refused: a minute boundary may reset the count once on the way.
    for n in range(GUESSES):
        if sum(refused for _t, refused in guesses) >= 3:
            break
        answer = guesser.submit(
            "guesser: sign-in",
            page,
            form,
            identifier=f"nobody{n}@example.com",
            password="a wrong guess",
        )
        guesses.append((time.time(), REFUSED in answer.body))
    remaining = options.redis_outage - (time.monotonic() - window.began)
    if remaining > 0:
        time.sleep(remaining)
    stack.start_redis_again()
    window.ended = time.monotonic()
    window.recovery = first_success_after(traffic.ledger, window.ended)
    return window, guesses


def new_release(stack: Stack, traffic: Traffic) -> tuple[Window, dict[str, float]]:
    window = Window("new release", time.monotonic())
    timings = stack.new_release()
    window.ended = time.monotonic()
    window.note = ", ".join(f"{k} {v:.1f} s" for k, v in timings.items())
    return window, timings


# --- after the faults ------------------------------------------------------------------------


def recover_stuck_emails(stack: Stack, options: Options) -> None:
    """Emails a killed worker left in 'sending' go back after STUCK_AFTER (5 minutes).

    The long run waits for it; the short one moves those rows' clock back 5 minutes
    and runs the recurring jobs once (``manage.py periodic --once``, the README's
    cron form), which is exactly what the running ``periodic`` does 5 minutes later.
    """
    if options.real_time_recovery:
        wait_seconds = 6 * 60
        deadline = time.monotonic() + wait_seconds
        while time.monotonic() < deadline:
            if not stack.sql("SELECT 1 FROM mail_outboundemail WHERE status = 'sending'"):
                return
            time.sleep(5)
        return
    stack.sql(
        "UPDATE mail_outboundemail SET status_changed_at = status_changed_at - interval '6 minutes'"
        " WHERE status = 'sending'"
    )
    stack.manage("periodic", "--once", "--verbosity", "0")


def close_abandoned_tasks(stack: Stack, options: Options) -> None:
    """A killed worker's task row says "running" until ``periodic`` closes it (1 hour).

    Once the outbox has settled the live workers are idle, so every row still running
    was left by a killed worker. The short run moves their clock back past
    ABANDONED_AFTER and runs the recurring jobs once; the long one does the same (an
    hour is too long to wait), so both check the sweep, not the clock.
    """
    stack.sql(
        "UPDATE django_tasks_database_dbtaskresult"
        " SET started_at = started_at - interval '61 minutes' WHERE status = 'RUNNING'"
    )
    stack.manage("periodic", "--once", "--verbosity", "0")


def settle_outbox(stack: Stack, options: Options) -> None:
    deadline = time.monotonic() + options.settle
    while time.monotonic() < deadline:
        left = stack.sql(
            "SELECT count(*) FROM mail_outboundemail WHERE status IN ('queued', 'sending')"
        )[0][0]
        if not left:
            return
        time.sleep(1)


def check_emails(stack: Stack, report: Report) -> None:
    rows = stack.sql("SELECT message_id, status FROM mail_outboundemail")
    report.emails_queued = len(rows)
    counts = stack.smtp.counts
    report.emails_sent_rows = sum(1 for _id, status in rows if status == "sent")
    report.emails_not_sent = [(i, s) for i, s in rows if s != "sent"]
    report.delivered_unique = sum(1 for message_id, _s in rows if counts.get(message_id))
    report.missing = [message_id for message_id, _s in rows if not counts.get(message_id)]
    report.duplicates = {k: v - 1 for k, v in counts.items() if v > 1}


AUDITED = {
    # journey counted by the traffic -> the audit action it must have written
    "registration": "access.registered",
    "password reset": "access.reset.completed",
    "client added and invited": "client.added",
}


def check_audit(stack: Stack, report: Report) -> None:
    for journey, action in AUDITED.items():
        rows = stack.sql("SELECT count(*) FROM audit_auditevent WHERE action = %s", action)[0][0]
        unknown = sum(
            1 for call in report.calls if not call.ok and call.method == "POST"
        )  # outcomes the client never saw
        report.audit[journey] = (report.journeys[journey], int(rows), unknown)
    sign_ins = stack.sql("SELECT count(*) FROM audit_auditevent WHERE action = 'signin.succeeded'")[
        0
    ][0]
    observed = report.journeys["portal sign-in"]
    report.audit["portal sign-in"] = (observed, int(sign_ins), 0)


def check_tasks(stack: Stack, report: Report) -> None:
    for status, count in stack.sql(
        "SELECT status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY status"
    ):
        report.tasks[status] = int(count)
    report.stuck_running = report.tasks.get("RUNNING", 0)
    # Ready and due, yet not taken by a worker (a task for later, e.g. the hourly
    # summary of refused requests, is not waiting).
    report.ready_due = int(
        stack.sql(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'READY'"
            " AND enqueued_at <= now() - interval '10 seconds'"
            " AND (run_after >= '9999-01-01' OR run_after <= now() - interval '10 seconds')"
        )[0][0]
    )
