"""Portico settings: one file, read from the environment through strict helpers.

With nothing set but PORTICO_DEBUG=true (what `python3 dev.py run` sets), Portico runs
embedded: SQLite (WAL) under PORTICO_DATA_DIR, the database cache, the database task
queue and the local mailbox. Every variable is listed in the README.

The local mailbox (emails kept in the database instead of sent) shows live
invitation and reset links, so who may read it is decided here:

- EMAIL_URL or PORTICO_EMAIL_SERVICE set: there is no mailbox.
- Debug (PORTICO_DEBUG=true) or the test suite (PORTICO_TESTING=true): /mailbox/
  shows every practice's emails to anyone who can reach the server. Development only.
- PORTICO_LOCAL_MAILBOX=true (an explicit opt-in, e.g. a demo server): the page
  moves into each practice (<practice>/mailbox/), needs a signed-in staff member of
  that practice and shows only that practice's emails; /mailbox/ does not exist.
- Otherwise (a production start with no way to send email): Portico refuses to
  start, whatever the scheme of PORTICO_BASE_URL.
"""

from __future__ import annotations

import importlib.util
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from portico.lib.env import envbool, envchoice, envint, envlist, envstr, envurl

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(envstr("PORTICO_DATA_DIR", str(BASE_DIR / "var"))).resolve()

DEBUG = envbool("PORTICO_DEBUG", False)
TESTING = envbool("PORTICO_TESTING", False)

# Where Portico is reached. Links in emails are built from this, never from the
# request's Host header.
BASE_URL = envurl("PORTICO_BASE_URL", "http://localhost:8000", schemes=("http", "https"))
_base = urlsplit(BASE_URL)
# With a base domain, practices live at https://<slug>.<base domain>/; without
# one (development), at <base url>/p/<slug>/.
BASE_DOMAIN = envstr("PORTICO_BASE_DOMAIN", "").lower().lstrip(".")
SECURE_URLS = _base.scheme == "https"


def _secret_key() -> str:
    configured = envstr("PORTICO_SECRET_KEY")
    if configured:
        if len(configured) < 32:
            raise ImproperlyConfigured("PORTICO_SECRET_KEY must be at least 32 characters long.")
        return configured
    # Embedded default: a key made once and kept beside the database.
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key()

_default_hosts = ["localhost", "127.0.0.1", "[::1]", _base.hostname or "localhost"]
if BASE_DOMAIN:
    _default_hosts += [BASE_DOMAIN, f".{BASE_DOMAIN}"]
ALLOWED_HOSTS = envlist("PORTICO_ALLOWED_HOSTS", _default_hosts)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_tasks_db",
    "anymail",
    "ninja",  # its Swagger UI from our static files: no CDN, the CSP holds
    "portico.practices",
    "portico.accounts",
    "portico.clients",
    "portico.access",
    "portico.mail",
    "portico.audit",
    "portico.portal",
    "portico.api",
    "portico.webhooks",
    "portico.imports",
    "portico.files",
    "portico.intake",
    "portico.messaging",
    "portico.profiles",
    "portico.appointments",
    "portico.scheduling",
    "portico.documents",
    "portico.operations",
    "portico.problems",
    "portico.twofactor",
    "portico.passkeys",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portico.practices.middleware.PracticeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portico.accounts.middleware.SessionLimitsMiddleware",
    # The person's language once known, else the browser's; staff pages English.
    "portico.portal.language.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "portico.urls"
FORM_RENDERER = "portico.lib.forms.FormRenderer"
CSRF_FAILURE_VIEW = "portico.views.csrf_failure"
# The URLs of one practice, at the root of its host or under /p/<slug>/.
PRACTICE_URLCONF = "portico.urls_practice"
WSGI_APPLICATION = "portico.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "portico" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "portico.practices.context_processors.practice",
                "portico.messaging.context_processors.staff_inbox",
            ],
        },
    },
]

# --- database ---------------------------------------------------------------
_sqlite_path = DATA_DIR / "portico.sqlite3"
DATABASE_URL = envstr("DATABASE_URL", f"sqlite:///{_sqlite_path}")
try:
    _db = dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=envint("PORTICO_DB_CONN_MAX_AGE", 60),
        # A kept connection is checked before each request reuses it: after a database
        # restart the first request reconnects instead of failing with a dead connection.
        conn_health_checks=True,
    )
