"""`tandem import contacts|opportunities|touchpoints FILE --as EMAIL`: the same imports as
the pages, in the foreground, with a progress bar. The job record is kept, so the audit
trail says who imported what. The kinds are those registered in
``tandem.crm.import_kinds`` (contacts and opportunities by crm, touchpoints by
campaigns)."""

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.core.audit import Source, acting_as
from tandem.core.errors import DomainError
from tandem.core.jobs import Progress, job_kind
from tandem.core.models import Job
from tandem.crm import imports
from tandem.crm.import_kinds import ImportKind, import_kind, import_kind_names
from tandem.people.models import User


class Command(BaseCommand):
    help = "Import contacts (and their accounts), opportunities or touchpoints from CSV or XLSX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=import_kind_names())
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--as",
            dest="email",
            required=True,
            help="E-mail of the person the import is done for (the owner).",
        )
        parser.add_argument(
            "--layout",
            choices=["auto", *imports.LAYOUTS],
            default="auto",
            help="Contacts and opportunities: the column layout (default: recognise it).",
        )

    def handle(
        self, *args: Any, what: str, file: Path, email: str, layout: str, **options: Any
    ) -> None:
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
                kind = import_kind(what)
                self._run(actor, what, file.name, kind, kind.params(staged, layout))
        except DomainError as exc:
            raise CommandError(exc.message) from None

    def _run(
        self,
        actor: User,
        what: str,
        name: str,
        kind: ImportKind,
        params: dict[str, Any],
    ) -> None:
        job = Job.objects.create(
            owner=actor,
            kind=kind.job_kind,
            title=f"Import of {what} from {name}"[:200],
            status=Job.Status.RUNNING,
            params=params,
        )
        started = time.perf_counter()
        job_kind(kind.job_kind)(job, self._progress(job))
        Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE)
        job.refresh_from_db()
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(f"{job.message} in {time.perf_counter() - started:.1f}s.")
        )
        if job.result_file:
            self.stdout.write(f"Rejected rows: {imports.imports_dir().parent / job.result_file}")

    def _progress(self, job: Job) -> Progress:
        state = {"total": 0}

        def report(done: int, total: int | None = None, message: str = "") -> None:
            if total is not None:
                state["total"] = total
            Job.objects.filter(pk=job.pk).update(
                done=done, total=state["total"], message=message[:300]
            )
            width, known = 30, max(state["total"], 1)
            filled = int(width * min(done, known) / known)
            sys.stdout.write(
                f"\r[{'#' * filled}{'.' * (width - filled)}] "
                f"{done:,}/{state['total']:,} {message[:60]:<60}"
            )
            sys.stdout.flush()

        return report
