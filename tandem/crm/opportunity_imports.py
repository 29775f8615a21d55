"""Importing opportunities (deals) from CSV or XLSX, in Tandem's layout (its export), a
HubSpot deals export or a Salesforce opportunities export, through the contact import's
machinery: the same upload and staging (``imports.stage_file``), mapping step, reader
(``core.import_files``), background job with progress, and rejected-rows report.

Each row is checked as ``update_opportunity`` checks an edit, and refused naming its
column: a deal needs a name and a company; the amount is read as ``core.money`` reads
one (a thousands comma and a leading £, $ or € allowed); the currency is an ISO 4217
code (GBP when the column is blank or missing); the close date is ISO (2026-05-31, with
or without a time, as XLSX cells give it) or day-first (31/05/2026): month-first US dates
are refused, not guessed; the stage is ours, HubSpot's or Salesforce's default stage
names (``STAGES``); the owner is a person's e-mail, or their full name when only one
active person has it, and must be an active member of a team (blank: the importer).

Companies are matched by name, ignoring case (the oldest account when several share
it), and created when none matches, owned by the importer as in a contact import.
A deal is added once: its key is its source system's id (HubSpot's "Record ID",
Salesforce's "Opportunity ID") or, without one, a hash of the row; a row whose key is
stored is counted as already imported, so a file can be run again or resumed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from tandem.core.audit import Source, current_actor, current_source
from tandem.core.bulk import retrying_conflicts
from tandem.core.currencies import currency_code
from tandem.core.dates import EARLIEST, LATEST
from tandem.core.errors import DomainError, ErrorCode
from tandem.core.history_writes import create_with_history
from tandem.core.import_files import count_rows, headers_of, rows_of
from tandem.core.jobs import Progress, register_job_kind
from tandem.core.models import DomainEvent, Job
from tandem.core.money import parse_amount
from tandem.core.permissions import ORGANISATION, Action, require
from tandem.core.services import record_event
from tandem.crm.imports import StagedFile, check_columns, staged_path, suggest_mapping, write_report
from tandem.crm.models import Account, Opportunity
from tandem.people.models import User, load_team_roles

CHUNK = 1000  # rows per transaction
DEFAULT_CURRENCY = "GBP"
NO_REASON = "No reason given in the imported file"

# What a column can become, with its longest allowed value.
FIELDS = {
    "name": ("Deal name", 200),
    "account_name": ("Company", 200),
    "amount": ("Amount", 40),
    "currency": ("Currency", 20),
    "close_date": ("Close date", 40),
    "stage": ("Stage", 100),
    "owner": ("Owner (e-mail or full name)", 254),
    "reason": ("Why won or lost", 300),
    "source_id": ("Id in the system it came from", 100),
}
# Headers (lower-case) of the exports people bring, and the field each one fills.
LAYOUTS: dict[str, dict[str, str]] = {
    # Tandem's own export (/opportunities/export.csv) and the field names themselves.
    "tandem": {
        **{name: name for name in FIELDS},
        "account": "account_name",
    },
    "hubspot": {
        "deal name": "name",
        "associated company": "account_name",
        "associated company (primary)": "account_name",
        "company name": "account_name",
        "amount": "amount",
        "currency": "currency",
        "deal currency code": "currency",
        "close date": "close_date",
        "deal stage": "stage",
        "deal owner": "owner",
        "closed lost reason": "reason",
        "record id": "source_id",
        "deal id": "source_id",
    },
    "salesforce": {
        "opportunity name": "name",
        "account name": "account_name",
        "amount": "amount",
        "opportunity currency": "currency",
        "currency": "currency",
        "close date": "close_date",
        "stage": "stage",
        "opportunity owner": "owner",
        "owner email": "owner",
        "loss reason": "reason",
        "opportunity id": "source_id",
    },
}
# Stage names as the three layouts write them (lower-case, single spaces) -> ours.
# HubSpot's default sales pipeline (labels and internal ids) and Salesforce's default
# opportunity stages, each to the stage of ours with the nearest probability.
STAGES = {
    **{value: value for value in Opportunity.Stage.values},
    **{str(label).lower(): value for value, label in Opportunity.Stage.choices},
    # HubSpot
    "appointment scheduled": "qualification",
    "appointmentscheduled": "qualification",
    "qualified to buy": "qualification",
    "qualifiedtobuy": "qualification",
    "presentation scheduled": "proposal",
    "presentationscheduled": "proposal",
    "decision maker bought-in": "proposal",
    "decisionmakerboughtin": "proposal",
    "contract sent": "negotiation",
    "contractsent": "negotiation",
    "closed won": "won",
    "closedwon": "won",
    "closed lost": "lost",
    "closedlost": "lost",
    # Salesforce
    "prospecting": "qualification",
    "needs analysis": "qualification",
    "value proposition": "proposal",
    "id. decision makers": "proposal",
    "perception analysis": "proposal",
    "proposal/price quote": "proposal",
    "negotiation/review": "negotiation",
}
_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
_DAY_FIRST = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")


# --- Columns and starting ----------------------------------------------------------------
def suggest(headers: list[str]) -> dict[str, str]:
    return suggest_mapping(headers, LAYOUTS)


def check_mapping(headers: list[str], mapping: dict[str, str]) -> dict[str, str]:
    chosen = check_columns(headers, mapping, FIELDS)
    missing = [FIELDS[f][0] for f in ("name", "account_name") if f not in chosen.values()]
    if missing:
        raise DomainError(
            ErrorCode.INVALID, f"Map a column to {' and '.join(missing)}.", field="mapping"
        )
    return chosen


def start_import(
    *, actor: Any, token: str, mapping: dict[str, str], original_name: str = ""
) -> Job:
    from tandem.core.services import start_job

    require(actor, Action.CREATE_RECORD, ORGANISATION)
    path = staged_path(token)
    mapping = check_mapping(headers_of(path), mapping)
    return start_job(
        owner=actor,
        kind="crm.import_opportunities",
        title=f"Import of opportunities from {original_name or path.name}"[:200],
        params={"token": token, "mapping": mapping, "name": original_name},
    )


def import_params(staged: StagedFile, layout: str) -> dict[str, Any]:
    """The job's params for ``tandem import opportunities``: the mapping recognised from
    the headers ("auto"), or that of the named layout."""
    if layout == "auto":
        mapping = suggest(staged.headers)
    else:
        mapping = suggest_mapping(staged.headers, {layout: LAYOUTS[layout]})
    return {"token": staged.token, "mapping": check_mapping(staged.headers, mapping)}


# --- Reading a row -----------------------------------------------------------------------
class Rejected(ValueError):
    """A row refused: ``args`` are (column header, reason)."""


def _amount(text: str, header: str) -> Decimal:
    cleaned = text.replace(" ", "").lstrip("£$€")
    if _THOUSANDS.match(cleaned):
        cleaned = cleaned.replace(",", "")
    try:
        return parse_amount(cleaned or "0", "amount")
    except DomainError as problem:
        raise Rejected(header, problem.message) from None


def _close_date(text: str, header: str) -> date | None:
    if not text:
        return None
    iso, day_first = _ISO.match(text), _DAY_FIRST.match(text)
    try:
        if iso:
            found = date(int(iso[1]), int(iso[2]), int(iso[3]))
        elif day_first:
            found = date(int(day_first[3]), int(day_first[2]), int(day_first[1]))
        else:
            raise ValueError(text)
    except ValueError:
        raise Rejected(
            header, f"{text[:40]!r} is not a date: write 2026-05-31 or 31/05/2026"
        ) from None
    if not EARLIEST <= found <= LATEST:
        raise Rejected(header, f"{found.isoformat()} is not between 1900 and 2200")
    return found


def _clean(row: list[str], columns: list[tuple[int, str, str]]) -> dict[str, Any]:
    """Row -> {field: value}, or Rejected naming the column."""
    values: dict[str, Any] = {}
    headers: dict[str, str] = {}
    for index, header, name in columns:
        value = (row[index] if index < len(row) else "").strip()
        if "\x00" in value:
            raise Rejected(header, "contains a NUL character")
        if len(value) > FIELDS[name][1]:
            raise Rejected(header, f"longer than {FIELDS[name][1]} characters")
        values[name], headers[name] = value, header
    for name in ("name", "account_name"):
        if not values.get(name):
            raise Rejected(headers[name], f"no {FIELDS[name][0].lower()}")
    values["amount"] = _amount(values.get("amount", ""), headers.get("amount", ""))
    code = currency_code(values.get("currency") or DEFAULT_CURRENCY)
    if code is None:
        raise Rejected(
            headers["currency"], f"{values['currency']!r} is not a currency code we know"
        )
    values["currency"] = code
    values["close_date"] = _close_date(values.get("close_date", ""), headers.get("close_date", ""))
    stage_text = " ".join(values.get("stage", "").lower().split())
    if stage_text and stage_text not in STAGES:
        raise Rejected(headers["stage"], f"{values['stage'][:40]!r} is not a stage we know")
    values["stage"] = STAGES.get(stage_text, Opportunity.Stage.QUALIFICATION)
    values["import_key"] = row_key(values)
    return values


def row_key(values: dict[str, Any]) -> str:
    """The deal's source id (what identifies it in HubSpot or Salesforce), else the row's
    normalised values, hashed."""
    if values.get("source_id"):
        text = "id\x1f" + values["source_id"].casefold()
    else:
        names = ("name", "account_name", "amount", "currency", "close_date", "stage", "owner")
        text = "\x1f".join(" ".join(str(values.get(n) or "").split()).casefold() for n in names)
    return hashlib.sha256(text.encode()).hexdigest()


# --- Writing -------------------------------------------------------------------------------
@dataclass
class Outcome:
    created: int = 0
    already: int = 0
    accounts_created: int = 0
    rejected: list[tuple[int, str, str]] = field(default_factory=list)  # row, column, reason


class Owners:
    """Owners named in the file, found by e-mail or (when unique) full name, each once."""

    def __init__(self, actor: User) -> None:
        self.actor = actor
        self.found: dict[str, User | str] = {}  # text -> the user, or why not

    def load(self, texts: set[str]) -> None:
        wanted = {t.lower() for t in texts if t and t.lower() not in self.found}
        if not wanted:
            return
        people = list(
            User.objects.active()
            .annotate(lower_name=Lower("full_name"))
            .filter(Q(email__in=wanted) | Q(lower_name__in=wanted))
        )
        load_team_roles(people)
        for text in wanted:
            by_email = [p for p in people if p.email == text]
            by_name = [p for p in people if p.full_name.lower() == text]
            matches = by_email or by_name
            if len(matches) > 1:
                self.found[text] = f"{len(matches)} people are called {text!r}: give the e-mail"
            elif not matches:
                self.found[text] = f"nobody active here has the e-mail or name {text!r}"
            elif matches[0].home_team_id() is None:
                self.found[text] = f"{matches[0]} is in no team, so cannot own deals"
            else:
                self.found[text] = matches[0]

    def of(self, text: str, header: str) -> User:
        if not text:
            return self.actor
        found = self.found[text.lower()]
        if isinstance(found, str):
            raise Rejected(header, found)
        return found


def _accounts_for(names: set[str], actor: User, outcome: Outcome) -> dict[str, int]:
    """Lower-cased company name -> account id, creating those no account has."""
    found: dict[str, int] = {}
    for lowered, pk in (
        Account.objects.annotate(lowered=Lower("name"))
        .filter(lowered__in={n.lower() for n in names})
        .order_by("-id")
        .values_list("lowered", "id")
    ):
        found[lowered] = pk  # the oldest wins: ids come newest first
    new = {}
    for name in sorted(names):
        if name.lower() not in found and name.lower() not in new:
            new[name.lower()] = name
    if new:
        ids = create_with_history(
            Account,
            ["name", "owner_id", "team_id"],
            [(name, actor.pk, actor.home_team_id()) for name in new.values()],
            actor=actor,
            source=Source.IMPORT,
        )
        found.update(zip(new, ids, strict=True))
        outcome.accounts_created += len(new)
    return found


def _closed_at(values: dict[str, Any]) -> datetime | None:
    if values["stage"] not in ("won", "lost"):
        return None
    if values["close_date"] is None:
        return timezone.now()
    return timezone.make_aware(datetime.combine(values["close_date"], time(12)))


def write_chunk(
    chunk: list[tuple[int, dict[str, Any]]],
    actor: User,
    owners: Owners,
    outcome: Outcome,
    owner_header: str = "",
) -> None:
    """One transaction: the chunk's missing companies and its new deals, with history.
    A row whose owner is unknown or cannot own deals is rejected first."""
    owners.load({v.get("owner", "") for _, v in chunk})
    ready: list[tuple[int, dict[str, Any], User]] = []
    for number, values in chunk:
        try:
            owner = owners.of(values.get("owner", ""), owner_header)
        except Rejected as problem:
            outcome.rejected.append((number, *problem.args))
            continue
        ready.append((number, values, owner))

    def attempt() -> tuple[int, int, int]:
        keys = [v["import_key"] for _, v, _ in ready]
        stored = set(
            Opportunity.objects.filter(import_key__in=keys).values_list("import_key", flat=True)
        )
        fresh = [(v, o) for _, v, o in ready if v["import_key"] not in stored]
        part = Outcome()
        accounts = _accounts_for({v["account_name"] for v, _ in fresh}, actor, part)
        ids = create_with_history(
            Opportunity,
            [
                *("name", "account_id", "amount", "currency", "close_date", "stage"),
                *("outcome_reason", "closed_at", "owner_id", "team_id", "import_key"),
            ],
            [
                (
                    v["name"],
                    accounts[v["account_name"].lower()],
                    v["amount"],
                    v["currency"],
                    v["close_date"],
                    v["stage"],
                    _reason(v),
                    _closed_at(v),
                    owner.pk,
                    owner.home_team_id(),
                    v["import_key"],
                )
                for v, owner in fresh
            ],
            actor=actor,
            source=Source.IMPORT,
        )
        _creation_events(ids, [v for v, _ in fresh])
        return len(fresh), len(ready) - len(fresh), part.accounts_created

    created, already, accounts_made = retrying_conflicts(attempt)
    outcome.created += created
    outcome.already += already
    outcome.accounts_created += accounts_made


def _creation_events(ids: list[int], rows: list[dict[str, Any]]) -> None:
    """Each new deal's "created" event, as ``create_opportunity`` records it (its
    timeline starts there), in one statement for the chunk."""
    subject_type = ContentType.objects.get_for_model(Opportunity)
    actor, source = current_actor(), current_source()
    DomainEvent.objects.bulk_create(
        DomainEvent(
            name="opportunity.created",
            actor=actor,
            source=source,
            subject_type=subject_type,
            subject_id=pk,
            data={"amount": str(row["amount"]), "currency": row["currency"], "imported": True},
        )
        for pk, row in zip(ids, rows, strict=True)
    )


def _reason(values: dict[str, Any]) -> str:
    if values["stage"] == "lost":
        return values.get("reason") or NO_REASON
    return values.get("reason", "") if values["stage"] == "won" else ""


def _checked_chunks(
    path: Path, columns: list[tuple[int, str, str]], outcome: Outcome
) -> Iterator[tuple[int, list[tuple[int, dict[str, Any]]]]]:
    """(rows read so far, the next chunk of good rows); bad rows and repeats of an earlier
    row go to ``outcome.rejected`` with their row number (the header is row 1)."""
    seen: dict[str, int] = {}
    chunk: list[tuple[int, dict[str, Any]]] = []
    done = 0
    rows = rows_of(path)
    next(rows)
    for number, row in enumerate(rows, start=2):
        done += 1
        if not any(cell.strip() for cell in row):
            continue
        try:
            values = _clean(row, columns)
        except Rejected as problem:
            outcome.rejected.append((number, *problem.args))
            continue
        if values["import_key"] in seen:
            outcome.rejected.append((number, "", f"duplicate of row {seen[values['import_key']]}"))
            continue
        seen[values["import_key"]] = number
        chunk.append((number, values))
        if len(chunk) >= CHUNK:
            yield done, chunk
            chunk = []
    yield done, chunk


@register_job_kind(
    "crm.import_opportunities", result_label="Download the rejected rows (CSV)", resumable=True
)
def import_opportunities(job: Job, progress: Progress) -> None:
    """The background job: read, check, write in chunks, report rejected rows."""
    actor = job.owner
    require(actor, Action.CREATE_RECORD, ORGANISATION)
    path = staged_path(job.params["token"])
    headers = headers_of(path)
    mapping: dict[str, str] = job.params["mapping"]
    columns = [(i, h, mapping[h]) for i, h in enumerate(headers) if mapping.get(h)]
    total = count_rows(path)
    progress(0, total, "Reading the file")
    outcome = Outcome()
    owners = Owners(actor)
    owner_header = next((h for _, h, n in columns if n == "owner"), "")
    done = 0
    for done, chunk in _checked_chunks(path, columns, outcome):
        if chunk:
            write_chunk(chunk, actor, owners, outcome, owner_header)
        progress(done, total, f"{outcome.created:,} deals added")
    outcome.rejected.sort(key=lambda row: row[0])  # owners are refused chunk by chunk
    write_report(job, outcome)
    progress(
        done,
        None,
        f"{outcome.created:,} deals added, {outcome.already:,} already imported, "
        f"{outcome.accounts_created:,} companies added, {len(outcome.rejected):,} rows rejected",
    )
    record_event(
        "opportunities.imported",
        data={
            "job_id": job.pk,
            "created": outcome.created,
            "already": outcome.already,
            "rejected": len(outcome.rejected),
        },
    )