except ValueError as exc:
    raise ImproperlyConfigured(
        f"DATABASE_URL is not a database URL Portico understands: {exc}"
    ) from None
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # Connections are kept (PORTICO_DB_CONN_MAX_AGE, as for PostgreSQL): reopening
    # SQLite for every task made the outbox worker spend most of its time connecting.
    _db["OPTIONS"] = {
        # WAL lets readers and one writer work at once; IMMEDIATE takes the
        # write lock at BEGIN so concurrent writers queue instead of failing.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    if _db["NAME"] != ":memory:":
        Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
elif _db["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must be a sqlite:// or postgres:// URL.")
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache and rate-limit counters --------------------------------------------
REDIS_URL = envstr("REDIS_URL")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL and urlsplit(REDIS_URL).scheme not in ("redis", "rediss", "unix"):
    raise ImproperlyConfigured("REDIS_URL must start with redis://, rediss:// or unix://.")
_database_cache = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "portico_cache",
    # Rate-limit and sign-in throttle counters live here: culling at
    # Django's default 300 entries would forget them on a busy site.
    "OPTIONS": {"MAX_ENTRIES": 1_000_000},
}
if REDIS_URL:
    CACHES = {
        # While Redis cannot be reached, every cache call (rate limits included) goes
        # to the database cache instead of failing (portico/lib/cache.py).
        "default": {
            "BACKEND": "portico.lib.cache.RedisCacheWithDatabaseFallback",
            "LOCATION": REDIS_URL,
            # A Redis that does not answer must not hold a request for long.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
        "database": _database_cache,
    }
else:
    CACHES = {"default": _database_cache, "database": _database_cache}

# --- background tasks -------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- accounts, passwords, sessions ----------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["portico.accounts.backends.PracticeBackend"]
LOGIN_URL = "accounts:staff_sign_in"
PASSWORD_HASHERS = [
    "portico.accounts.hashers.PorticoArgon2Hasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "portico.accounts.validators.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
]
# Usernames are unique per practice and kind, enforced by a database constraint
# and checked by our own backend, so Django's global-uniqueness check does not apply.
SILENCED_SYSTEM_CHECKS = ["auth.W004"]

# Database sessions written once per sign-in (an INSERT, not INSERT then UPDATE).
SESSION_ENGINE = "portico.accounts.sessions"
SESSION_COOKIE_AGE = 12 * 60 * 60  # absolute limit; idle limits are per practice
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = SECURE_URLS
SESSION_COOKIE_NAME = "portico_session"
CSRF_COOKIE_SECURE = SECURE_URLS
CSRF_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = envlist(
    "PORTICO_CSRF_TRUSTED_ORIGINS",
    [f"{_base.scheme}://{_base.netloc}"]
    + ([f"{_base.scheme}://*.{BASE_DOMAIN}"] if BASE_DOMAIN else []),
)

# --- security headers ---------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = envbool("PORTICO_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = envint("PORTICO_HSTS_SECONDS", 0, minimum=0)
# Every practice is a subdomain of the base domain, each served over TLS: HSTS covers them.
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("PORTICO_HSTS_INCLUDE_SUBDOMAINS", True)
# Browser preload lists are a commitment for the whole domain: the operator's to make.
SECURE_HSTS_PRELOAD = envbool("PORTICO_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS.append("security.W021")
BEHIND_PROXY = envbool("PORTICO_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# --- email --------------------------------------------------------------------------
# The From address is the operator's; practices set a display name and reply-to.
DEFAULT_FROM_EMAIL = envstr("PORTICO_FROM_EMAIL", "no-reply@portico.localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_URL = envstr("EMAIL_URL")
EMAIL_SERVICE = envchoice(
    "PORTICO_EMAIL_SERVICE",
    "",
    choices=("", "postmark", "sendgrid", "amazon_ses", "mailgun"),
)
# The local mailbox (see the module docstring): emails are kept, not sent, when
# no way to send them is set.
LOCAL_MAILBOX = not EMAIL_URL and not EMAIL_SERVICE
# The opt-in: only signed-in staff, each reading their own practice's emails.
LOCAL_MAILBOX_STAFF_ONLY = envbool("PORTICO_LOCAL_MAILBOX", False)
if LOCAL_MAILBOX_STAFF_ONLY and not LOCAL_MAILBOX:
    raise ImproperlyConfigured(
        "PORTICO_LOCAL_MAILBOX=true keeps emails instead of sending them; it cannot be "
        "combined with EMAIL_URL or PORTICO_EMAIL_SERVICE."
    )
if LOCAL_MAILBOX and not LOCAL_MAILBOX_STAFF_ONLY:
    if not (DEBUG or TESTING):
        # Without debug this is a real installation: an open mailbox page would show
        # anyone every invitation link, and nothing would reach the clients.
        raise ImproperlyConfigured(
            "No way to send email is set: set EMAIL_URL or PORTICO_EMAIL_SERVICE, or set "
            "PORTICO_LOCAL_MAILBOX=true to keep emails in a mailbox only signed-in staff "
            "can read (PORTICO_DEBUG=true opens it to everyone, for development only)."
        )
    if SECURE_URLS:
        # An https:// address means real clients, even in debug.
        raise ImproperlyConfigured(
            "PORTICO_BASE_URL is https://, but no way to send email is set: set EMAIL_URL "
            "or PORTICO_EMAIL_SERVICE. (The open local mailbox is only for development.)"
        )
# Django 6.1 mailers: "default" is what the outbox worker sends with.
MAILERS: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "portico.mail.backends.LocalMailboxBackend"}
}
ANYMAIL: dict[str, str] = {}
if EMAIL_URL and EMAIL_SERVICE:
    raise ImproperlyConfigured("Set EMAIL_URL or PORTICO_EMAIL_SERVICE, not both.")
if EMAIL_URL:
    _mail = urlsplit(EMAIL_URL)
    _default_ports = {"smtp": 25, "smtp+tls": 587, "smtps": 465}
    if _mail.scheme not in _default_ports:
        raise ImproperlyConfigured(
            "EMAIL_URL must start with smtp:// (STARTTLS with smtp+tls://, TLS with smtps://)."
        )
    try:
        _mail_port = _mail.port or _default_ports[_mail.scheme]
    except ValueError:
        raise ImproperlyConfigured("EMAIL_URL has a port that is not a number.") from None
    MAILERS["default"] = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": _mail.hostname or "localhost",
            "port": _mail_port,
            # User names and passwords with @ : / in them arrive percent-encoded.
            "username": unquote(_mail.username or ""),
            "password": unquote(_mail.password or ""),
            "use_tls": _mail.scheme == "smtp+tls",
            "use_ssl": _mail.scheme == "smtps",
            "timeout": envint("PORTICO_EMAIL_TIMEOUT", 20, minimum=1),
        },
    }
