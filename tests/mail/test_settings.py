"""The email section of the settings: EMAIL_URL and email services, checked at start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
SHOW_MAILER = (
    "import json; from django.conf import settings; "
    "print(json.dumps({'mailers': settings.MAILERS, 'anymail': settings.ANYMAIL, "
    "'local': settings.LOCAL_MAILBOX}))"
)


def load_settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PORTICO_", "EMAIL_", "POSTMARK_", "SENDGRID_", "MAILGUN_"))
        and key not in ("DATABASE_URL", "REDIS_URL")
    }
    clean |= {
        "DJANGO_SETTINGS_MODULE": "portico.settings",
        "PORTICO_DATA_DIR": str(tmp_path),
        "PYTHONWARNINGS": "error::DeprecationWarning",
        **env,
    }
    return subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
        [sys.executable, "-W", "error", "-c", SHOW_MAILER],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def mailer(tmp_path: Path, **env: str) -> dict[str, object]:
    started = load_settings(tmp_path, **env)
    assert started.returncode == 0, started.stderr
    loaded: dict[str, object] = json.loads(started.stdout)
    return loaded


def test_in_debug_with_nothing_else_set_emails_go_to_the_local_mailbox(tmp_path: Path) -> None:
    loaded = mailer(tmp_path, PORTICO_DEBUG="true")
    assert loaded["local"] is True
    assert loaded["mailers"] == {
        "default": {"BACKEND": "portico.mail.backends.LocalMailboxBackend"}
    }


@pytest.mark.parametrize(
    ("url", "port", "tls", "ssl"),
    [
        ("smtp://mail.example", 25, False, False),
        ("smtp+tls://mail.example", 587, True, False),
        ("smtps://mail.example", 465, False, True),
        ("smtp+tls://mail.example:2525", 2525, True, False),
    ],
)
def test_email_url_schemes_choose_port_and_encryption(
    tmp_path: Path, url: str, port: int, tls: bool, ssl: bool
) -> None:
    loaded = mailer(tmp_path, EMAIL_URL=url)
    assert loaded["local"] is False
    options = loaded["mailers"]["default"]["OPTIONS"]  # type: ignore[index]
    assert options["host"] == "mail.example"
    assert (options["port"], options["use_tls"], options["use_ssl"]) == (port, tls, ssl)


def test_user_and_password_in_email_url_are_url_decoded(tmp_path: Path) -> None:
    loaded = mailer(tmp_path, EMAIL_URL="smtp+tls://me%40example.com:p%40ss%3Aw%2Fd@mail.example")
    options = loaded["mailers"]["default"]["OPTIONS"]  # type: ignore[index]
    assert options["username"] == "me@example.com"
    assert options["password"] == "p@ss:w/d"  # noqa: S105 (a test value)


def test_no_deprecated_email_setting_remains(tmp_path: Path) -> None:
    # -W error turns Django's RemovedInDjango2028Warning into a failure.
    started = load_settings(
        tmp_path,
        EMAIL_URL="smtp://mail.example",
    )
    assert started.returncode == 0, started.stderr
    check = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-W",
            "error",
            "-c",
            "import django; django.setup(); from django.core.mail import mailers; "
            "print(type(mailers.default).__module__)",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portico.settings",
            "PORTICO_DATA_DIR": str(tmp_path),
            "EMAIL_URL": "smtp://mail.example",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert check.returncode == 0, check.stderr
    assert check.stdout.strip() == "django.core.mail.backends.smtp"


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"EMAIL_URL": "http://x"}, "EMAIL_URL"),
        ({"EMAIL_URL": "smtp://mail.example:port"}, "EMAIL_URL"),
        (
            {"PORTICO_EMAIL_SERVICE": "postmark", "POSTMARK_SERVER_TOKEN": "t"},
            "PORTICO_WEBHOOK_SECRET",
        ),
        (
            {
                "PORTICO_EMAIL_SERVICE": "mailgun",
                "MAILGUN_API_KEY": "k",
                "MAILGUN_SENDER_DOMAIN": "mg.example",
                "PORTICO_WEBHOOK_SECRET": "hook:secret",
            },
            "MAILGUN_WEBHOOK_SIGNING_KEY",
        ),
        (
            {"EMAIL_URL": "smtp://mail.example", "PORTICO_EMAIL_SERVICE": "sendgrid"},
            "EMAIL_URL",
        ),
        # An https:// address is a real installation: the local mailbox is not for it.
        ({"PORTICO_BASE_URL": "https://portico.example.org"}, "EMAIL_URL"),
    ],
)
def test_bad_email_configuration_stops_start_up_naming_the_variable(
    tmp_path: Path, env: dict[str, str], named: str
) -> None:
    started = load_settings(tmp_path, **env)
    assert started.returncode != 0
    last = started.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in last
    assert named in last


def test_amazon_ses_without_boto3_says_how_to_install_it(tmp_path: Path) -> None:
    started = load_settings(
        tmp_path, PORTICO_EMAIL_SERVICE="amazon_ses", PORTICO_WEBHOOK_SECRET="hook:secret"
    )
    try:
        import boto3  # type: ignore[import-not-found,import-untyped,unused-ignore]  # noqa: F401
    except ImportError:
        assert started.returncode != 0
        assert "PORTICO_EMAIL_SERVICE=amazon_ses needs boto3: pip install boto3" in started.stderr
    else:
        assert started.returncode == 0, started.stderr


def test_an_email_service_with_its_keys_and_webhook_secret_is_configured(tmp_path: Path) -> None:
    loaded = mailer(
        tmp_path,
        PORTICO_EMAIL_SERVICE="postmark",
        POSTMARK_SERVER_TOKEN="token",  # noqa: S106 (a test value)
        PORTICO_WEBHOOK_SECRET="hook:secret",
    )
    assert loaded["mailers"] == {"default": {"BACKEND": "anymail.backends.postmark.EmailBackend"}}
    assert loaded["anymail"] == {"POSTMARK_SERVER_TOKEN": "token", "WEBHOOK_SECRET": "hook:secret"}
