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