elif EMAIL_SERVICE:
    _services = {
        "postmark": (
            "anymail.backends.postmark.EmailBackend",
            {"POSTMARK_SERVER_TOKEN": "POSTMARK_SERVER_TOKEN"},
        ),
        "sendgrid": (
            "anymail.backends.sendgrid.EmailBackend",
            {"SENDGRID_API_KEY": "SENDGRID_API_KEY"},
        ),
        # Credentials come from boto3's usual sources (AWS_* variables, instance role).
        "amazon_ses": ("anymail.backends.amazon_ses.EmailBackend", {}),
        "mailgun": (
            "anymail.backends.mailgun.EmailBackend",
            {
                "MAILGUN_API_KEY": "MAILGUN_API_KEY",
                "MAILGUN_SENDER_DOMAIN": "MAILGUN_SENDER_DOMAIN",
                # Mailgun signs its webhooks with this key: anymail checks it.
                "MAILGUN_WEBHOOK_SIGNING_KEY": "MAILGUN_WEBHOOK_SIGNING_KEY",
            },
        ),
    }
    _backend, _keys = _services[EMAIL_SERVICE]
    MAILERS["default"] = {"BACKEND": _backend}
    for _setting, _variable in _keys.items():
        _value = envstr(_variable)
        if not _value:
            raise ImproperlyConfigured(
                f"{_variable} is required when PORTICO_EMAIL_SERVICE={EMAIL_SERVICE}."
            )
        ANYMAIL[_setting] = _value
    if EMAIL_SERVICE == "amazon_ses" and importlib.util.find_spec("boto3") is None:
        raise ImproperlyConfigured(
            "PORTICO_EMAIL_SERVICE=amazon_ses needs boto3: pip install boto3"
        )
