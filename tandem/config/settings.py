"""Tandem settings, read from the environment (twelve-factor).

Defaults give the embedded demo: SQLite (WAL) and a SQLite-backed Huey queue under
``var/``, console email, and a secret key generated once into ``var/secret_key``.
Production sets ``TANDEM_DATABASE_URL``, ``TANDEM_REDIS_URL``, ``TANDEM_SECRET_KEY``,
``TANDEM_ALLOWED_HOSTS`` and the email variables; see README.md.
"""

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from tandem.config.filemodes import private_directory
from tandem.core.currencies import ISO_4217


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TANDEM_VAR_DIR") or Path.cwd() / "var").resolve()
private_directory(VAR_DIR)  # the database, uploads, exports: for Tandem's user only


def _secret_key() -> str:
    """The configured key, or one generated once into var/ so the demo needs no setup."""
    configured = os.environ.get("TANDEM_SECRET_KEY")
    if configured:
        return configured
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_urlsafe(64))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("TANDEM_DEBUG")
ALLOWED_HOSTS = env_list("TANDEM_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("TANDEM_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "simple_history",
    "axes",
    "huey.contrib.djhuey",
    "tandem.core",
    "tandem.people",
    "tandem.notifications",
    "tandem.approvals",
    "tandem.crm",
    "tandem.campaigns",
    "tandem.handoff",
    "tandem.attribution",
    "tandem.calendar",
    "tandem.collateral",
    "tandem.planning",
    "tandem.budget",
    "tandem.home",
    "tandem.api",
    "tandem.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tandem.core.middleware.RefuseNulMiddleware",  # before anything reads the input
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tandem.core.middleware.UserTimezoneMiddleware",
    "tandem.core.middleware.AuditContextMiddleware",
    "tandem.core.middleware.DomainErrorMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so a lockout answers before any view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tandem.config.urls"
WSGI_APPLICATION = "tandem.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tandem.core.context_processors.navigation",
            ],
            # Filters every template has without {% load %}: dates that never fail on a
            # stored value, and money as people read it (see the modules).
            "builtins": ["tandem.core.templatetags.stored_times", "tandem.core.templatetags.money"],
        },
    }
]
# Widgets come out with the CSS toolkit's classes (see the module).
FORM_RENDERER = "tandem.core.form_rendering.TandemFormRenderer"

# --- Database -----------------------------------------------------------------------
DATABASE_URL = os.environ.get("TANDEM_DATABASE_URL", "")
if DATABASE_URL:
    DATABASES: dict[str, Any] = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "tandem.sqlite3",
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend with BEGIN IMMEDIATE retried every half millisecond, so a web
    # form gets the write lock within a millisecond of a bulk writer's commit (see it).
    DATABASES["default"]["ENGINE"] = "tandem.core.sqlite"
    # WAL lets the web server and the worker read while one of them writes; IMMEDIATE
    # transactions take the write lock up front so two writers queue instead of failing.
    # A 64 MB page cache per connection (SQLite's default is 2 MB) keeps the upper
    # levels of the million-row indexes in memory, which is what bulk writes touch.
    # The commit that takes the WAL past wal_autocheckpoint pages copies it into the
    # database file before it returns: 1 in 20 of a web form's commits at 1M contacts
    # (p95 2.9 ms, p99 10 ms, against 0.13 / 1.0 ms without). The web server (wsgi.py)
    # raises the threshold tenfold, so the worker, which commits after every batch of
    # arrivals, does that copying rather than a visitor's request (bench/README.md).
    checkpoint_pages = int(os.environ.get("TANDEM_SQLITE_CHECKPOINT_PAGES") or 1000)
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            " PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
            f" PRAGMA wal_autocheckpoint={checkpoint_pages};"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, queue ---------------------------------------------------------------------
REDIS_URL = os.environ.get("TANDEM_REDIS_URL", "")
QUEUE_NAME = os.environ.get("TANDEM_QUEUE_NAME", "tandem")
if REDIS_URL:
    CACHES: dict[str, dict[str, Any]] = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    HUEY: dict[str, Any] = {
        "huey_class": "huey.RedisHuey",
        "name": QUEUE_NAME,
        "url": REDIS_URL,
        "immediate": False,
        "consumer": {"workers": 4, "worker_type": "thread"},
    }
else:
    # A file cache is shared by every gunicorn worker on this machine (rate limits).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": QUEUE_NAME,
        "filename": os.environ.get("TANDEM_QUEUE_FILE") or str(VAR_DIR / "queue.sqlite3"),
        "immediate": False,
        # Poll ten times a second when idle: a lead arriving by form or API is
        # scored, routed and its rep told within a second (huey's default backs off to 10 s).
        "consumer": {
            "workers": 2,
            "worker_type": "thread",
            "initial_delay": 0.05,
            "backoff": 1.15,
            "max_delay": 0.1,
        },
    }

