"""The full API probe: schemathesis against every operation of a running Tandem.

Seeds the small demo organisation into the database the environment names (a scratch
``TANDEM_VAR_DIR`` for SQLite, ``TANDEM_DATABASE_URL`` for PostgreSQL), starts gunicorn,
and runs the schemathesis CLI (all checks) with an administrator's write token and a
sales rep's token, printing each run's summary. The bounded version of this probe runs in
the test suite (tandem/api/tests/test_schema_probe.py); this one is for many examples:

    export TANDEM_VAR_DIR=/tmp/probe-sqlite
    .venv/bin/python bench/api_probe.py --examples 100
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from common import REPO, Server, setup

# The probe sends thousands of requests with one token; the per-token limit is not
# what it measures.
UNLIMITED = {"TANDEM_API_RATE_LIMIT": "1000000/m"}


def tokens() -> dict[str, str]:
    """A write token for the administrator and for a sales rep of the demo organisation."""
    from tandem.api.services import create_token
    from tandem.demo.organisation import persona_logins
    from tandem.people.models import User

    emails = dict(persona_logins())
    found = {}
    for key in ("admin", "sales rep"):
        user = User.objects.get(email=emails[key])
        _, raw = create_token(actor=user, name=f"api probe {os.getpid()}", scope="write")
        found[key] = raw
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=100, help="cases per operation")
    parser.add_argument("--seed", type=int, default=20261205)
    parser.add_argument("--workers", type=int, default=2, help="schemathesis workers")
    parser.add_argument("--report-dir", default=str(Path(tempfile.gettempdir()) / "api-probe"))
    args = parser.parse_args()

    python = sys.executable
    tandem = [python, "-m", "tandem"]
    subprocess.run([*tandem, "migrate", "--noinput", "-v0"], cwd=REPO, check=True)
    subprocess.run([*tandem, "seed", "--scale", "small", "--if-empty"], cwd=REPO, check=True)
    setup()
    raw = tokens()
    schemathesis = str(Path(python).with_name("schemathesis"))
    failed = 0
    with Server(workers=2, extra_env=UNLIMITED) as server:
        for who, token in raw.items():
            report = Path(args.report_dir) / who.replace(" ", "-")
            report.mkdir(parents=True, exist_ok=True)
            print(f"=== {who} ===", flush=True)
            run = subprocess.run(
                [
                    schemathesis,
                    "--no-color",
                    "run",
                    f"{server.url}/api/v1/openapi.json",
                    "--header",
                    f"Authorization: Bearer {token}",
                    "--checks",
                    "all",
                    "--max-examples",
                    str(args.examples),
                    "--seed",
                    str(args.seed),
                    "--workers",
                    str(args.workers),
                    # Dates are declared as ISO text with the years Tandem accepts (a
                    # format and a pattern): few random dates match both, and with two of
                    # them (POST /campaigns) Hypothesis' filter check stopped that
                    # operation's fuzzing. Generating on past the filter keeps it tested.
                    "--suppress-health-check",
                    "filter_too_much",
                    "--report",
                    "junit,ndjson",
                    "--report-dir",
                    str(report),
                ],
                cwd=report,  # schemathesis keeps its state in .schemathesis/ here
            )
            failed += run.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
