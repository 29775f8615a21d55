"""The `tandem` console command: Django's management commands with Tandem's settings."""

import os
import sys


def main() -> None:
    from tandem.config.filemodes import keep_new_files_private

    keep_new_files_private()  # before settings create anything under var/
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
