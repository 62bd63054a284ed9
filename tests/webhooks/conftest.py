"""A real HTTP receiver on 127.0.0.1 (http.server in a thread) for webhook deliveries."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.practices.models import Practice
from portico.webhooks.actions import create_endpoint
from portico.webhooks.events import EventType
from portico.webhooks.models import WebhookEndpoint
from tests.mail.conftest import free_port


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Answers ``status`` to every POST and keeps what it got; ``stop()`` refuses connections."""

    port: int
    status: int = 204
    received: list[Received] = field(default_factory=list)
    extra_headers: dict[str, str] = field(default_factory=dict)
    server: ThreadingHTTPServer | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/portico-events"

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                with receiver.lock:
                    receiver.received.append(
                        Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                    )
                self.send_response(receiver.status)
                for name, value in receiver.extra_headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def bodies(self) -> list[bytes]:
        with self.lock:
            return [each.body for each in self.received]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver(free_port())
    running.start()
    yield running
    running.stop()


@pytest.fixture
def endpoint(maple: Practice, owner: User, receiver: Receiver) -> WebhookEndpoint:
    """Maple's endpoint at the local receiver, subscribed to every event."""
    return create_endpoint(
        maple,
        url=receiver.url,
        description="Local receiver",
        event_types=[value for value, _ in EventType.choices],
        by=Actor.for_user(owner),
    )
