"""Import a generated HubSpot-style CSV of N contacts with dedupe, against its floor in the
same run; print both rates and their ratio.

The file: about 5% of rows repeat an e-mail earlier in the file, up to 10% name existing
contacts of the seeded demo (only their blanks are filled: a job title, a phone), the
rest are new (about 85% of the rows); companies are matched by domain, a third of them
not yet stored (the large seed has 100,000 accounts, the file names 150,000), so the
import makes those accounts.

The figure of record is the ratio to the floor (``import_floor.py``: the import's own
new contacts written by one bare COPY or executemany into the same table with the same
indexes), measured alternately in one run: a warm-up import (untimed, whose stored rows
become the floor's), then floor, import, floor, import... (``--pairs``). After every run
what it added is removed again and the contacts it filled get their old values back, so
each run meets the same database; absolute rates do not travel between machines, the
ratio does better. Both rates are in the import's new contacts per second; the ratio is
the floor's time over the import's.

``--once`` imports once and removes what it added, with no floor (form_during_import.py
runs it); ``--profile FILE`` writes a cProfile of the timed imports (every thread's) to
FILE, which slows them.
"""

import argparse
import cProfile
import csv
import random
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import import_floor
from common import database, setup


def write_file(path: Path, rows: int, existing: list[str], phones: bool, run: int) -> None:
    from tandem.demo.names import phone_number

    rng = random.Random(7)
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(
            [
                "First Name",
                "Last Name",
                "Email",
                "Job Title",
                "Company Name",
                "Company Domain Name",
                *(["Phone Number"] if phones else []),
            ]
        )
        emitted: list[str] = []
        for n in range(rows):
            roll = rng.random()
            if roll < 0.05 and emitted:
                email = rng.choice(emitted)
            elif roll < 0.15 and existing:
                email = rng.choice(existing)
            else:
                email = f"imported.{run}.{n}@import.example"
            emitted.append(email)
            company = rng.randrange(150_000)
            phone = (phone_number(rng)[0] if rng.random() < 0.8 else "") if phones else None
            writer.writerow(
                [
                    "Alex",
                    f"Importer{n}",
                    email,
                    "Buyer",
                    f"Company {company} Ltd",
                    f"company{company}.bench.example",
                    *([phone] if phones else []),
                ]
            )