_webhook_secret = envstr("PORTICO_WEBHOOK_SECRET")
if _webhook_secret:
    if ":" not in _webhook_secret:
        raise ImproperlyConfigured("PORTICO_WEBHOOK_SECRET must look like user:password.")
    ANYMAIL["WEBHOOK_SECRET"] = _webhook_secret
elif EMAIL_SERVICE:
    # Without tracking webhooks staff would never see a bounce.
    raise ImproperlyConfigured(
        f"PORTICO_WEBHOOK_SECRET (user:password) is required when "
        f"PORTICO_EMAIL_SERVICE={EMAIL_SERVICE}: the service's tracking webhooks "
        "authenticate with it."
    )

# --- static files, language, time ------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "portico" / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    # Uploaded client lists (CSV): private, served only through permission-checked views.
    "imports": {
        "BACKEND": "portico.files.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": DATA_DIR / "private" / "imports", "base_url": None},
    },
    # Files clients and staff upload (insurance cards, documents): private, served
    # only through views that check the practice, the person's access and the feature.
    "private": {
        "BACKEND": "portico.files.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": DATA_DIR / "private" / "files", "base_url": None},
    },
}
# Or any S3-compatible bucket (django-storages): all four of bucket and keys, or none.
S3_BUCKET = envstr("PORTICO_S3_BUCKET")
_s3_keys = {
    name: envstr(name) for name in ("PORTICO_S3_ACCESS_KEY_ID", "PORTICO_S3_SECRET_ACCESS_KEY")
}
_s3_other = [
    name for name in ("PORTICO_S3_ENDPOINT_URL", "PORTICO_S3_REGION", *_s3_keys) if envstr(name)
]
if S3_BUCKET:
    _s3_missing = [name for name, value in _s3_keys.items() if not value]
    if _s3_missing:
        raise ImproperlyConfigured(
            f"PORTICO_S3_BUCKET is set, so {' and '.join(_s3_missing)} must be set too "
            "(the bucket's access key); without them no uploaded file could be kept."
        )
    if importlib.util.find_spec("storages") is None or importlib.util.find_spec("boto3") is None:
        raise ImproperlyConfigured(
            "PORTICO_S3_BUCKET needs django-storages and boto3: pip install 'django-storages[s3]'"
        )
    _s3_options: dict[str, Any] = {
        "bucket_name": S3_BUCKET,
        "access_key": _s3_keys["PORTICO_S3_ACCESS_KEY_ID"],
        "secret_key": _s3_keys["PORTICO_S3_SECRET_ACCESS_KEY"],
        "default_acl": "private",
        # We never hand out URLs (the storage refuses .url()); signed ones would leak.
        "querystring_auth": False,
        "file_overwrite": False,
        "location": "files",
    }
    if envstr("PORTICO_S3_ENDPOINT_URL"):
        _s3_options["endpoint_url"] = envurl(
            "PORTICO_S3_ENDPOINT_URL", "", schemes=("https", "http")
        )
    if envstr("PORTICO_S3_REGION"):
        _s3_options["region_name"] = envstr("PORTICO_S3_REGION")
    STORAGES["private"] = {"BACKEND": "portico.files.s3.PrivateS3Storage", "OPTIONS": _s3_options}
elif _s3_other:
    raise ImproperlyConfigured(
        f"{', '.join(_s3_other)} {'is' if len(_s3_other) == 1 else 'are'} set but "
        "PORTICO_S3_BUCKET is not: set the bucket too, or unset them to keep files on disk."
    )
WHITENOISE_USE_FINDERS = True
# Client-facing pages and emails speak English or Spanish (the person's language once
# known, the browser's before); staff pages are English, their strings marked for later.
# Catalogues: portico/locale and each app's locale/, compiled at install by
# `python -m portico.lib.catalogues` (pure Python: no gettext tools needed).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "portico" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- logging: never tokens, passwords or dates of birth ---------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"scrub": {"()": "portico.lib.logscrub.ScrubSecretsFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["scrub"]}
    },
    "root": {
        "handlers": ["console"],
        "level": envchoice(
            "PORTICO_LOG_LEVEL", "INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
        ),
    },
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