# --- Authentication -----------------------------------------------------------------
AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout after repeated failed logins (django-axes): per address and e-mail together,
# so an attacker cannot lock a colleague out from elsewhere.
AXES_FAILURE_LIMIT = int(os.environ.get("TANDEM_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("TANDEM_LOGIN_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "tandem.people.auth.lockout_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "people/locked_out.html"
# Axes asks the same function as every other per-address limit (django-ipware, which
# AXES_IPWARE_PROXY_COUNT configured, is not installed, so that setting did nothing).
AXES_CLIENT_IP_CALLABLE = "tandem.core.clientip.client_ip"
AXES_VERBOSE = False
# Password spraying tries one password on many e-mails, which the lockout above never
# sees: failed log-ins are also counted per address across e-mails, and past this many
# within the cool-off period the address gets the lockout page (tandem/people/lockout.py).
AXES_HANDLER = "tandem.people.lockout.LockoutHandler"
LOGIN_IP_FAILURE_LIMIT = int(os.environ.get("TANDEM_LOGIN_IP_FAILURE_LIMIT", "30"))

# Idle timeout: the session lasts SESSION_COOKIE_AGE after the last request.
SESSION_COOKIE_AGE = int(os.environ.get("TANDEM_IDLE_TIMEOUT_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Security -------------------------------------------------------------------------
# TANDEM_INSECURE_HTTP=true is for the local demo only (plain http on 127.0.0.1).
INSECURE_HTTP = env_bool("TANDEM_INSECURE_HTTP")
SECURE_SSL_REDIRECT = not INSECURE_HTTP
SESSION_COOKIE_SECURE = not INSECURE_HTTP
CSRF_COOKIE_SECURE = not INSECURE_HTTP
SECURE_HSTS_SECONDS = 0 if INSECURE_HTTP else int(os.environ.get("TANDEM_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("TANDEM_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
BEHIND_PROXY = env_bool("TANDEM_BEHIND_PROXY")
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Proxies in front of Tandem that append the client's address to X-Forwarded-For
# (tandem/core/clientip.py). Behind the one TLS load balancer README prescribes that is
# 1; without a proxy, 0, so a client cannot choose its own address by sending the header.
PROXY_COUNT = int(os.environ.get("TANDEM_PROXY_COUNT") or ("1" if BEHIND_PROXY else "0"))
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "tandem.core.views.csrf_failure"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Internationalisation -----------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
# Where a phone number written without its country code is from (ISO 3166 code, as
# libphonenumber knows them): one organisation per installation, so one setting.
PHONE_REGION = os.environ.get("TANDEM_DEFAULT_PHONE_REGION", "GB").strip().upper()
# The organisation's reporting currency (ISO 4217): new deals and campaigns default to it,
# and totals that mix currencies are shown in it unless the reader picks another.
TANDEM_CURRENCY = os.environ.get("TANDEM_CURRENCY", "GBP").strip().upper()
if TANDEM_CURRENCY not in ISO_4217:
    raise ImproperlyConfigured(
        f"TANDEM_CURRENCY={TANDEM_CURRENCY!r} is not an ISO 4217 currency code (e.g. GBP, EUR)."
    )

# The month (1-12) the organisation's fiscal year starts in: plans, budgets and
# scorecards count their quarters from it (4 = April, as many UK companies).
_fiscal_start = os.environ.get("TANDEM_FISCAL_YEAR_START", "1").strip()
if not _fiscal_start.isdigit() or not 1 <= int(_fiscal_start) <= 12:
    raise ImproperlyConfigured(
        f"TANDEM_FISCAL_YEAR_START={_fiscal_start!r} must be a month number from 1 to 12."
    )
TANDEM_FISCAL_YEAR_START = int(_fiscal_start)

# --- Static and uploaded files ------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]  # vendored libraries (static/vendor/)
MEDIA_ROOT = VAR_DIR / "media"
# Staged uploads, exports and rejected-row reports are deleted after this many days.
FILE_RETENTION_DAYS = int(os.environ.get("TANDEM_FILE_RETENTION_DAYS", "7"))
# Hours a joint decision waits before the people it waits for are reminded (and again
# every as many hours while it waits).
APPROVAL_REMINDER_HOURS = float(os.environ.get("TANDEM_APPROVAL_REMINDER_HOURS", "24"))
MEDIA_URL = "/media/"
# Collateral uploads: the largest file accepted, and the most an Office file (a zip) may
# unpack to, so a zip bomb is refused before anything reads it.
TANDEM_COLLATERAL_MAX_BYTES = int(
    os.environ.get("TANDEM_COLLATERAL_MAX_BYTES", str(50 * 1024 * 1024))
)
TANDEM_COLLATERAL_MAX_UNPACKED_BYTES = int(
    os.environ.get("TANDEM_COLLATERAL_MAX_UNPACKED_BYTES", str(200 * 1024 * 1024))
)
# No uploaded file is read past this many bytes (the largest any page takes: a contact
# import); each page holds its own lower limit too (tandem.core.uploads).
TANDEM_UPLOAD_MAX_BYTES = int(os.environ.get("TANDEM_UPLOAD_MAX_BYTES", str(200 * 1024 * 1024)))
FILE_UPLOAD_HANDLERS = [
    "tandem.core.uploads.UploadCeiling",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Uploads kept through Django's storage: owner-only, like everything under var/.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# The web process serves static files itself when collectstatic has not been run.
WHITENOISE_USE_FINDERS = env_bool("TANDEM_STATIC_FINDERS", False)

# --- Email ----------------------------------------------------------------------------
EMAIL_HOST = os.environ.get("TANDEM_EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("TANDEM_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("TANDEM_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("TANDEM_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("TANDEM_EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("TANDEM_EMAIL_FROM", "Tandem <tandem@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("Tandem admins", a) for a in env_list("TANDEM_ADMIN_EMAILS")]
# Base address used in e-mails (links back to the app).
SITE_URL = os.environ.get("TANDEM_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- API --------------------------------------------------------------------------------
API_RATE_LIMIT = os.environ.get("TANDEM_API_RATE_LIMIT", "600/m")
# Speed to lead: arrivals gather this long before the worker scores them as one batch.
ARRIVAL_GATHER_SECONDS = int(os.environ.get("TANDEM_ARRIVAL_GATHER_MS", "200")) / 1000
# Web-form submissions accepted per minute from one IP address.
FORM_RATE_LIMIT = int(os.environ.get("TANDEM_FORM_RATE_LIMIT", "10"))
NINJA_PAGINATION_MAX_LIMIT = 200

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TANDEM_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