@contextmanager
def profiled(path: str | None) -> Iterator[None]:
    """cProfile this thread and every thread started meanwhile (the read-ahead, the
    PostgreSQL writers), merged into one file."""
    if not path:
        yield
        return
    profiles: list[cProfile.Profile] = []
    started = threading.Thread.run

    def run(self: threading.Thread) -> None:
        profile = cProfile.Profile()
        profiles.append(profile)
        profile.runcall(started, self)

    main = cProfile.Profile()
    threading.Thread.run = run  # type: ignore[method-assign]
    main.enable()
    try:
        yield
    finally:
        main.disable()
        threading.Thread.run = started  # type: ignore[method-assign]
        import pstats

        stats = pstats.Stats(main)
        for profile in profiles:
            stats.add(profile)
        stats.dump_stats(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--pairs", type=int, default=2, help="floor, import pairs (default 2)")
    parser.add_argument("--once", action="store_true", help="one import, no floor")
    parser.add_argument("--profile", metavar="FILE", help="cProfile the timed imports")
    parser.add_argument(
        "--as",
        dest="actor",
        default="alex.morgan@brightwell.example",
        help="who imports (default: the administrator, who may fill in every contact the "
        "file names; a marketer's rows over other teams' contacts are rejected instead)",
    )
    parser.add_argument(
        "--no-phones",
        action="store_true",
        help="leave out the Phone Number column (otherwise 80%% of rows have a UK number, "
        "spelt the ways people write them, which the import stores in E.164 too)",
    )
    args = parser.parse_args()
    setup()
    from tandem.core.models import Job
    from tandem.crm import imports
    from tandem.crm.models import Contact
    from tandem.people.models import User

    actor = User.objects.get(email=args.actor)
    run = int(time.time())
    # Existing contacts the file names again, with a blank job title to fill: a random
    # sample, given its old values back after each run.
    sample = random.Random(run)
    low = Contact.objects.order_by("id").values_list("id", flat=True).first() or 0
    # The seeded range: ids past it belong to form posts of form_during_import.py, after
    # gaps the removed imports left (SQLite never hands their ids out again).
    seeded = Contact.objects.filter(email__endswith="@bench.example").order_by("-id")
    high = seeded.values_list("id", flat=True).first() or 0
    existing = list(
        Contact.objects.filter(
            pk__any_of=[sample.randrange(low, high + 1) for _ in range(args.rows // 10)],
            job_title="",
        )
        .exclude(email="")
        .values_list("email", flat=True)
    )
    state = import_floor.fillable_state(existing)
    at = import_floor.mark()
    tag = f"database={database()} rows={args.rows:,}"

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "hubspot-export.csv"
        write_file(path, args.rows, existing, not args.no_phones, run)

        def import_once(profile: str | None = None) -> tuple[float, str]:
            with path.open("rb") as stream:
                staged = imports.stage_file(
                    actor=actor,
                    name=path.name,
                    chunks=iter(lambda: stream.read(1 << 20), b""),
                    size=path.stat().st_size,
                )
            job = Job.objects.create(
                owner=actor,
                kind="crm.import_contacts",
                title="bench",
                status="running",
                params={"token": staged.token, "mapping": staged.suggested},
            )
            messages: list[str] = []

            def progress(done: int, total: int | None = None, message: str = "") -> None:
                messages.append(message)

            with profiled(profile):
                started = time.perf_counter()
                imports.import_contacts(job, progress)
                seconds = time.perf_counter() - started
            staged.path.unlink(missing_ok=True)
            return seconds, messages[-1]

        if args.once:
            try:
                seconds, result = import_once(args.profile)
                # Printed before the clean-up, which form_during_import.py does not time.
                rate = args.rows / seconds
                print(f"{tag} import seconds={seconds:.2f} rate={rate:,.0f} rows/s", flush=True)
                print(f"result: {result}", flush=True)
            finally:
                import_floor.remove_contacts(at, state)
                import_floor.remove_accounts(at)
            return

        try:
            pairs(args, at, state, import_once, tag)
        finally:
            import_floor.remove_contacts(at, state)
            import_floor.remove_accounts(at)


def pairs(
    args: argparse.Namespace,
    at: import_floor.Mark,
    state: list[tuple[Any, ...]],
    import_once: Callable[..., tuple[float, str]],
    tag: str,
) -> None:
    """Warm-up import, then (floor, import, everything's floor) ``args.pairs`` times;
    prints each run."""
    _, result = import_once()
    rows = import_floor.imported_rows(at)
    print(f"{tag} warm-up import: {result}; floor rows: {len(rows):,} new contacts")
    import_floor.remove_contacts(at, state)
    ratios, import_rates, floor_rates, to_everything = [], [], [], []
    for pair in range(1, args.pairs + 1):
        prepared = import_floor.prepared(rows)
        started = time.perf_counter()
        import_floor.floor(prepared)
        floor_seconds = time.perf_counter() - started
        import_floor.remove_contacts(at, state)
        import_floor.remove_accounts(at)  # each import makes its accounts, as the first did
        profile = f"{args.profile}.{pair}" if args.profile else None
        import_seconds, result = import_once(profile)
        rows = import_floor.imported_rows(at)  # the next floors' rows: this import's
        stored = import_floor.everything(at, state)
        import_floor.remove_contacts(at, state)
        import_floor.remove_accounts(at)
        started = time.perf_counter()
        import_floor.floor_everything(stored)
        everything_seconds = time.perf_counter() - started
        import_floor.remove_contacts(at, state)
        to_everything.append(everything_seconds / import_seconds)
        new = len(rows)
        floor_rates.append(new / floor_seconds)
        import_rates.append(new / import_seconds)
        ratios.append(floor_seconds / import_seconds)
        print(
            f"{tag} pair {pair}: floor {new:,} contacts in {floor_seconds:.2f} s = "
            f"{new / floor_seconds:,.0f}/s; import {import_seconds:.2f} s = "
            f"{new / import_seconds:,.0f} new contacts/s ({args.rows / import_seconds:,.0f} "
            f"file rows/s); ratio {ratios[-1]:.2f}x the floor"
        )
        print(
            f"    result: {result}; everything it stored, written bare: "
            f"{everything_seconds:.2f} s, {to_everything[-1]:.2f}x"
        )
    print(
        f"{tag} median of {args.pairs}: floor {statistics.median(floor_rates):,.0f}/s, "
        f"import {statistics.median(import_rates):,.0f}/s, "
        f"ratio {statistics.median(ratios):.2f}x (min {min(ratios):.2f}, max {max(ratios):.2f}); "
        f"against everything it stored, {statistics.median(to_everything):.2f}x"
    )


if __name__ == "__main__":
    main()
