"""Importing contacts and their accounts from CSV or XLSX (our layout, HubSpot's or
Salesforce's export), in the background.

A file is read as a stream of rows, never whole into memory, and checked a chunk ahead
in a thread. Each chunk's contacts are written in one transaction (on PostgreSQL, by
one of several writer connections, after the chunk's new accounts are committed; a
failed chunk can leave those accounts, never a half-written contact); every rejected
row is reported with its row number, column and reason in a CSV the person downloads.
Contacts dedupe on the normalised e-mail (in the file and against the database: an
existing contact only has its blanks filled) and accounts on the normalised domain, or
the exact name when there is no domain. The writing itself is ``crm.contact_writes``.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.db import connection

from tandem.core.bulk import repeatable_writes
from tandem.core.checkpoints import checkpoints_apart
from tandem.core.errors import DomainError, ErrorCode
from tandem.core.import_files import bad_file as _bad_file
from tandem.core.import_files import count_rows, headers_of, rows_of
from tandem.core.jobs import Progress, register_job_kind
from tandem.core.models import Job
from tandem.core.permissions import ORGANISATION, Action, require
from tandem.core.readahead import read_ahead
from tandem.core.services import record_event
from tandem.core.spreadsheets import safe_cell
from tandem.crm.contact_writes import Outcome, write_chunk, write_in_parallel
from tandem.crm.normalise import (
    NotADomain,
    NotAPhoneNumber,
    is_email,
    normalise_domain,
    normalise_email,
    normalise_phone,
)

# Rows per transaction. SQLite has one write lock for the whole database, held by each
# chunk until it commits; web-form posts and quick-adds queue behind it. They take it
# in turns with the import (``tandem.core.sqlite`` tries every half millisecond, where
# SQLite's own waiting slept up to 100 ms and missed the gaps between chunks), so a
# chunk leaves the lock free only a millisecond: 1,000-row chunks hold it about 50 ms,
# and a post during an import answered in p95 96 ms (bench/form_during_import.py;
# bench/README.md), where 2,000-row chunks would make the import 15 % faster and posts
# wait twice as long. PostgreSQL locks rows, and its parallel writers want chunks big
# enough to be worth a transaction each.
CHUNK = 5000
SQLITE_CHUNK = 1000
SQLITE_PAUSE = 0.001
MAX_BYTES = 200 * 1024 * 1024
REPORT_SECONDS = 0.25

# What a column can become, with its longest allowed value.
FIELDS = {
    "first_name": ("First name", 100),
    "last_name": ("Last name", 100),
    "email": ("E-mail", 254),
    "phone": ("Phone", 40),
    "job_title": ("Job title", 120),
    "account_name": ("Company", 200),
    "account_domain": ("Company website or domain", 253),
}
# Headers (lower-case) of the exports people bring, and the field each one fills.
LAYOUTS: dict[str, dict[str, str]] = {
    "tandem": {name: name for name in FIELDS},
    "hubspot": {
        "first name": "first_name",
        "last name": "last_name",
        "email": "email",
        "phone number": "phone",
        "job title": "job_title",
        "company name": "account_name",
        "company domain name": "account_domain",
        "website url": "account_domain",
    },
    "salesforce": {
        "first name": "first_name",
        "last name": "last_name",
        "email": "email",
        "phone": "phone",
        "title": "job_title",
        "account name": "account_name",
        "website": "account_domain",
    },
}


# --- Columns to fields (the file is read by tandem.core.import_files) ---------------------
def suggest_mapping(
    headers: list[str], layouts: dict[str, dict[str, str]] | None = None
) -> dict[str, str]:
    """Header -> field, from whichever known layout (contacts' unless given) matches the
    headers best. A field two headers of a layout fill (a HubSpot export's "Company
    Domain Name" and "Website URL") goes to the first of them."""
    best: dict[str, str] = {}
    for layout in (LAYOUTS if layouts is None else layouts).values():
        mapping: dict[str, str] = {}
        for header in headers:
            field = layout.get(header.lower())
            if field and field not in mapping.values():
                mapping[header] = field
        if len(mapping) > len(best):
            best = mapping
    return best


def check_columns(
    headers: list[str], mapping: dict[str, str], fields: dict[str, tuple[str, int]]
) -> dict[str, str]:
    """The chosen columns (header -> field, left-out ones dropped) of a mapping that names
    only the file's headers and ``fields``, each field at most once."""
    unknown_headers = set(mapping) - set(headers)
    if unknown_headers:
        raise DomainError(
            ErrorCode.INVALID, f"No column called {sorted(unknown_headers)[0]!r}.", field="mapping"
        )
    chosen = {h: f for h, f in mapping.items() if f}
    bad = [f for f in chosen.values() if f not in fields]
    if bad:
        raise DomainError(ErrorCode.INVALID, f"Unknown field {bad[0]!r}.", field="mapping")
    doubled = {f for f in chosen.values() if list(chosen.values()).count(f) > 1}
    if doubled:
        raise DomainError(
            ErrorCode.INVALID,
            f"Two columns are mapped to {fields[sorted(doubled)[0]][0]}.",
            field="mapping",
        )
    return chosen


def check_mapping(headers: list[str], mapping: dict[str, str]) -> dict[str, str]:
    chosen = check_columns(headers, mapping, FIELDS)
    if not {"email", "first_name", "last_name"} & set(chosen.values()):
        raise DomainError(
            ErrorCode.INVALID, "Map at least the e-mail or a name column.", field="mapping"
        )
    return chosen


# --- Staging and starting ------------------------------------------------------------------
def imports_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass
class StagedFile:
    token: str
    original_name: str
    headers: list[str]
    suggested: dict[str, str]

    @property
    def path(self) -> Path:
        return staged_path(self.token)


def staged_path(token: str) -> Path:
    """The stored file of a token. Tokens are ours (hex); the person's file name never
    becomes a path, so '../../etc/passwd.csv' is just a name shown back to them."""
    stem, _, suffix = (token or "").partition(".")
    if (
        len(stem) != 32
        or not all(c in "0123456789abcdef" for c in stem)
        or suffix not in ("csv", "xlsx")
    ):
        raise DomainError(ErrorCode.NOT_FOUND, "This upload is no longer available.")
    path = imports_dir() / token
    if not path.is_file():
        raise DomainError(ErrorCode.NOT_FOUND, "This upload is no longer available.")
    return path


def stage_file(*, actor: Any, name: str, chunks: Iterator[bytes], size: int) -> StagedFile:
    """Store an uploaded file under a random name and read its header row."""
    import secrets

    require(actor, Action.CREATE_RECORD, ORGANISATION)
    suffix = Path(name or "").suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise _bad_file("Upload a .csv or .xlsx file.")
    if size > MAX_BYTES:
        raise _bad_file(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    token = secrets.token_hex(16) + suffix
    path = imports_dir() / token
    with path.open("wb") as out:
        for chunk in chunks:
            out.write(chunk)
    try:
        headers = headers_of(path)
    except DomainError:
        path.unlink(missing_ok=True)
        raise
    return StagedFile(
        token=token,
        original_name=Path(name).name[:200],
        headers=headers,
        suggested=suggest_mapping(headers),
    )


def start_contact_import(
    *, actor: Any, token: str, mapping: dict[str, str], original_name: str = ""
) -> Job:
    from tandem.core.services import start_job

    require(actor, Action.CREATE_RECORD, ORGANISATION)
    path = staged_path(token)
    mapping = check_mapping(headers_of(path), mapping)
    title = f"Import of contacts from {original_name or path.name}"[:200]
    return start_job(
        owner=actor,
        kind="crm.import_contacts",
        title=title,
        params={"token": token, "mapping": mapping, "name": original_name},
    )


# --- Running -------------------------------------------------------------------------------
def _clean(row: list[str], columns: list[tuple[int, str, str]]) -> dict[str, str]:
    """Row -> {field: value}; raises (column, reason) problems as ValueError."""
    values: dict[str, str] = {}
    for index, header, name in columns:
        value = (row[index] if index < len(row) else "").strip()
        if "\x00" in value:  # PostgreSQL refuses it in text, so would fail the chunk
            raise ValueError(header, "contains a NUL character")
        limit = FIELDS[name][1]
        if len(value) > limit:
            raise ValueError(header, f"longer than {limit} characters")
        values[name] = value
    values["email"] = normalise_email(values.get("email", ""))
    if values["email"] and not is_email(values["email"]):
        header = next(h for _, h, n in columns if n == "email")
        raise ValueError(header, f"{values['email'][:60]!r} is not a valid e-mail")
    if not (values["email"] or values.get("first_name") or values.get("last_name")):
        raise ValueError("", "no e-mail and no name")
    try:
        values["account_domain"] = normalise_domain(values.get("account_domain", ""))
    except NotADomain as problem:
        header = next(h for _, h, n in columns if n == "account_domain")
        raise ValueError(header, str(problem)) from None
    try:
        values["phone_e164"] = normalise_phone(values.get("phone", ""))
    except NotAPhoneNumber as problem:
        header = next(h for _, h, n in columns if n == "phone")
        raise ValueError(header, str(problem)) from None
    values["import_key"] = "" if values["email"] else row_key(values)
    return values


def row_key(values: dict[str, str]) -> str:
    """A stable key of a row without an e-mail: a hash of its normalised values. The same
    row, in a second run of the file, a resumed run or another file, gets the same key,
    so it is stored once (``Contact.import_key`` is unique). A hash of the content, not
    of the file and row number, so a row moved by an edit to the file still matches."""
    import hashlib

    text = "\x1f".join(" ".join(values.get(name, "").split()).casefold() for name in FIELDS)
    return hashlib.sha256(text.encode()).hexdigest()


def contact_import_params(staged: StagedFile, layout: str) -> dict[str, Any]:
    """The job's params for ``tandem import contacts``: the mapping recognised from the
    headers ("auto"), or that of the named layout."""
    mapping = (
        staged.suggested
        if layout == "auto"
        else {h: LAYOUTS[layout][h.lower()] for h in staged.headers if h.lower() in LAYOUTS[layout]}
    )
    return {"token": staged.token, "mapping": check_mapping(staged.headers, mapping)}


@register_job_kind(
    "crm.import_contacts", result_label="Download the rejected rows (CSV)", resumable=True
)
def import_contacts(job: Job, progress: Progress) -> None:
    """The background job: read, check, dedupe, write in chunks, report rejected rows."""
    require(job.owner, Action.CREATE_RECORD, ORGANISATION)
    path = staged_path(job.params["token"])
    headers = headers_of(path)
    mapping: dict[str, str] = job.params["mapping"]
    columns = [(i, h, mapping[h]) for i, h in enumerate(headers) if mapping.get(h)]
    total = count_rows(path)
    progress(0, total, "Reading the file")
    outcome = Outcome()
    done = 0
    reported = time.monotonic()

    def report(read: int) -> None:
        # At most a few times a second: each report is a write, and on SQLite a write
        # waits for the lock like any other (the chunks would otherwise report 200 times).
        nonlocal reported
        if time.monotonic() - reported >= REPORT_SECONDS:
            reported = time.monotonic()
            progress(read, total, f"{outcome.created:,} added, {outcome.updated:,} updated")

    # The next chunk is read and checked in a thread while this one is written; a file
    # import can simply be run again, so its commits need not wait for the disk.
    chunks = read_ahead(_checked_chunks(path, columns, outcome, connection.vendor))
    with repeatable_writes():
        # Writer threads need their own connections, which see only committed data: not
        # inside a caller's transaction (as in tests), and SQLite has one writer anyway.
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            done = write_in_parallel(chunks, job.owner, outcome, report)
        else:
            with checkpoints_apart() as committed:
                for done, chunk in chunks:
                    if chunk:
                        write_chunk(chunk, job.owner, outcome)
                        committed()
                        if connection.vendor == "sqlite" and not connection.in_atomic_block:
                            time.sleep(SQLITE_PAUSE)  # the lock is free: let a post in
                    report(done)
    _finish(job, outcome, progress, done)


def _checked_chunks(
    path: Path, columns: list[tuple[int, str, str]], outcome: Outcome, vendor: str
) -> Iterator[tuple[int, list[tuple[int, dict[str, str]]]]]:
    """(rows read so far, the next chunk of good rows); rejected rows and duplicates of
    an earlier row go to ``outcome.rejected``. No database access: runs in a thread."""
    seen: dict[str, int] = {}  # e-mail or row key -> the first row it appeared on
    chunk: list[tuple[int, dict[str, str]]] = []
    size = SQLITE_CHUNK if vendor == "sqlite" else CHUNK
    done = 0
    rows = rows_of(path)
    next(rows)  # the header row
    for number, row in enumerate(rows, start=2):  # row 1 is the header, as in a spreadsheet
        done += 1
        if not any(cell.strip() for cell in row):
            continue  # blank lines are not errors
        try:
            values = _clean(row, columns)
        except ValueError as problem:
            column, reason = problem.args
            outcome.rejected.append((number, column, reason))
            continue
        same = values["email"] or values["import_key"]  # the same person, by e-mail or row
        if same in seen:
            outcome.rejected.append((number, "", f"duplicate of row {seen[same]}"))
            continue
        seen[same] = number
        chunk.append((number, values))
        if len(chunk) >= size:
            yield done, chunk
            chunk = []
    yield done, chunk


class Rejections(Protocol):
    rejected: list[tuple[int, str, str]]  # row, column, reason


def write_report(job: Job, outcome: Rejections) -> None:
    """The rejected rows as a CSV (row, column, reason) attached to the job, if any: the
    one report of every import (contacts, opportunities, touchpoints)."""
    if not outcome.rejected:
        return
    report = imports_dir() / f"rejected-rows-{job.pk}.csv"
    with report.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["row", "column", "reason"])
        for number, column, reason in outcome.rejected:
            writer.writerow([number, safe_cell(column), safe_cell(reason)])
    Job.objects.filter(pk=job.pk).update(result_file=f"imports/{report.name}")


def _finish(job: Job, outcome: Outcome, progress: Progress, done: int) -> None:
    summary = (
        f"{outcome.created:,} contacts added, {outcome.updated:,} updated, "
        f"{outcome.accounts_created:,} accounts added, "
        f"{len(outcome.rejected):,} rows rejected"
    )
    write_report(job, outcome)
    progress(done, None, summary)
    record_event(
        "contacts.imported",
        data={
            "job_id": job.pk,
            "created": outcome.created,
            "updated": outcome.updated,
            "rejected": len(outcome.rejected),
        },
    )


# --- Bulk upsert through the API -----------------------------------------------------------
MAX_UPSERT = 1000


def _texts(row: dict[str, Any]) -> list[str]:
    """A JSON row's values as a file's cells: text, or nothing. A list, a number or a
    boolean is refused, naming its field, rather than stored as its Python spelling
    (``["a"]`` became the name ``['a']``)."""
    values = []
    for name in FIELDS:
        value = row.get(name)
        if value is not None and not isinstance(value, str):
            raise ValueError(name, "must be text")
        values.append(value or "")
    return values


def bulk_upsert_contacts(*, actor: Any, rows: list[Any]) -> dict[str, Any]:
    """Up to MAX_UPSERT contacts as JSON objects with the import's field names; the same
    checks and dedupe as a file import. Returns counts and each rejected row's index."""
    require(actor, Action.CREATE_RECORD, ORGANISATION)
    if len(rows) > MAX_UPSERT:
        raise DomainError(
            ErrorCode.INVALID,
            f"At most {MAX_UPSERT} contacts per request ({len(rows)} sent).",
            field="contacts",
        )
    columns = [(i, name, name) for i, name in enumerate(FIELDS)]
    outcome = Outcome()
    seen: dict[str, int] = {}
    clean: list[tuple[int, dict[str, str]]] = []
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            outcome.rejected.append((index, "", "each contact must be a JSON object"))
            continue
        unknown = set(row) - set(FIELDS)
        if unknown:
            outcome.rejected.append((index, sorted(unknown)[0], "unknown field"))
            continue
        try:
            values = _clean(_texts(row), columns)
        except ValueError as problem:
            outcome.rejected.append((index, *problem.args))
            continue
        if values["email"] and values["email"] in seen:
            outcome.rejected.append((index, "email", f"duplicate of row {seen[values['email']]}"))
            continue
        if values["email"]:
            seen[values["email"]] = index
        clean.append((index, values))
    if clean:
        write_chunk(clean, actor, outcome)
        record_event(
            "contacts.upserted", data={"created": outcome.created, "updated": outcome.updated}
        )
    return {
        "created": outcome.created,
        "updated": outcome.updated,
        "accounts_created": outcome.accounts_created,
        "rejected": [{"row": r, "field": f or None, "message": m} for r, f, m in outcome.rejected],
    }
