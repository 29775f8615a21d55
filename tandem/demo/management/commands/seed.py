import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.demo import organisation


class Command(BaseCommand):
    help = "Load the demo organisation (Brightwell Energy). Deterministic per scale."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted(organisation.SCALES), default="small")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has people.",
        )

    def handle(self, *args: Any, scale: str, if_empty: bool, **options: Any) -> None:
        if not organisation.is_empty():
            if if_empty:
                self.stdout.write("The database already has an organisation; not seeding.")
                return
            raise CommandError("The database already has people; seed needs an empty database.")
        started = time.perf_counter()
        report = organisation.seed(scale)
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {organisation.describe(report)} ({scale}) in "
                f"{time.perf_counter() - started:.1f}s."
            )
        )
