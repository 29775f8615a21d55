"""Import a generated HubSpot-style CSV of N contacts with dedupe; print rows per second.

About 5% of rows repeat an e-mail earlier in the file, up to 10% match existing contacts of
the large demo (only blanks are filled), the rest are new; companies are matched by
domain against the existing accounts.
"""

import argparse
import csv
import random
import tempfile
import time
from pathlib import Path

from common import database, setup


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
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
    from tandem.demo.names import phone_number
    from tandem.people.models import User

    def phone(rng: random.Random) -> str:
        return phone_number(rng)[0] if rng.random() < 0.8 else ""

    rng = random.Random(7)
    actor = User.objects.get(email=args.actor)
    # Existing contacts the file names again: a fresh random sample each run, so each run
    # fills blanks (their job title) rather than finding them filled by the last run.
    run = int(time.time())
    sample = random.Random(run)
    low = Contact.objects.order_by("id").values_list("id", flat=True).first() or 0
    high = Contact.objects.order_by("-id").values_list("id", flat=True).first() or 0
    existing = list(
        Contact.objects.filter(
            pk__any_of=[sample.randrange(low, high + 1) for _ in range(args.rows // 10)],
            job_title="",
        )
        .exclude(email="")
        .values_list("email", flat=True)
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "hubspot-export.csv"
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
                    *([] if args.no_phones else ["Phone Number"]),
                ]
            )
            emitted: list[str] = []
            for n in range(args.rows):
                roll = rng.random()
                if roll < 0.05 and emitted:
                    email = rng.choice(emitted)
                elif roll < 0.15 and existing:
                    email = rng.choice(existing)
                else:
                    email = f"imported.{run}.{n}@import.example"
                emitted.append(email)
                company = rng.randrange(150_000)
                writer.writerow(
                    [
                        "Alex",
                        f"Importer{n}",
                        email,
                        "Buyer",
                        f"Company {company} Ltd",
                        f"company{company}.bench.example",
                        *([] if args.no_phones else [phone(rng)]),
                    ]
                )
        size = path.stat().st_size
        with path.open("rb") as stream:
            staged = imports.stage_file(
                actor=actor,
                name=path.name,
                chunks=iter(lambda: stream.read(1 << 20), b""),
                size=size,
            )
        job = Job.objects.create(
            owner=actor,
            kind="crm.import_contacts",
            title="bench",
            status="running",
            params={"token": staged.token, "mapping": staged.suggested},
        )
        started = time.perf_counter()
        messages: list[str] = []
        imports.import_contacts(job, lambda done, total=None, message="": messages.append(message))
        seconds = time.perf_counter() - started
    job.refresh_from_db()
    print(
        f"database={database()} rows={args.rows:,} seconds={seconds:.2f} "
        f"rate={args.rows / seconds:,.0f} rows/s phones={not args.no_phones}"
    )
    print(f"result: {messages[-1]}")


if __name__ == "__main__":
    main()
