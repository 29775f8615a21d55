"""Touchpoints from a CSV or XLSX file, through the same checks as the bulk API.

Columns use the API's names (idempotency_key, kind, occurred_at, and contact_id, email
or visitor_id; optional campaign_id, channel, utm_*, value). Rows go to the ingest in
batches of 1,000; every rejected row is reported with its spreadsheet row number, and
resending the file adds nothing (idempotency keys).
"""

from __future__ import annotations

from typing import Any

from tandem.campaigns.capture import UTM_FIELDS, ingest_touchpoints, require_capture
from tandem.core.errors import DomainError, ErrorCode
from tandem.core.ids import parse_id
from tandem.core.import_files import count_rows, headers_of, rows_of
from tandem.core.jobs import Progress, register_job_kind
from tandem.core.models import Job
from tandem.core.permissions import ORGANISATION, Action, require
from tandem.crm.contact_writes import Outcome
from tandem.crm.imports import StagedFile, staged_path, write_report

COLUMNS = (
    "idempotency_key",
    "kind",
    "occurred_at",
    "contact_id",
    "email",
    "visitor_id",
    "campaign_id",
    "channel",
    "value",
    *UTM_FIELDS,
)
REQUIRED = ("idempotency_key", "kind", "occurred_at")
BATCH = 1000


def check_headers(headers: list[str]) -> None:
    unknown = [h for h in headers if h not in COLUMNS]
    if unknown:
        raise DomainError(
            ErrorCode.INVALID,
            f"Unknown column {unknown[0]!r}; use {', '.join(COLUMNS)}.",
            field="file",
        )
    missing = [c for c in REQUIRED if c not in headers]
    if missing:
        raise DomainError(ErrorCode.INVALID, f"The file needs a {missing[0]} column.", field="file")


def start_touchpoint_import(
    *,
    actor: Any,
    token: str,
    original_name: str = "",
    via: str = "file import",
    token_granted: bool | None = None,
) -> Job:
    """Queue the import. Who may capture is checked now, and again by the job (as the
    same door: a person, or a token's grant as it stood when the file came in)."""
    from tandem.core.services import start_job

    require_capture(actor, token_granted=token_granted)
    check_headers(headers_of(staged_path(token)))
    return start_job(
        owner=actor,
        kind="campaigns.import_touchpoints",
        title=f"Import of touchpoints from {original_name or token}"[:200],
        params={"token": token, "name": original_name, "via": via, "token_granted": token_granted},
    )


def _as_row(headers: list[str], cells: list[str]) -> dict[str, Any]:
    row: dict[str, Any] = {
        h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(headers)
    }
    for key in ("contact_id", "campaign_id"):
        value = row.get(key, "")
        row[key] = parse_id(value) or value or None  # text that is no id: the row is refused
    return row


def touchpoint_import_params(staged: StagedFile, layout: str) -> dict[str, Any]:
    """The job's params for ``tandem import touchpoints`` (one layout: ``layout`` is not
    used)."""
    check_headers(staged.headers)
    return {"token": staged.token}


# Resumable: idempotency keys make a second run add nothing twice.
@register_job_kind(
    "campaigns.import_touchpoints",
    result_label="Download the rejected rows (CSV)",
    resumable=True,
)
def import_touchpoints(job: Job, progress: Progress) -> None:
    require(job.owner, Action.CREATE_RECORD, ORGANISATION)
    path = staged_path(job.params["token"])
    headers = headers_of(path)
    check_headers(headers)
    total = count_rows(path)
    progress(0, total, "Reading the file")
    outcome, created, duplicates = Outcome(), 0, 0
    batch: list[tuple[int, dict[str, Any]]] = []
    rows = rows_of(path)
    next(rows)
    done = 0

    def flush() -> None:
        nonlocal created, duplicates
        result = ingest_touchpoints(
            actor=job.owner,
            rows=[r for _, r in batch],
            via=job.params.get("via", "file import"),
            token_granted=job.params.get("token_granted"),
        )
        created += result.created
        duplicates += result.duplicates
        for rejected in result.rejected:
            outcome.rejected.append(
                (batch[rejected["row"]][0], rejected["field"] or "", rejected["message"])
            )
        batch.clear()
        progress(done, total, f"{created:,} touches added")

    for number, cells in enumerate(rows, start=2):
        done += 1
        if not any(c.strip() for c in cells):
            continue
        batch.append((number, _as_row(headers, cells)))
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    write_report(job, outcome)
    progress(
        done,
        None,
        f"{created:,} touches added, {duplicates:,} already recorded, "
        f"{len(outcome.rejected):,} rows rejected",
    )
