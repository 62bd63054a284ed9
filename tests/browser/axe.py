"""axe-core (the npm package pinned in package-lock.json) for the browser tests.

``axe_source()`` returns the text of ``node_modules/axe-core/axe.min.js``, installing it
first when a fresh clone has none: ``npm ci --ignore-scripts`` when npm exists, else a
pure-Python download of the tarball named in package-lock.json, checked against the
lockfile's sha512 ``integrity`` before the one file we need is taken out of it.

``check(tab, where)`` runs axe on the page in ``tab`` with the WCAG 2.0, 2.1 and 2.2
A/AA rules and returns one readable line per violation (empty: none). The script is
evaluated through the DevTools protocol, so the pages' Content-Security-Policy (which
allows no inline script) does not stop it, and the pages themselves are unchanged.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
_LOCKED = "node_modules/axe-core"


class AxeUnavailable(Exception):
    """axe-core is not installed and could not be installed; the message says why."""


def package_dir(root: Path = ROOT) -> Path:
    return root / "node_modules" / "axe-core"


def locked_package(root: Path = ROOT) -> dict[str, Any]:
    """axe-core's entry in package-lock.json: version, resolved (tarball URL), integrity."""
    entry: dict[str, Any] = json.loads((root / "package-lock.json").read_text())["packages"][
        _LOCKED
    ]
    return entry


def installed_version(root: Path = ROOT) -> str | None:
    manifest = package_dir(root) / "package.json"
    if not ((package_dir(root) / "axe.min.js").exists() and manifest.exists()):
        return None
    version = json.loads(manifest.read_text()).get("version")
    return str(version) if version else None


def matches_integrity(data: bytes, integrity: str) -> bool:
    """``data`` has the lockfile's ``sha512-<base64>`` integrity."""
    algorithm, _, expected = integrity.partition("-")
    if algorithm != "sha512":
        raise AxeUnavailable(f"package-lock.json: unexpected integrity {integrity!r}")
    return base64.b64encode(hashlib.sha512(data).digest()).decode() == expected


def extract(tarball: bytes, target: Path) -> None:
    """Write package/axe.min.js and package/package.json, and nothing else, into ``target``.

    Members are read by exact name and written under names of our own: no path from
    the archive ever reaches the file system.
    """
    wanted = {"package/axe.min.js": "axe.min.js", "package/package.json": "package.json"}
    found: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        for member in archive.getmembers():
            if member.name in wanted and member.isfile():
                extracted = archive.extractfile(member)
                if extracted is not None:
                    found[wanted[member.name]] = extracted.read()
    if set(found) != set(wanted.values()):
        raise AxeUnavailable("the axe-core tarball has no package/axe.min.js or package.json")
    target.mkdir(parents=True, exist_ok=True)
    (target / "package.json").write_bytes(found["package.json"])
    partial = target / "axe.min.js.partial"  # axe.min.js appears whole or not at all
    partial.write_bytes(found["axe.min.js"])
    partial.replace(target / "axe.min.js")


def fetch(root: Path = ROOT) -> None:
    """Without npm: download the locked tarball, check its integrity, take axe.min.js."""
    locked = locked_package(root)
    version, url, integrity = locked["version"], str(locked["resolved"]), locked["integrity"]
    if not url.startswith("https://"):
        raise AxeUnavailable(f"package-lock.json: axe-core's tarball URL is not https: {url}")
    try:
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (https only, above)
            tarball = response.read()
    except OSError as exc:
        raise AxeUnavailable(f"could not download axe-core {version} from {url}: {exc}") from None
    if not matches_integrity(tarball, str(integrity)):
        raise AxeUnavailable(f"the axe-core {version} tarball does not match its sha512 integrity")
    extract(tarball, package_dir(root))


@contextmanager
def _one_installer() -> Iterator[None]:
    """pytest-xdist workers take turns (the first installs, the others find it done)."""
    lock_path = Path(tempfile.gettempdir()) / "portico-axe-install.lock"
    with open(lock_path, "a") as lock:
        try:
            import fcntl
        except ImportError:  # Windows: no lock, installs are idempotent anyway
            yield
            return
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def ensure_installed(root: Path = ROOT) -> Path:
    """The path of axe.min.js at the locked version, installing it when missing."""
    version = str(locked_package(root)["version"])
    axe_js = package_dir(root) / "axe.min.js"
    if installed_version(root) == version:
        return axe_js
    with _one_installer():
        if installed_version(root) == version:
            return axe_js
        npm = shutil.which("npm")
        if npm:
            command = [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"]
            result = subprocess.run(command, cwd=root, capture_output=True, text=True)  # noqa: S603
            if result.returncode != 0:
                raise AxeUnavailable(
                    f"`npm ci --ignore-scripts` failed:\n{result.stdout}{result.stderr}"
                )
        else:
            fetch(root)
    if installed_version(root) != version:
        raise AxeUnavailable(f"node_modules/axe-core is not version {version} after installing")
    return axe_js


@cache
def axe_source() -> str:
    return ensure_installed().read_text(encoding="utf-8")


def check(tab: Any, where: str) -> list[str]:
    """axe's WCAG 2.2 A/AA violations on the page open in ``tab``, one line per target."""
    if not tab.evaluate("() => typeof window.axe === 'object'"):
        tab.evaluate(axe_source())
    results = tab.evaluate(
        "options => window.axe.run(document, options)",
        {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]},
    )
    lines = []
    for violation in results["violations"]:
        for node in violation["nodes"]:
            target = " ".join(
                " >> ".join(part) if isinstance(part, list) else part for part in node["target"]
            )
            lines.append(
                f"{where}: [{violation['id']}] {violation['help']} -> {target}\n"
                f"    {violation['helpUrl']}\n"
                f"    {node.get('failureSummary', '').replace(chr(10), ' ')}\n"
                f"    {node['html'][:200]}"
            )
    return lines


def report(violations: list[str]) -> str:
    return f"{len(violations)} accessibility violation(s) (axe-core, WCAG 2.2 A/AA):\n" + (
        "\n".join(violations)
    )


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def axe_or_skip() -> str:
    """axe's source for a fixture: under CI=true a missing axe fails, elsewhere it skips."""
    try:
        return axe_source()
    except AxeUnavailable as exc:
        message = (
            f"axe-core {locked_package()['version']} is not available: {exc}. The browser "
            "tests install it with `npm ci --ignore-scripts` (or, without npm, by fetching "
            "the tarball package-lock.json names); CI must reach the npm registry."
        )
        if in_ci():
            pytest.fail(message)
        pytest.skip(message + " Accessibility checks skipped (no network?).")
