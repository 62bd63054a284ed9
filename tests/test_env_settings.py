"""Bad environment values stop start-up with a message naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from portico.lib.env import envbool, envchoice, envint, envlist, envstr, envurl

ROOT = Path(__file__).resolve().parent.parent
# Reading one setting loads the settings module, where every variable is checked;
# much faster than django.setup(), which also imports every app.
LOAD_SETTINGS = "import django; from django.conf import settings; settings.DEBUG"


def test_a_boolean_accepts_the_usual_spellings(monkeypatch: pytest.MonkeyPatch) -> None:
    for value, expected in [
        ("true", True),
        ("YES", True),
        ("1", True),
        ("off", False),
        ("0", False),
    ]:
        monkeypatch.setenv("PORTICO_FLAG", value)
        assert envbool("PORTICO_FLAG", not expected) is expected


def test_a_boolean_that_is_neither_true_nor_false_is_refused_by_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PORTICO_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match=r"PORTICO_FLAG must be true or false .*'maybe'"):
        envbool("PORTICO_FLAG", False)


def test_an_unset_or_blank_variable_gives_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PORTICO_FLAG", raising=False)
    assert envbool("PORTICO_FLAG", True) is True
    monkeypatch.setenv("PORTICO_FLAG", "  ")
    assert envint("PORTICO_FLAG", 7) == 7
    assert envstr("PORTICO_FLAG", "x") == "x"


def test_a_number_that_is_not_whole_is_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTICO_HSTS_SECONDS", "1.5")
    with pytest.raises(ImproperlyConfigured, match="PORTICO_HSTS_SECONDS must be a whole number"):
        envint("PORTICO_HSTS_SECONDS", 0)


def test_a_number_below_the_minimum_is_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTICO_HSTS_SECONDS", "-1")
    with pytest.raises(ImproperlyConfigured, match="PORTICO_HSTS_SECONDS must be at least 0"):
        envint("PORTICO_HSTS_SECONDS", 0, minimum=0)


def test_a_url_with_another_scheme_or_no_host_is_refused_by_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for bad in ("ftp://portico.example", "https://", "portico.example"):
        monkeypatch.setenv("PORTICO_BASE_URL", bad)
        with pytest.raises(ImproperlyConfigured, match="PORTICO_BASE_URL must be a URL starting"):
            envurl("PORTICO_BASE_URL", "http://localhost:8000", schemes=("http", "https"))


def test_a_url_loses_its_trailing_slash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTICO_BASE_URL", "https://portico.example/")
    assert envurl("PORTICO_BASE_URL", "", schemes=("https",)) == "https://portico.example"


def test_a_choice_outside_the_list_is_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTICO_EMAIL_SERVICE", "carrier-pigeon")
    with pytest.raises(ImproperlyConfigured, match="PORTICO_EMAIL_SERVICE must be one of"):
        envchoice("PORTICO_EMAIL_SERVICE", "", choices=("", "postmark"))


def test_a_list_is_split_on_commas_without_blanks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTICO_ALLOWED_HOSTS", " a.example, ,b.example ")
    assert envlist("PORTICO_ALLOWED_HOSTS", []) == ["a.example", "b.example"]


def start_portico(
    tmp_path: Path, code: str = LOAD_SETTINGS, **variables: str
) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter with only ``variables`` of Portico's set."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("PORTICO_")
        # The browser tests allow async-unsafe calls in the test process; never in Portico's.
        and key not in ("DATABASE_URL", "EMAIL_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env |= {"DJANGO_SETTINGS_MODULE": "portico.settings", "PORTICO_DATA_DIR": str(tmp_path)}
    env |= variables
    return subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_portico_starts_in_debug_with_nothing_else_set(tmp_path: Path) -> None:
    started = start_portico(tmp_path, "import django; django.setup()", PORTICO_DEBUG="true")
    assert started.returncode == 0, started.stderr
    assert (tmp_path / "secret_key").exists()


# Where /mailbox/ resolves after start-up: at the root and inside a practice.
SHOW_MAILBOXES = """
import django
django.setup()
from django.urls import Resolver404, resolve

for urlconf in ("portico.urls", "portico.urls_practice"):
    try:
        resolve("/mailbox/", urlconf=urlconf)
    except Resolver404:
        print(urlconf, "none")
    else:
        print(urlconf, "mailbox")
