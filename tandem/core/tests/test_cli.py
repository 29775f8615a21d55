"""`tandem` and `manage.py` are the same commands; the demo makes its own secret key."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
# Its own `tandem` processes on a fresh var/ (SQLite): the same whichever database the
# suite runs on.
pytestmark = pytest.mark.once


def _env(var_dir):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TANDEM_", "DJANGO_"))}
    env["TANDEM_VAR_DIR"] = str(var_dir)
    return env


def test_tandem_and_manage_py_both_run_commands(tmp_path):
    for command in (
        [sys.executable, "-m", "tandem", "check"],
        [sys.executable, "manage.py", "check"],
    ):
        result = subprocess.run(
            command, cwd=REPO, env=_env(tmp_path), capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr
        assert "no issues" in result.stdout


def test_the_secret_key_is_generated_once_into_var(tmp_path):
    script = (
        "import os, django\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'tandem.config.settings')\n"
        "django.setup()\n"
        "from django.conf import settings\n"
        "print(settings.SECRET_KEY)\n"
    )
    command = [sys.executable, "-c", script]
    first = subprocess.run(command, env=_env(tmp_path), capture_output=True, text=True, check=True)
    second = subprocess.run(command, env=_env(tmp_path), capture_output=True, text=True, check=True)
    key_file = tmp_path / "secret_key"
    assert first.stdout == second.stdout and len(first.stdout.strip()) >= 50
    assert key_file.read_text().strip() == first.stdout.strip()
    assert key_file.stat().st_mode & 0o077 == 0  # readable by its owner only
