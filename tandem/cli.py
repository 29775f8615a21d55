"""The `tandem` console command: Django's management commands with Tandem's settings,
except ``tandem attribution``, which reads files and needs no database."""

import os
import sys


def main() -> None:
    if sys.argv[1:2] == ["attribution"]:  # files in, CSV out: no database, no Django
        # Polars' allocator (jemalloc) keeps freed pages for ten seconds by default; the
        # engine lets go of each 160 MB column as soon as it is used, and this hands
        # them back within 0.1 s from a thread of its own, so the peak is about what the
        # work needs (at 20M touches 1.1 GB rather than 1.4; set before polars loads).
        os.environ.setdefault(
            "_RJEM_MALLOC_CONF", "background_thread:true,dirty_decay_ms:100,muzzy_decay_ms:0"
        )
        from tandem.attribution.engine.cli import main as attribution

        raise SystemExit(attribution(sys.argv[2:]))
    from tandem.config.filemodes import keep_new_files_private

    keep_new_files_private()  # before settings create anything under var/
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
