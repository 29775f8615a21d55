"""Settings for the test suite: the real database and queue, made fast and isolated.

The database is whatever TANDEM_DATABASE_URL names (PostgreSQL in CI's second run) or a
SQLite file, so a real worker process can see what a test wrote.
"""

import os
import tempfile

os.environ.setdefault("TANDEM_VAR_DIR", tempfile.mkdtemp(prefix="tandem-test-var-"))
os.environ.setdefault("TANDEM_INSECURE_HTTP", "true")

from tandem.config.settings import *  # noqa: F403
from tandem.config.settings import DATABASES, HUEY, VAR_DIR

# Live-server threads must not keep connections open, or the test database cannot be
# dropped at the end of the run.
DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Empties only the tables a committing test filled (see the module).
    DATABASES["default"]["ENGINE"] = "tandem.config.test_postgresql"
if DATABASES["default"]["ENGINE"] == "tandem.core.sqlite":
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

# Argon2 is deliberately slow; a test suite that logs in hundreds of users uses a fast
# hasher. tandem/people/tests/test_auth.py proves production uses Argon2.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
HUEY = {**HUEY, "immediate": True}
ARRIVAL_GATHER_SECONDS = 0  # tests run the worker's task inline: no gathering
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
SECURE_SSL_REDIRECT = False
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)
