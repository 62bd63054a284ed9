"""How the browser tests get axe-core (tests/browser/axe.py): pinned, checked, one file taken.

Each install test works in a folder of its own holding a copy of the repository's
package-lock.json, never in the checkout's node_modules.
"""

from __future__ import annotations

import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest

from tests.browser import axe

REGISTRY_TARBALL = "https://registry.npmjs.org/axe-core/-/axe-core-{version}.tgz"


def tarball(members: dict[str, bytes]) -> bytes:
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w:gz") as archive:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return data.getvalue()


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A fresh clone, as far as axe is concerned: the lockfile and no node_modules."""
    shutil.copy(axe.ROOT / "package.json", tmp_path / "package.json")
    shutil.copy(axe.ROOT / "package-lock.json", tmp_path / "package-lock.json")
    return tmp_path


def test_axe_core_is_pinned_to_one_version_with_its_tarball_and_sha512() -> None:
    wanted = json.loads((axe.ROOT / "package.json").read_text())["devDependencies"]["axe-core"]
    locked = axe.locked_package()
    assert wanted == locked["version"], "package.json pins an exact version, no ^ or ~"
    assert locked["resolved"] == REGISTRY_TARBALL.format(version=wanted)
    assert locked["integrity"].startswith("sha512-")


def test_the_integrity_check_accepts_the_same_bytes_and_refuses_any_other() -> None:
    import base64
    import hashlib

    data = b"axe"
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    assert axe.matches_integrity(data, integrity)
    assert not axe.matches_integrity(data + b" ", integrity)
    with pytest.raises(axe.AxeUnavailable):
        axe.matches_integrity(data, "sha1-" + integrity[7:])


def test_only_axe_min_js_and_its_manifest_leave_the_tarball(tmp_path: Path) -> None:
    archive = tarball(
        {
            "package/axe.min.js": b"window.axe = {};",
            "package/package.json": b'{"version": "9.9.9"}',
            "package/../../escaped.js": b"evil",
            "/etc/absolute.js": b"evil",
            "package/bin/postinstall.sh": b"evil",
        }
    )
    target = tmp_path / "clone" / "node_modules" / "axe-core"
    axe.extract(archive, target)
    assert sorted(p.name for p in target.iterdir()) == ["axe.min.js", "package.json"]
    assert (target / "axe.min.js").read_bytes() == b"window.axe = {};"
    assert not (tmp_path / "escaped.js").exists()
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == [
        "axe.min.js",
        "package.json",
    ]


def test_a_tarball_without_axe_min_js_is_refused(tmp_path: Path) -> None:
    with pytest.raises(axe.AxeUnavailable):
        axe.extract(tarball({"package/package.json": b"{}"}), tmp_path)
    assert not list(tmp_path.iterdir())


def test_a_lockfile_pointing_at_plain_http_is_refused(clone: Path) -> None:
    lock = json.loads((clone / "package-lock.json").read_text())
    entry = lock["packages"]["node_modules/axe-core"]
    entry["resolved"] = entry["resolved"].replace("https://", "http://")
    (clone / "package-lock.json").write_text(json.dumps(lock))
    with pytest.raises(axe.AxeUnavailable, match="not https"):
        axe.fetch(clone)


def test_without_npm_the_locked_tarball_is_fetched_checked_and_unpacked(clone: Path) -> None:
    try:
        axe.fetch(clone)
    except axe.AxeUnavailable as exc:
        if "could not download" in str(exc) and not axe.in_ci():
            pytest.skip(f"no network: {exc}")
        raise
    assert axe.installed_version(clone) == axe.locked_package()["version"]
    assert (clone / "node_modules/axe-core/axe.min.js").read_text().startswith("/*! axe v")


def test_an_installed_axe_at_the_locked_version_is_used_as_it_is(clone: Path) -> None:
    version = axe.locked_package(clone)["version"]
    target = clone / "node_modules" / "axe-core"
    target.mkdir(parents=True)
    (target / "package.json").write_text(json.dumps({"version": version}))
    (target / "axe.min.js").write_text("/* already here */")
    assert axe.ensure_installed(clone) == target / "axe.min.js"
    assert (target / "axe.min.js").read_text() == "/* already here */"
