"""Shared set-up for the benchmark scripts: Django against the configured database."""

import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.config.settings")
os.environ.setdefault("TANDEM_INSECURE_HTTP", "true")


def setup() -> None:
    import django

    django.setup()


def database() -> str:
    from django.db import connection

    return connection.vendor


def recreate_database(drop_only: bool = False) -> None:
    """Drop the configured database and, unless ``drop_only``, create it empty: on
    PostgreSQL only a database whose name says "bench", on SQLite only a file outside
    the work tree (under ``TANDEM_VAR_DIR``)."""
    from django.conf import settings
    from django.db import connection

    config = settings.DATABASES["default"]
    name = str(config["NAME"])
    connection.close()
    if connection.vendor == "postgresql":
        import psycopg
        from psycopg import sql

        if "bench" not in name:
            raise SystemExit(f"refusing to drop {name!r}: its name does not say bench")
        with psycopg.connect(
            host=config["HOST"] or None,
            port=config["PORT"] or None,
            user=config["USER"] or None,
            password=config["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
        ) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
            if not drop_only:
                admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return
    path = Path(name)
    if REPO in path.resolve().parents:
        raise SystemExit(f"refusing to delete {path}: set TANDEM_VAR_DIR outside the work tree")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def migrated(static: bool = False) -> None:
    """Migrate the configured database (quick when it is up to date), and with ``static``
    collect the static files pages name (the manifest storage needs them)."""
    from django.conf import settings
    from django.core.management import call_command

    Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    if static and not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def summary(name: str, millis: list[float]) -> str:
    return (
        f"{name}: n={len(millis)} p50={statistics.median(millis):.1f} ms "
        f"p95={percentile(millis, 95):.1f} ms max={max(millis):.1f} ms"
    )


def timed(work: Callable[[], object], runs: int) -> list[float]:
    """Milliseconds of each of ``runs`` calls of ``work``, after one untimed warm-up call."""
    work()
    millis = []
    for _ in range(runs):
        began = time.perf_counter()
        work()
        millis.append((time.perf_counter() - began) * 1000)
    return millis


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """gunicorn on a free loopback port with the current environment, stopped on exit."""

    def __init__(self, workers: int = 4, extra_env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        env = {**os.environ, **(extra_env or {})}
        # As in production: static files collected before the server starts.
        subprocess.run(
            [sys.executable, "-m", "tandem", "collectstatic", "--noinput", "-v0"],
            env=env,
            cwd=REPO,
            check=True,
        )
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "tandem.config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=REPO,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the server did not start")

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)
