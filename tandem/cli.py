"""The `tandem` console command: Django's management commands with Tandem's settings."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
