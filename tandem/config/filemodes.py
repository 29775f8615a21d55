"""Everything Tandem writes is readable by its own user only.

``var/`` holds the database, the queue, uploaded imports, exports of the audit log and
customer data, and the cache: with the usual umask (022) every local account could read
them. The start-up of every process (``tandem``/``manage.py`` and the WSGI app, so the
web server, the worker and every command) sets a umask of 077 before anything is
created, and settings keep ``var/`` itself at 0700, which also closes an install made
before this rule to other users.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_UMASK = 0o077


def keep_new_files_private() -> None:
    os.umask(PRIVATE_UMASK)


def private_directory(path: Path) -> None:
    """Create ``path`` as 0700, or take group and others' access off one we own."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = path.stat()
    except OSError:
        return  # e.g. a read-only working directory for a command that writes nothing
    if info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) & 0o077:
        path.chmod(stat.S_IMODE(info.st_mode) & 0o700)
