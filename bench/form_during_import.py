"""Web-form latency while a 100k-contact import runs, against the same latency idle.

Both are real HTTP posts to gunicorn. On SQLite an import holds the single write lock
for each chunk it commits, so a form post arriving meanwhile waits; this prints how long.
"""

import argparse
import subprocess
import sys
import threading
import time

import requests
from common import REPO, Server, database, setup, summary


def post_forms(url: str, run: str, seconds: float, stop: threading.Event) -> list[float]:
    session = requests.Session()
    timings: list[float] = []
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline and not stop.is_set():
        began = time.perf_counter()
        response = session.post(
            url,
            data={"email": f"during.{run}.{n}@visitor.example", "first_name": "V", "consent": "on"},
            timeout=60,
        )
        timings.append((time.perf_counter() - began) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"form error {response.status_code}: {response.text[:200]}")
        n += 1
        time.sleep(0.05)  # about 15 posts a second: a busy website, not a flood
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    setup()
    from tandem.campaigns.models import Campaign

    campaign = Campaign.objects.filter(status="live").order_by("id").first()
    assert campaign is not None, "seed the demo organisation first"
    run = str(int(time.time()))
    env = {"TANDEM_FORM_RATE_LIMIT": "100000"}
    with Server(workers=2, extra_env=env) as server:
        url = f"{server.url}/f/{campaign.form_key}/"
        # Each worker's first posts take seconds (its first reads of a cold database):
        # warm both up, two clients at once, before anything is timed.
        warmers = [
            threading.Thread(target=post_forms, args=(url, f"{run}.warm{n}", 3, threading.Event()))
            for n in range(2)
        ]
        for warmer in warmers:
            warmer.start()
        for warmer in warmers:
            warmer.join()
        idle = post_forms(url, f"{run}.idle", 5, threading.Event())
        print(f"database={database()} " + summary("form post, idle", idle))
        importer = subprocess.Popen(
            [sys.executable, "bench/import_contacts.py", "--rows", str(args.rows), "--once"],
            cwd=REPO,
            stdout=subprocess.PIPE,
            text=True,
        )
        stop = threading.Event()
        timings: list[float] = []
        poster = threading.Thread(
            target=lambda: timings.extend(post_forms(url, f"{run}.busy", 600, stop))
        )
        poster.start()
        assert importer.stdout is not None
        for line in importer.stdout:
            print(line, end="")
            if line.startswith("database="):  # the import is done; its clean-up is not timed
                stop.set()
        importer.wait()
        stop.set()
        poster.join()
        print(f"database={database()} " + summary("form post during the import", timings))


if __name__ == "__main__":
    main()
