"""`tandem import contacts FILE --as EMAIL`: the same import as the page, in the foreground,
with a progress bar. The job record is kept, so the history says who imported what."""

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.core.audit import Source, acting_as
from tandem.core.errors import DomainError
from tandem.core.jobs import Progress
from tandem.core.models import Job
from tandem.crm import imports
from tandem.people.models import User


class Command(BaseCommand):
    help = "Import contacts and their accounts from a CSV or XLSX file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["contacts"])
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--as",
            dest="email",
            required=True,
            help="E-mail of the person the import is done for (the owner).",
        )
        parser.add_argument("--layout", choices=["auto", *imports.LAYOUTS], default="auto")

    def handle(self, *args: Any, file: Path, email: str, layout: str, **options: Any) -> None:
        actor = User.objects.filter(email=email.strip().lower(), is_active=True).first()
        if actor is None:
            raise CommandError(f"No active person with the e-mail {email}.")
        if not file.is_file():
            raise CommandError(f"{file} is not a file.")
        try:
            with file.open("rb") as stream, acting_as(actor, Source.IMPORT):
                staged = imports.stage_file(
                    actor=actor,
                    name=file.name,
                    chunks=iter(lambda: stream.read(1 << 20), b""),
                    size=file.stat().st_size,
                )
                mapping = (
                    staged.suggested
                    if layout == "auto"
                    else {
                        h: imports.LAYOUTS[layout][h.lower()]
                        for h in staged.headers
                        if h.lower() in imports.LAYOUTS[layout]
                    }
                )
                checked = imports.check_mapping(staged.headers, mapping)
                job = Job.objects.create(
                    owner=actor,
                    kind="crm.import_contacts",
                    title=f"Import of contacts from {file.name}"[:200],
                    status=Job.Status.RUNNING,
                    params={"token": staged.token, "mapping": checked},
                )
                started = time.perf_counter()
                imports.import_contacts(job, self._progress(job))
        except DomainError as exc:
            raise CommandError(exc.message) from None
        Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE)
        job.refresh_from_db()
        seconds = time.perf_counter() - started
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"{job.message} in {seconds:.1f}s."))
        if job.result_file:
            self.stdout.write(
                f"Rejected rows: {Path(imports.imports_dir()).parent / job.result_file}"
            )

    def _progress(self, job: Job) -> Progress:
        state = {"total": 0}

        def report(done: int, total: int | None = None, message: str = "") -> None:
            if total is not None:
                state["total"] = total
            Job.objects.filter(pk=job.pk).update(
                done=done, total=state["total"], message=message[:300]
            )
            width, total_ = 30, max(state["total"], 1)
            filled = int(width * min(done, total_) / total_)
            sys.stdout.write(
                f"\r[{'#' * filled}{'.' * (width - filled)}] "
                f"{done:,}/{state['total']:,} {message[:60]:<60}"
            )
            sys.stdout.flush()

        return report
