"""Run the web server and the background worker together; Ctrl-C stops both."""

import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Start gunicorn and the Huey worker together and stop them together."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--web-workers", type=int, default=2)

    def handle(self, *args: Any, bind: str, web_workers: int, **options: Any) -> None:
        python = sys.executable
        names = ["web server", "worker"]
        processes = [
            subprocess.Popen(
                [
                    python,
                    "-m",
                    "gunicorn",
                    "tandem.config.wsgi:application",
                    "--bind",
                    bind,
                    "--workers",
                    str(web_workers),
                    "--access-logfile",
                    "-",
                    "--graceful-timeout",
                    "5",
                ]
            ),
            subprocess.Popen([python, "-m", "tandem", "run_huey"]),
        ]
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        self.stdout.write(
            self.style.SUCCESS(f"Tandem is running at http://{bind}/ (Ctrl-C stops it)")
        )
        while not stopping and all(p.poll() is None for p in processes):
            time.sleep(0.3)
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        failed = [
            name
            for name, p in zip(names, processes, strict=True)
            if p.returncode not in (0, -signal.SIGTERM)
        ]
        if failed and not stopping:
            sys.exit(f"Stopped because a process exited unexpectedly: {failed}")
        self.stdout.write("Tandem stopped.")
