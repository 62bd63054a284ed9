"""Idle cost of the demo: CPU used by `python3 dev.py run` left alone, as % of one core.

    python3 bench/idle_cost.py [SECONDS] [SETTLE]

Starts `python3 dev.py run --port <a free port>` in its own process group, waits
until /healthz answers, lets it settle (default 10 s), then reads utime + stime of
every process in the tree (dev.py, the web server and its reloader child, the
task worker, the recurring jobs) from /proc at the start and at the end of the
window (default 60 s). Prints the % of one core, per process and in total,
against the goal (< 3 %), and stops the tree. Linux only (reads /proc).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")
GOAL = 3.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int(_stat_fields(int(entry.name))[1])
            except (OSError, IndexError, ValueError):
                continue
            tree.setdefault(parent, []).append(int(entry.name))
    return tree


def _stat_fields(pid: int) -> list[str]:
    # The command name (field 2) may hold spaces: split after its closing parenthesis.
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2 :].split()  # fields from 3 (state) on


def descendants(root: int) -> list[int]:
    tree, found, todo = children(), [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(tree.get(pid, []))
    return found


def cpu_ticks(pid: int) -> int:
    fields = _stat_fields(pid)
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)


def command_of(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return "?"
    return raw.replace(str(ROOT) + "/", "").strip()[:70]


def sample(root: int) -> dict[int, int]:
    ticks = {}
    for pid in descendants(root):
        try:
            ticks[pid] = cpu_ticks(pid)
        except OSError:
            continue
    return ticks


def main() -> None:
    window = float(sys.argv[1]) if len(sys.argv) > 1 else 60.0
    settle = float(sys.argv[2]) if len(sys.argv) > 2 else 10.0
    port = free_port()
    env = dict(os.environ)
    # A scratch database, so the demo's seed does not touch the developer's.
    env.setdefault("PORTICO_DATA_DIR", tempfile.mkdtemp(prefix="portico-idle-"))
    log_fd, log_name = tempfile.mkstemp(prefix="portico-idle-", suffix=".log")
    demo = subprocess.Popen(
        [sys.executable, "dev.py", "run", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log_fd,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 180
        while True:
            if demo.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"dev.py run did not start; its output is in {log_name}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):  # noqa: S310
                    break
            except OSError:
                time.sleep(0.5)
        time.sleep(settle)
        before, started = sample(demo.pid), time.monotonic()
        time.sleep(window)
        after, elapsed = sample(demo.pid), time.monotonic() - started
        names = {pid: command_of(pid) for pid in after}
    finally:
        tree = descendants(demo.pid)
        os.killpg(demo.pid, signal.SIGINT)  # dev.py stops its children (own groups) itself
        try:
            demo.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(demo.pid, signal.SIGKILL)
            demo.wait()
        # Whatever of the tree outlived dev.py: each child leads its own group.
        for pid in tree[1:]:
            try:
                os.killpg(pid, signal.SIGTERM)
            except (ProcessLookupError, PermissionError):
                continue

    total = 0
    print(f"idle for {elapsed:.0f} s after a {settle:.0f} s settle; CPU per process:")
    for pid, ticks in sorted(after.items()):
        used = ticks - before.get(pid, 0)  # a process born in the window counts from 0
        total += used
        print(f"  {100 * used / TICKS / elapsed:5.2f} %  {names.get(pid) or pid}")
    percent = 100 * total / TICKS / elapsed
    verdict = "met" if percent < GOAL else "NOT met"
    print(f"total {percent:.2f} % of one core  (goal < {GOAL:.0f} %: {verdict})")


if __name__ == "__main__":
    main()
