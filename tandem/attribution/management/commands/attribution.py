"""``manage.py attribution``: the engine's command (``tandem.attribution.engine.cli``)
through Django's management commands. ``tandem attribution`` runs the same without
starting Django."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tandem.attribution.engine import AttributionError, cli


class Command(BaseCommand):
    help = cli.HELP

    def add_arguments(self, parser: ArgumentParser) -> None:
        cli.add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            cli.run(options, self.stdout, self.stderr)
        except (cli.UsageError, AttributionError) as exc:
            raise CommandError(str(exc)) from None
