"""Writing contacts and their accounts in bulk, for file imports and the bulk API: each
chunk in one transaction, set-wise through ``core.bulk``; on PostgreSQL several chunks
at once on writer connections. A row over a contact the actor may not change is refused
first (the permission table's CHANGE), a write that meets another writer's new row is
retried, and a row without an e-mail is written once however often its file is run
(``crm.imports.row_key``, ``Contact.import_key``).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.db import connection

from tandem.core.audit import Source
from tandem.core.bulk import repeatable_writes, retrying_conflicts
from tandem.core.history_writes import create_with_history, update_with_history
from tandem.core.lookups import rows_with
from tandem.core.permissions import Action, can, can_on_every
from tandem.crm.models import Account, Contact


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    accounts_created: int = 0
    rejected: list[tuple[int, str, str]] = field(default_factory=list)  # row, column, reason


def _not_yet_imported(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The rows minus those without an e-mail whose key is already stored (or repeated
    in ``rows``). Read inside the write's transaction, so a retry reads it again."""
    keys = {r["import_key"] for r in rows if r.get("import_key")}
    if not keys:
        return rows
    stored = {key for (key,) in rows_with(Contact, "import_key", keys, ["import_key"])}
    fresh = []
    for r in rows:
        key = r.get("import_key")
        if key:
            if key in stored:
                continue
            stored.add(key)
        fresh.append(r)
    return fresh


def _account_key(row: dict[str, str]) -> str:
    """How a row names its company: 'd:domain', else 'n:exact name' ('n:' for none)."""
    domain = row["account_domain"]
    return f"d:{domain}" if domain else f"n:{row.get('account_name', '')}"


def _accounts_for(
    rows: list[dict[str, str]], actor: Any, team_id: int | None, outcome: Outcome
) -> dict[str, int]:
    """Key (see ``_account_key``) -> account id, creating the missing accounts."""
    domains = {r["account_domain"] for r in rows if r["account_domain"]}
    names = {r.get("account_name", "") for r in rows if not r["account_domain"]} - {""}
    found = {f"d:{d}": i for d, i in rows_with(Account, "domain", domains, ["domain", "id"])}
    found.update({f"n:{n}": i for n, i in rows_with(Account, "name", names, ["name", "id"])})
    new: dict[str, tuple[str, str]] = {}  # key -> (name, domain)
    for r in rows:
        key = _account_key(r)
        if key == "n:" or key in found or key in new:  # dict lookups, not a tuple scan
            continue
        new[key] = ((r.get("account_name") or r["account_domain"])[:200], r["account_domain"])
    if new:
        ids = create_with_history(
            Account,
            ["name", "domain", "owner_id", "team_id"],
            [(name, domain, actor.pk, team_id) for name, domain in new.values()],
            actor=actor,
            source=Source.IMPORT,
        )
        found.update(zip(new, ids, strict=True))
        outcome.accounts_created += len(new)
    return found


def _accounts_counted(
    rows: list[dict[str, str]], actor: Any, team_id: int | None
) -> tuple[dict[str, int], int]:
    """``_accounts_for`` and how many it made, for a write that may be retried (the
    counts of an attempt rolled back must not add up)."""
    part = Outcome()
    return _accounts_for(rows, actor, team_id, part), part.accounts_created


FILLABLE = ("first_name", "last_name", "phone", "job_title")
PHONE = FILLABLE.index("phone")

# What ``_write_contacts`` reads of a known contact, by e-mail:
# (email, id, *FILLABLE, account_id, phone_e164); ``refuse_unchangeable`` adds two.
Known = dict[str, tuple[Any, ...]]
KNOWN = ("email", "id", *FILLABLE, "account_id", "phone_e164")
ACCOUNT, E164 = KNOWN.index("account_id"), KNOWN.index("phone_e164")


def _known_contacts(emails: list[str], *extra: str) -> dict[str, tuple[Any, ...]]:
    return {found[0]: found for found in rows_with(Contact, "email", emails, [*KNOWN, *extra])}


