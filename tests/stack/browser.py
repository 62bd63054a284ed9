"""A small HTTPS client that acts like one person's browser, through nginx.

Standard library only: ``http.client`` over a TLS connection to 127.0.0.1 (the test's
own host mapping) with SNI and Host set to the practice's name, trusting the test's
CA. Each browser has its own source address in 127.0.0.0/8 (Linux answers the whole
range on the loopback), so nginx sees one client address per person, as in real
life, and the per-address limits apply to each person, not to the whole test.

Every request is logged in a shared ``Ledger`` (kind, status, start, end, error) so
the test can tell which failures happened when.
"""

from __future__ import annotations

import http.client
import itertools
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

_addresses = itertools.count(2)
_address_lock = threading.Lock()


def next_address() -> str:
    with _address_lock:
        n = next(_addresses)
    return f"127.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255 or 1}"


@dataclass
class Call:
    kind: str  # what the person was doing, e.g. "portal sign-in"
    method: str
    path: str
    began: float
    ended: float
    status: int  # 0 when no HTTP answer came back
    error: str = ""  # "" when the answer was the expected one

    @property
    def ok(self) -> bool:
        return not self.error


@dataclass
class Ledger:
    calls: list[Call] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, call: Call) -> None:
        with self.lock:
            self.calls.append(call)

    def snapshot(self) -> list[Call]:
        with self.lock:
            return list(self.calls)


class Unexpected(Exception):
    """The answer was not what the journey needed (the call is in the ledger)."""

    def __init__(self, call: Call, body: str = "") -> None:
        super().__init__(f"{call.method} {call.path}: {call.status} {call.error}")
        self.call = call
        self.body = body


@dataclass
class Page:
    status: int
    location: str
    body: str
    call: Call

    def forms(self) -> list[Form]:
        parser = FormParser()
        parser.feed(self.body)
        return parser.forms

    def form(self, *, action: str | None = None, having: str | None = None) -> Form:
        for form in self.forms():
            if action is not None and form.action.rstrip("/") != action.rstrip("/"):
                continue
            if having is not None and having not in form.fields:
                continue
            return form
        raise Unexpected(self.call, f"no form (action={action}, having={having})")


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str]

    def filled(self, **values: str) -> dict[str, str]:
        return {**self.fields, **values}


class FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._current: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._current = Form(a.get("action", ""), a.get("method", "get").lower(), {})
            self.forms.append(self._current)
        if self._current is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._current.fields[name] = a.get("value", "on")
            elif kind not in ("submit", "button", "file"):
                self._current.fields.setdefault(name, a.get("value", ""))
        elif tag == "button" and name and a.get("type", "submit") == "submit":
            self._current.fields.setdefault(name, a.get("value", ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            if "selected" in a or self._select not in self._current.fields:
                self._current.fields[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self._current.fields[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


class Browser:
    """One person at one practice: cookies, a source address, a CA to trust."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        ca: Path,
        ledger: Ledger,
        timeout: float = 30,
        think: float = 0.0,
    ) -> None:
        self.host, self.port, self.ledger, self.timeout = host, port, ledger, timeout
        self.think = think  # seconds a person takes before each request
        self.address = next_address()
        self.context = ssl.create_default_context(cafile=str(ca))
        self.cookies: dict[str, str] = {}

    @property
    def origin(self) -> str:
        return f"https://{self.host}:{self.port}"

    def _connection(self) -> http.client.HTTPSConnection:
        browser = self

        class Mapped(http.client.HTTPSConnection):
            def connect(self) -> None:
                # The test's hosts mapping: every *.portico.test is 127.0.0.1.
                sock = socket.create_connection(
                    ("127.0.0.1", browser.port), browser.timeout, (browser.address, 0)
                )
                self.sock = browser.context.wrap_socket(sock, server_hostname=browser.host)

        return Mapped(self.host, self.port, timeout=self.timeout)

    def request(
        self,
        kind: str,
        method: str,
        path: str,
        data: dict[str, str] | None = None,
        *,
        expect: tuple[int, ...] = (200, 302),
        retry_idempotent: bool = True,
    ) -> Page:
        """One request; a GET that got no answer is tried again once (idempotent)."""
        tries = 2 if method == "GET" and retry_idempotent else 1
        for attempt in range(tries):
            page = self._once(kind, method, path, data, expect=expect)
            if page.call.ok or page.call.status != 0 or attempt == tries - 1:
                break
        if not page.call.ok:
            raise Unexpected(page.call, page.body)
        return page

    def _once(
        self, kind: str, method: str, path: str, data: dict[str, str] | None, *, expect: Any
    ) -> Page:
        if self.think:
            time.sleep(self.think)
        parts = urlsplit(path)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = {"Connection": "close", "User-Agent": "portico-stack-test"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if method == "POST":
            body = urlencode(data or {})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + target
        began = time.monotonic()
        status, location, text, error = 0, "", "", ""
        connection = self._connection()
        try:
            connection.request(method, target, body=body, headers=headers)
            response = connection.getresponse()
            status = response.status
            location = response.getheader("Location") or ""
            for header in response.headers.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(header)
                for name, morsel in cookie.items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            text = response.read().decode("utf-8", errors="replace")
        except (OSError, http.client.HTTPException) as exc:
            error = f"no answer ({type(exc).__name__})"
        finally:
            connection.close()
        if not error and status not in expect:
            error = f"HTTP {status}"
        call = Call(kind, method, target, began, time.monotonic(), status, error)
        self.ledger.add(call)
        return Page(status, location, text, call)

    def get(self, kind: str, path: str, **options: Any) -> Page:
        return self.request(kind, "GET", path, **options)

    def follow(self, kind: str, page: Page, *, limit: int = 5) -> Page:
        """Follow redirects (GET) to the page they end at."""
        while page.status in (301, 302, 303) and limit:
            page = self.get(kind, page.location)
            limit -= 1
        return page

    def submit(self, kind: str, page: Page, form: Form, **values: str) -> Page:
        action = form.action or page.call.path
        return self.request(kind, "POST", action, form.filled(**values))