"""
NO_EMAIL = (
    "django.core.exceptions.ImproperlyConfigured: No way to send email is set: "
    "set EMAIL_URL or PORTICO_EMAIL_SERVICE"
)


@pytest.mark.parametrize(
    "base_url", [None, "http://portico.example.org", "https://portico.example.org"]
)
def test_a_production_start_without_a_way_to_send_email_refuses_whatever_the_scheme(
    tmp_path: Path, base_url: str | None
) -> None:
    variables = {"PORTICO_DEBUG": "false"} | ({"PORTICO_BASE_URL": base_url} if base_url else {})
    started = start_portico(tmp_path, "import django; django.setup()", **variables)
    assert started.returncode == 1
    last = started.stderr.strip().splitlines()[-1]
    assert last.startswith(NO_EMAIL), started.stderr
    assert "PORTICO_LOCAL_MAILBOX=true" in last


def test_a_production_start_with_smtp_has_no_mailbox_anywhere(tmp_path: Path) -> None:
    started = start_portico(tmp_path, SHOW_MAILBOXES, EMAIL_URL="smtp://mail.example")
    assert started.returncode == 0, started.stderr
    assert started.stdout.split() == ["portico.urls", "none", "portico.urls_practice", "none"]


def test_a_debug_start_shows_the_open_mailbox(tmp_path: Path) -> None:
    started = start_portico(tmp_path, SHOW_MAILBOXES, PORTICO_DEBUG="true")
    assert started.returncode == 0, started.stderr
    assert "portico.urls mailbox" in started.stdout


@pytest.mark.parametrize("base_url", ["http://portico.example.org", "https://portico.example.org"])
def test_the_opt_in_starts_with_the_mailbox_only_inside_each_practice(
    tmp_path: Path, base_url: str
) -> None:
    started = start_portico(
        tmp_path, SHOW_MAILBOXES, PORTICO_LOCAL_MAILBOX="true", PORTICO_BASE_URL=base_url
    )
    assert started.returncode == 0, started.stderr
    assert started.stdout.split() == [
        "portico.urls",
        "none",
        "portico.urls_practice",
        "mailbox",
    ]


def test_the_opt_in_together_with_a_way_to_send_email_is_refused(tmp_path: Path) -> None:
    started = start_portico(tmp_path, PORTICO_LOCAL_MAILBOX="true", EMAIL_URL="smtp://mail.example")
    assert started.returncode != 0
    assert "PORTICO_LOCAL_MAILBOX=true keeps emails" in started.stderr.splitlines()[-1]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("PORTICO_DEBUG", "maybe"),
        ("PORTICO_DB_CONN_MAX_AGE", "forever"),
        ("PORTICO_BASE_URL", "localhost:8000"),
        ("PORTICO_EMAIL_SERVICE", "carrier-pigeon"),
        ("PORTICO_SECRET_KEY", "too-short"),
        ("DATABASE_URL", "mysql://db.example/portico"),
        ("REDIS_URL", "memcached://cache.example"),
        ("EMAIL_URL", "http://mail.example"),
        ("PORTICO_WEBHOOK_SECRET", "no-colon"),
        ("PORTICO_LOCAL_MAILBOX", "maybe"),
    ],
)
def test_a_bad_value_stops_start_up_with_a_message_naming_the_variable(
    tmp_path: Path, variable: str, value: str
) -> None:
    # In debug, so that the missing email setup is not what stops it.
    started = start_portico(tmp_path, **{"PORTICO_DEBUG": "true", variable: value})
    assert started.returncode != 0
    assert "ImproperlyConfigured" in started.stderr
    assert variable in started.stderr.splitlines()[-1]


def test_an_email_service_without_its_key_names_the_missing_key(tmp_path: Path) -> None:
    started = start_portico(tmp_path, PORTICO_EMAIL_SERVICE="postmark")
    assert started.returncode != 0
    assert "POSTMARK_SERVER_TOKEN is required" in started.stderr


def test_the_production_settings_the_readme_names_pass_check_deploy(tmp_path: Path) -> None:
    """README, "Running Portico for many practices": these variables, nothing to warn about."""
    checked = start_portico(
        tmp_path,
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        PORTICO_SECRET_KEY="k" * 20 + "x7Gq2mPz9Lw4Rt8Vb1Nc6Yd3Hs5Jf0Ke",
        PORTICO_BASE_URL="https://portico.example.com",
        PORTICO_BASE_DOMAIN="portico.example.com",
        PORTICO_BEHIND_PROXY="true",
        PORTICO_SSL_REDIRECT="true",
        PORTICO_HSTS_SECONDS="31536000",
        EMAIL_URL="smtp://mail.example.com:587",
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "no issues" in checked.stdout
