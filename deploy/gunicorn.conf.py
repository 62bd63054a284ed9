"""gunicorn settings for Portico: ``gunicorn -c deploy/gunicorn.conf.py portico.wsgi``.

Every value can be changed through the environment, so one file serves every host:

- ``PORTICO_BIND`` (``127.0.0.1:8000``): where this process listens (the load
  balancer's upstream entry).
- ``PORTICO_WEB_WORKERS`` (2 × cores): sync worker processes. Sign-in is CPU-bound
  (Argon2id), so more workers than about two per core only queue.
- ``PORTICO_WEB_TIMEOUT`` (30): seconds before a stuck worker is killed and replaced.

Stopping: SIGTERM finishes the requests in flight (up to ``graceful_timeout``) and
exits. For a rolling restart take the process out of the load balancer first (nginx:
mark its upstream entry ``down`` and reload), stop it, start the new release on the
same address, wait for ``/healthz``, put it back (deploy/nginx.conf, README).
"""

from __future__ import annotations

import multiprocessing
import os

bind = os.environ.get("PORTICO_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("PORTICO_WEB_WORKERS", str(2 * multiprocessing.cpu_count())))
worker_class = "sync"
timeout = int(os.environ.get("PORTICO_WEB_TIMEOUT", "30"))
graceful_timeout = 20
# Replace each worker now and then (a slow leak never grows for ever); jittered so
# the workers do not restart together.
max_requests = 5000
max_requests_jitter = 500
# Connections wait here while every worker is busy (nginx times out before this fills).
backlog = 256
# Errors to stderr, for the supervisor's log; nginx keeps the access log.
errorlog = "-"
loglevel = os.environ.get("PORTICO_GUNICORN_LOG_LEVEL", "warning")
# The app is loaded once in the master, before it listens: a process that is still
# starting refuses connections (nginx moves on at once) instead of accepting them
# into a queue no worker reads yet; workers are forked ready. A new release needs a
# restart of the process (a rolling restart), not a HUP.
preload_app = True
# No gunicornc control socket: it lives at one path per user, so a second gunicorn on
# the same host would fight the first for it; signals and the load balancer suffice.
control_socket_disable = True
