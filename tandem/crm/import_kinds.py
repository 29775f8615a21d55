"""The kinds of record ``tandem import KIND FILE`` loads.

crm stages the file (``tandem.crm.imports.stage_file``) and imports contacts; an app
above crm that imports records of its own from a staged file (campaigns: touchpoints)
registers an ``ImportKind`` in its ``AppConfig.ready``, so the command finds it by name
without importing that app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tandem.crm.imports import StagedFile


@dataclass(frozen=True)
class ImportKind:
    """``name``: the command's word ("contacts"); ``job_kind``: the registered job kind
    that imports it; ``params(staged, layout)``: checks the staged file's headers and
    returns the job's params (``layout`` is the command's ``--layout``, "auto" unless
    given; a kind with one layout ignores it)."""

    name: str
    job_kind: str
    params: Callable[[StagedFile, str], dict[str, Any]]


_KINDS: dict[str, ImportKind] = {}


def register_import_kind(kind: ImportKind) -> None:
    _KINDS.setdefault(kind.name, kind)


def import_kind_names() -> list[str]:
    return list(_KINDS)


def import_kind(name: str) -> ImportKind:
    return _KINDS[name]
