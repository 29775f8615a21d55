"""Production settings, the CSP header, and no secrets in the repository."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


@pytest.mark.once  # the repository and its own process, not the test database
def test_production_settings_pass_the_deploy_check(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("TANDEM_")
        and key not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "tandem.config.settings",
            "TANDEM_SECRET_KEY": secrets.token_urlsafe(64),
            "TANDEM_ALLOWED_HOSTS": "tandem.example.com",
            "TANDEM_VAR_DIR": str(tmp_path),
        }
    )
    result = subprocess.run(
        [sys.executable, "-m", "tandem", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_page_gets_a_strict_content_security_policy(client, org):
    client.force_login(org.marketer)
    policy = client.get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    script_src = re.search(r"script-src ([^;]*)", policy).group(1)
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert "frame-ancestors 'none'" in policy


def test_templates_have_no_inline_scripts():
    """The CSP forbids inline scripts, so a template must not rely on one."""
    offenders = []
    for template in (REPO / "tandem").rglob("templates/**/*.html"):
        for tag in re.findall(r"<script\b[^>]*>", template.read_text()):
            if "src=" not in tag and "application/json" not in tag:
                offenders.append(f"{template}: {tag}")
    assert not offenders


def _tracked_files() -> list[Path]:
    output = subprocess.run(
        ["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    return [REPO / line for line in output.splitlines() if line]


@pytest.mark.once  # the repository and its own process, not the test database
def test_no_secret_or_password_is_committed():
    """detect-secrets over every tracked file (vendored minified libraries excepted)."""
    from detect_secrets import SecretsCollection
    from detect_secrets.settings import default_settings

    files = [p for p in _tracked_files() if "static/vendor" not in str(p) and p.is_file()]
    assert files, "git ls-files found nothing: is this a git checkout?"
    found = SecretsCollection()
    with default_settings():
        for path in files:
            found.scan_file(str(path))
    report = {name: [s.type for s in hits] for name, hits in found.data.items()}
    assert report == {}


def test_no_runtime_state_is_committed():
    tracked = [str(p.relative_to(REPO)) for p in _tracked_files()]
    assert not [p for p in tracked if p.startswith("var/") or p.endswith((".sqlite3", ".env"))]
    assert not [p for p in tracked if Path(p).name in {"secret_key", "demo-password"}]


def test_the_secret_scanner_does_catch_a_secret(tmp_path):
    """Guards the test above against passing because the scanner sees nothing."""
    from detect_secrets import SecretsCollection
    from detect_secrets.settings import default_settings

    leaked = tmp_path / "settings_local.py"
    word = "pass" + "word"
    leaked.write_text(f'DB_{word.upper()} = "{secrets.token_hex(12)}"\n')
    found = SecretsCollection()
    with default_settings():
        found.scan_file(str(leaked))
    assert found.data, "detect-secrets found nothing in a file with a password in it"