def refuse_unchangeable(
    chunk: list[tuple[int, dict[str, str]]], actor: Any, outcome: Outcome
) -> tuple[list[tuple[int, dict[str, str]]], Known | None]:
    """The rows the actor may write. A row that would fill a blank or set the account
    of a contact the actor may not change (the permission table's CHANGE, as a PATCH
    asks) is moved to ``outcome.rejected`` with the reason, before any account is made
    for it. New contacts and rows that change nothing pass. Also returns the known
    contacts it read, for the write's first attempt (None when it read none)."""
    emails = [r["email"] for _, r in chunk if r["email"]]
    if not emails or can_on_every(actor, Action.CHANGE, "crm.contact"):
        return chunk, None  # nothing to ask, or the answer is yes for every contact
    found = _known_contacts(emails, "team_id", "owner_id")
    allowed: dict[tuple[int | None, int | None], bool] = {}  # (team, owner) -> may change
    kept = []
    for number, row in chunk:
        known = found.get(row["email"]) if row["email"] else None
        if known is not None:
            pk, values, account_id = known[1], known[2:ACCOUNT], known[ACCOUNT]
            team_id, owner_id = known[len(KNOWN) :]
            fills = any(not old and row.get(k) for k, old in zip(FILLABLE, values, strict=True))
            if fills or (account_id is None and _account_key(row) != "n:"):
                if (team_id, owner_id) not in allowed:
                    stand_in = Contact(pk=pk, team_id=team_id, owner_id=owner_id)
                    allowed[team_id, owner_id] = can(actor, Action.CHANGE, stand_in)
                if not allowed[team_id, owner_id]:
                    reason = f"{row['email']} is another team's contact; you may not change it"
                    outcome.rejected.append((number, "", reason))
                    continue
        kept.append((number, row))
    return kept, {email: known[: len(KNOWN)] for email, known in found.items()}


def _first_then_fresh(known: Known | None) -> Callable[[], Known | None]:
    """The known contacts for a retried write: what was read ahead for the first
    attempt; a retry (another writer got in first) reads them again."""
    handed = [known]

    def take() -> Known | None:
        return handed.pop() if handed else None

    return take


def write_chunk(chunk: list[tuple[int, dict[str, str]]], actor: Any, outcome: Outcome) -> None:
    """One transaction: missing accounts, new contacts, and blanks filled on known ones
    (with their history rows), written set-wise through ``core.bulk``."""
    chunk, known = refuse_unchangeable(chunk, actor, outcome)
    rows = [r for _, r in chunk]
    team_id = actor.home_team_id()
    read_ahead = _first_then_fresh(known)

    def attempt() -> tuple[int, int, int]:
        fresh = _not_yet_imported(rows)
        accounts, made = _accounts_counted(fresh, actor, team_id)
        return made, *_write_contacts(fresh, accounts, actor, team_id, read_ahead())

    made, created, updated = retrying_conflicts(attempt)
    outcome.accounts_created += made
    outcome.created += created
    outcome.updated += updated


def _write_contacts(
    rows: list[dict[str, str]],
    accounts: dict[str, int],
    actor: Any,
    team_id: int | None,
    read_ahead: Known | None = None,
) -> tuple[int, int]:
    """New contacts, and blanks filled on known ones; returns (created, updated). The
    caller holds the transaction. ``read_ahead``: the contacts already read for these rows
    (by ``refuse_unchangeable``), so they are not read twice."""
    existing = read_ahead
    if existing is None:
        existing = _known_contacts([r["email"] for r in rows if r["email"]])
    new: list[tuple[Any, ...]] = []
    changed: list[tuple[Any, ...]] = []  # (id, *FILLABLE, account_id, phone_e164)
    for r in rows:
        account_id = accounts.get(_account_key(r))
        known = existing.get(r["email"]) if r["email"] else None
        if known is None:
            key = r.get("import_key", "")  # see row_key
            new.append(
                (
                    *(r.get(k, "") for k in FILLABLE),
                    r.get("phone_e164", ""),
                    r["email"],
                    account_id,
                    actor.pk,
                    team_id,
                    key,
                )
            )
            continue
        # An existing contact only has its blanks filled, its E.164 with its phone.
        old = known[2:ACCOUNT]
        filled = [was or r.get(k, "") for k, was in zip(FILLABLE, old, strict=True)]
        account = known[ACCOUNT] or account_id
        if filled != list(old) or account != known[ACCOUNT]:
            given = not old[PHONE] and filled[PHONE]
            e164 = r.get("phone_e164", "") if given else known[E164]
            changed.append((known[1], *filled, account, e164))
    create_with_history(
        Contact,
        [*FILLABLE, "phone_e164", "email", "account_id", "owner_id", "team_id", "import_key"],
        new,
        actor=actor,
        source=Source.IMPORT,
    )
    # One UPDATE per row: E.164 beside the phone (it has no history of its own), not
    # a second pass that made a second row version of each contact given a phone.
    update_with_history(
        Contact,
        [*FILLABLE, "account_id", "phone_e164"],
        changed,
        actor=actor,
        source=Source.IMPORT,
    )
    return len(new), len(changed)


