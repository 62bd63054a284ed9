"""The parts of the stack test that are not the stack itself: tools, TLS, SMTP, processes.

See tests/stack/stack.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import email
import email.policy
import ipaddress
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = VENV_BIN / "python"
NGINX = Path("/usr/sbin/nginx")
BASE_DOMAIN = "portico.test"
SECRET_KEY = "stack-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"


class Unavailable(Exception):
    """A tool the stack needs is missing and cannot be installed here (the test skips)."""


# --- tools ----------------------------------------------------------------------------------


def postgres_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        raise Unavailable("PostgreSQL's server programs (initdb) are not installed.")
    return found[-1].parent


def ensure_nginx() -> Path:
    """Debian's nginx, installed with apt-get when missing and allowed (root, like CI)."""
    if NGINX.exists():
        return NGINX
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise Unavailable(
            f"{NGINX} is missing and apt-get cannot run here as root: "
            "install Debian's nginx (apt-get install nginx) to run the stack test."
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    apt_get = shutil.which("apt-get") or "apt-get"
    for command in (
        [apt_get, "update", "-qq"],
        [apt_get, "install", "-y", "-qq", "--no-install-recommends", "nginx"],
    ):
        result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
        if result.returncode != 0:
            raise Unavailable(f"`{' '.join(command)}` failed:\n{result.stdout}{result.stderr}")
    # The package may start the system-wide nginx on port 80; this stack runs its own.
    service = shutil.which("service")
    if service:
        subprocess.run([service, "nginx", "stop"], capture_output=True)  # noqa: S603
    if not NGINX.exists():
        raise Unavailable(f"apt-get installed nginx but {NGINX} is not there.")
    return NGINX


def wait_for(check: Any, *, timeout: float, what: str, interval: float = 0.1) -> float:
    """Call ``check`` until it is true; the seconds it took. Raises after ``timeout``."""
    began = time.monotonic()
    while True:
        try:
            if check():
                return time.monotonic() - began
        except Exception:  # noqa: S110 (not ready yet: try again)
            pass
        if time.monotonic() - began > timeout:
            raise TimeoutError(f"{what} not ready after {timeout:.0f} s")
        time.sleep(interval)


def port_open(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
        return True
    return False


# --- certificates -------------------------------------------------------------------------------


def make_certificates(directory: Path) -> tuple[Path, Path, Path]:
    """A test CA and a wildcard certificate it signed: (ca.pem, cert.pem, key.pem)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Portico stack test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"*.{BASE_DOMAIN}")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [
                    x509.DNSName(f"*.{BASE_DOMAIN}"),
                    x509.DNSName(BASE_DOMAIN),
                    x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                ]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_path, cert_path, key_path = (directory / name for name in ("ca.pem", "cert.pem", "key.pem"))
    ca_path.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_path.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return ca_path, cert_path, key_path


# --- the SMTP server --------------------------------------------------------------------------


@dataclass
class Received:
    message_id: str
    to: str
    subject: str
    text: str
    at: float


class CountingSMTP:
    """aiosmtpd handler: every accepted message by Message-ID, with its text.

    A message counts as delivered only once the server says 250: when the sender is
    gone before that (a worker killed while the server was still taking the message,
    ``delay`` makes that window wide), it is not kept, as a real server would not.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        self.messages: list[Received] = []
        self.delay = 0.0
        self.dropped = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        transport = getattr(server, "transport", None)
        if transport is None or transport.is_closing():
            with self.lock:
                self.dropped += 1
            return "421 4.3.0 Sender went away"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        part = message.get_body(preferencelist=("plain",))
        text = part.get_content() if part is not None else ""
        received = Received(
            message_id=str(message["Message-ID"] or "").strip(),
            to=",".join(envelope.rcpt_tos).lower(),
            subject=str(message["Subject"] or ""),
            text=text,
            at=time.monotonic(),
        )
        with self.lock:
            self.counts[received.message_id] += 1
            self.messages.append(received)
        return "250 2.0.0 OK"

    def for_address(self, address: str) -> list[Received]:
        with self.lock:
            return [m for m in self.messages if m.to == address.lower()]

    def total(self) -> int:
        with self.lock:
            return len(self.messages)


# --- processes ---------------------------------------------------------------------------------


@dataclass
class Service:
    """One long-running process of the stack, in its own process group."""

    name: str
    command: list[str]
    env: dict[str, str]
    log: Path
    restart: bool = False  # start again when it exits (systemd Restart=always)
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0
    stopping: bool = False
    user: str | None = None

    def start(self) -> None:
        self.stopping = False
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 (our own commands)
                self.command,
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                user=self.user,
            )
        self.starts += 1

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL to the whole group: the process and its children die at once."""
        self.stopping = True
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self, timeout: float = 20) -> None:
        """SIGTERM (finish what is in hand), then SIGKILL after ``timeout``."""
        self.stopping = True
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""
