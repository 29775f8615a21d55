"""Nothing Tandem writes under var/ is readable by other local users."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
# Its own `tandem` processes on a fresh var/ (SQLite): the same whichever database the
# suite runs on.
pytestmark = pytest.mark.once

# Runs in a real `tandem` process: an upload through Django's storage, an import file
# staged, the audit log exported, a job queued (the queue file) and a rate count kept.
WRITE_EVERYTHING = """
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from tandem.core import ratelimit
from tandem.core.jobs import execute_job
from tandem.core.services import start_audit_export
from tandem.crm.imports import stage_file
from tandem.people.models import User

admin = User.objects.create(email="ada@example.test", handle="ada", full_name="Ada", is_admin=True)
default_storage.save("uploads/a/b/logo.txt", ContentFile(b"logo"))
stage_file(actor=admin, name="people.csv", chunks=iter([b"email\\nx@example.test\\n"]), size=22)
job = start_audit_export(actor=admin)
execute_job(job.pk)
ratelimit.hit("test", "me", limit=1, window=60)
from django.core.cache import cache
cache.set("k", "v")
print("wrote")
"""


def _tandem(var_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TANDEM_", "DJANGO_"))}
    env["TANDEM_VAR_DIR"] = str(var_dir)
    return subprocess.run(
        [sys.executable, "-m", "tandem", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        # What a login shell usually has; the processes must not rely on it.
        umask=0o022,
    )


def _readable_by_others(var_dir: Path) -> list[str]:
    found = []
    for path in [var_dir, *var_dir.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        if mode & 0o077:
            found.append(f"{path.relative_to(var_dir.parent)} {oct(mode)}")
    return found


def test_a_fresh_var_dir_holds_only_owner_only_files(tmp_path):
    var_dir = tmp_path / "var"
    # The people and core apps (and those they need) hold every table the script writes;
    # the other apps' tables add no file, and migrating all of them costs the suite 25 s.
    for app in ("people", "core"):
        migrated = _tandem(var_dir, "migrate", app, "--noinput", "-v", "0")
        assert migrated.returncode == 0, migrated.stderr
    wrote = _tandem(var_dir, "shell", "-c", WRITE_EVERYTHING)
    assert wrote.returncode == 0 and "wrote" in wrote.stdout, wrote.stderr
    names = {p.name for p in var_dir.rglob("*")}
    # The files this test is about were all made (WAL mode keeps -wal and -shm beside).
    assert {"tandem.sqlite3", "queue.sqlite3", "secret_key", "logo.txt"} <= names
    assert any(n.startswith("audit-log-") for n in names)
    assert (var_dir / "media" / "imports").is_dir() and (var_dir / "cache").is_dir()
    assert _readable_by_others(var_dir) == []


def test_an_existing_var_dir_open_to_others_is_closed(tmp_path):
    var_dir = tmp_path / "var"
    var_dir.mkdir(mode=0o755)
    var_dir.chmod(0o755)
    result = _tandem(var_dir, "check")
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(var_dir.stat().st_mode) == 0o700


def test_the_web_server_app_makes_its_files_private_too(tmp_path):
    """gunicorn loads tandem.config.wsgi, not the `tandem` command."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TANDEM_", "DJANGO_"))}
    env["TANDEM_VAR_DIR"] = str(tmp_path / "var")
    script = "import os, tandem.config.wsgi; print(oct(os.umask(0)))"
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        umask=0o022,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0o77"