WRITERS = 3  # PostgreSQL connections writing contacts at once in a file import


def _contacts_apart(
    rows: list[dict[str, str]],
    accounts: dict[str, int],
    actor: Any,
    team_id: int | None,
    known: Known | None,
) -> tuple[int, int]:
    """``_write_contacts`` on a writer thread's own connection, in its own transaction.
    The connection stays open for the thread's next chunk (``_close_writers``)."""
    read_ahead = _first_then_fresh(known)
    try:
        with repeatable_writes():
            # Another import or bulk upsert may commit the same new e-mails meanwhile.
            return retrying_conflicts(
                lambda: _write_contacts(
                    _not_yet_imported(rows), accounts, actor, team_id, read_ahead()
                )
            )
    except BaseException:
        connection.close()  # never hand a broken connection to the next chunk
        raise


def _close_writers(pool: ThreadPoolExecutor) -> None:
    """Close each writer thread's connection from that thread (a Django connection
    belongs to its thread): WRITERS tasks that wait for one another, so each thread
    takes exactly one. A connection per chunk instead cost a new server process and
    its catalogue reads each time."""
    gate = threading.Barrier(WRITERS)

    def close() -> None:
        try:
            gate.wait(timeout=60)
        except threading.BrokenBarrierError:  # pragma: no cover - a writer thread hung
            pass
        finally:
            connection.close()

    for closed in [pool.submit(close) for _ in range(WRITERS)]:
        closed.result()


def write_in_parallel(
    chunks: Iterator[tuple[int, list[tuple[int, dict[str, str]]]]],
    actor: Any,
    outcome: Outcome,
    report: Callable[[int], None],
) -> int:
    """PostgreSQL: each chunk's accounts are found or made here and committed, then its
    contacts go to one of WRITERS threads, so the database works on several chunks at
    once (one connection left half of the machine idle while Python prepared the next). The
    chunks' e-mails are disjoint (the file is deduped first), so writers never meet on a
    contact; accounts, which chunks share, are only ever made here. Returns rows read."""
    team_id = actor.home_team_id()
    pending: deque[tuple[int, Future[tuple[int, int]]]] = deque()
    done = 0

    def collect() -> None:
        read, future = pending.popleft()
        created, updated = future.result()  # a writer's error stops the import here
        outcome.created += created
        outcome.updated += updated
        report(read)

    with ThreadPoolExecutor(max_workers=WRITERS, thread_name_prefix="import-writer") as pool:
        try:
            for done, chunk in chunks:
                kept, known = refuse_unchangeable(chunk, actor, outcome)
                rows = [r for _, r in kept]
                if rows:
                    accounts, made = retrying_conflicts(
                        partial(_accounts_counted, rows, actor, team_id)
                    )
                    outcome.accounts_created += made
                    write = partial(_contacts_apart, rows, accounts, actor, team_id, known)
                    pending.append((done, pool.submit(write)))
                while len(pending) >= WRITERS:
                    collect()
            while pending:
                collect()
        finally:
            _close_writers(pool)
    return done
