"""Capturing marketing touches: who may (a permission of its own, since touches move
scores and make MQLs), the bulk ingest behind the API and file imports, and the public
web form. Each write validates naming the row and field, and records who captured it,
through what, and a domain event."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Value, When
from django.utils import timezone

from tandem.campaigns.arrivals import touches_arrived
from tandem.campaigns.models import Campaign, CampaignMember, Channel, Touchpoint
from tandem.core import ratelimit
from tandem.core.audit import current_source
from tandem.core.bulk import insert_new, upsert_row
from tandem.core.dates import parse_datetime_text
from tandem.core.errors import DomainError, ErrorCode, invalid
from tandem.core.history_writes import create_new_with_history
from tandem.core.ids import is_id
from tandem.core.money import parse_amount
from tandem.core.permissions import ORGANISATION, Action, Scope, can, require
from tandem.core.services import record_event
from tandem.crm.consent import consent_from_form, request_opt_in, withdrawn
from tandem.crm.models import Contact
from tandem.crm.normalise import is_email, normalise_email
from tandem.crm.services import contact_from_form
from tandem.people.models import Team, User

MAX_BATCH = 1000
CLOCK_SKEW = timedelta(minutes=5)  # a touch "from the future" beyond this is refused
UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
# Built once: a choices enum's ``.values`` builds a new list on every call (per touch).
TOUCH_KINDS = frozenset(Touchpoint.Kind.values)
CHANNELS = frozenset(Channel.values)


# --- Touchpoints ---------------------------------------------------------------------------
def touch_capture() -> Scope:
    """Capturing touches, as the permission table sees it: a scope of the marketing
    teams, so their members and heads (and administrators) may; nobody else, by hand."""
    return Scope(
        "campaigns.touchpoint",
        "touchpoint",
        lambda: Team.objects.filter(function=Team.Function.MARKETING).values_list("id", flat=True),
    )


def may_capture(user: Any) -> bool:
    """Whether ``user`` may capture touches by hand (pages show the way in only then)."""
    return can(user, Action.CREATE_RECORD, ORGANISATION) and can(
        user, Action.CAPTURE_TOUCHES, touch_capture()
    )


def require_capture(actor: User, *, token_granted: bool | None) -> None:
    """Touches move scores and make MQLs, so capturing them is a permission of its own.
    A person: the permission table (marketing and administrators). An integration's
    token (``token_granted`` not None): only with an administrator's grant, whoever owns
    it, so a leaked or curious staff token cannot manufacture MQLs."""
    require(actor, Action.CREATE_RECORD, ORGANISATION)
    if token_granted is None:
        require(actor, Action.CAPTURE_TOUCHES, touch_capture())
    elif not token_granted:
        raise DomainError(
            ErrorCode.FORBIDDEN,
            "This token may not capture touches: an administrator grants that to an "
            "integration's token (Settings → API tokens).",
        )


@dataclass
class IngestResult:
    created: int = 0
    duplicates: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)  # {row, field, message}


def _parse_time(value: Any, now: datetime) -> datetime:
    when = parse_datetime_text(value, "occurred_at")
    if when > now + CLOCK_SKEW:
        raise invalid("occurred_at", "This touch is in the future.")
    return when


def clean_utm(data: Any) -> dict[str, str]:
    """The UTM fields of a touch, one rule for every door (API, import, web form): at
    most 255 characters each, refused naming the field, never cut short in silence."""
    utm = {}
    for name in UTM_FIELDS:
        text = _text(data, name)
        if len(text) > 255:
            raise DomainError(
                ErrorCode.INVALID,
                f"{name} is at most 255 characters ({len(text)} given).",
                field=name,
                given=len(text),
            )
        utm[name] = text
    return utm


def _record_id(value: Any, field_name: str) -> int | None:
    """An id from JSON, or None; anything but a whole number in range is refused."""
    if value is None:
        return None
    if not is_id(value):
        raise invalid(field_name, f"{field_name} must be a record id (a whole number).")
    return int(value)


def _text(row: dict[str, Any], name: str) -> str:
    """A text field of a JSON row, or "" when absent; a list, number or boolean is
    refused naming the field, not stored as its Python spelling (``["a"]`` → ``['a']``)."""
    value = row.get(name)
    if value is not None and not isinstance(value, str):
        raise invalid(name, f"{name} must be text.")
    return value or ""


def _clean_row(
    row: dict[str, Any], campaigns: dict[int, Campaign], now: datetime
) -> dict[str, Any]:
    for name, value in row.items():  # PostgreSQL refuses NUL in text: name the field
        if isinstance(value, str) and "\x00" in value:
            raise invalid(str(name)[:40], "Contains a NUL character.")
    key = _text(row, "idempotency_key").strip()
    if not key or len(key) > 100:
        raise invalid("idempotency_key", "Every touch needs an idempotency key (1-100 chars).")
    kind = row.get("kind")
    if kind not in TOUCH_KINDS:
        raise invalid("kind", f"Unknown kind {str(kind)[:40]!r}.")
    campaign = None
    if row.get("campaign_id") is not None:
        campaign = campaigns.get(_record_id(row["campaign_id"], "campaign_id") or 0)
        if campaign is None:
            raise invalid("campaign_id", f"No campaign {str(row['campaign_id'])[:20]}.")
    channel = row.get("channel") or (campaign.channel if campaign else Channel.WEB)
    if channel not in CHANNELS:
        raise invalid("channel", f"Unknown channel {str(channel)[:40]!r}.")
    email = normalise_email(_text(row, "email"))
    if email and not is_email(email):
        raise invalid("email", f"{email[:80]!r} is not a valid e-mail address.")
    visitor = _text(row, "visitor_id").strip()
    if len(visitor) > 64:
        raise invalid("visitor_id", "Visitor ids are at most 64 characters.")
    if not (row.get("contact_id") or email or visitor):
        raise invalid("contact_id", "Say who was touched: contact_id, email or visitor_id.")
    utm = clean_utm(row)
    value = row.get("value")
    return {
        "idempotency_key": key,
        "kind": kind,
        "campaign": campaign,
        "channel": channel,
        "email": email,
        "visitor_id": visitor,
        "contact_id": _record_id(row.get("contact_id"), "contact_id"),
        "occurred_at": _parse_time(row.get("occurred_at"), now),
        "value": None if value in (None, "") else parse_amount(value, "value"),
        **utm,
    }


# The order of the values ingest_touchpoints writes for each touch.
TOUCH_COLUMNS = [
    "contact_id",
    "visitor_id",
    "campaign_id",
    "channel",
    "kind",
    "occurred_at",
    "value",
    "idempotency_key",
    *UTM_FIELDS,
    "recorded_at",
    "captured_by_id",
    "captured_via",
]


def ingest_touchpoints(
    *,
    actor: User,
    rows: list[dict[str, Any]],
    via: str = "",
    token_granted: bool | None = None,
) -> IngestResult:
    """Record up to MAX_BATCH touches. Valid rows are stored, each rejected row is reported
    with its index, field and reason; a key seen before is a duplicate, never a second touch.
    Touches for an unknown e-mail create the contact; a visitor's earlier anonymous touches
    are stitched to the contact once a row names both. Each touch records who captured it
    and through what (``via``); see ``require_capture`` for who may."""
    require_capture(actor, token_granted=token_granted)
    via = via[:60]
    if len(rows) > MAX_BATCH:
        raise invalid("touchpoints", f"At most {MAX_BATCH} touches per request ({len(rows)} sent).")
    result = IngestResult()
    now = timezone.now()
    objects = [r for r in rows if isinstance(r, dict)]
    campaign_ids = {r.get("campaign_id") for r in objects if is_id(r.get("campaign_id"))}
    campaigns = Campaign.objects.visible_to(actor).in_bulk(campaign_ids)
    clean: list[tuple[int, dict[str, Any]]] = []
    seen_keys: set[str] = set()
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            result.rejected.append(
                {"row": index, "field": None, "message": "Each touch must be a JSON object."}
            )
            continue
        try:
            cleaned = _clean_row(row, campaigns, now)
        except DomainError as exc:
            result.rejected.append({"row": index, "field": exc.field, "message": exc.message})
            continue
        if cleaned["idempotency_key"] in seen_keys:
            result.duplicates += 1
            continue
        seen_keys.add(cleaned["idempotency_key"])
        clean.append((index, cleaned))

    with transaction.atomic():
        contacts = _contacts_for(clean, result, actor)
        records = []
        for _index, row in clean:
            contact_id = contacts.get(row["email"]) if row["email"] else row["contact_id"]
            campaign = row["campaign"]
            records.append(
                (
                    contact_id,
                    row["visitor_id"],
                    campaign.pk if campaign else None,
                    row["channel"],
                    row["kind"],
                    row["occurred_at"],
                    row["value"],
                    row["idempotency_key"],
                    *(row[name] for name in UTM_FIELDS),
                    now,
                    actor.pk,
                    via,
                )
            )
        # Keys stored before (an earlier or a concurrent batch) are skipped by the insert.
        result.created = insert_new(Touchpoint, TOUCH_COLUMNS, records, unique="idempotency_key")
        result.duplicates += len(records) - result.created
        _stitch_visitors(clean, contacts)
        if result.created:
            record_event("touchpoints.ingested", data={"created": result.created, "via": via})
            touches_arrived(sorted({r[0] for r in records if r[0] is not None}), source="api")
    return result


def _contacts_for(
    clean: list[tuple[int, dict[str, Any]]], result: IngestResult, actor: User
) -> dict[str, int]:
    """E-mail -> contact id, creating contacts for unknown e-mails (one query each way).
    Rows naming a contact id that does not exist are moved to the rejected list."""
    emails = {row["email"] for _, row in clean if row["email"]}
    found = dict(Contact.objects.with_emails(emails).values_list("email", "id"))
    missing = emails - found.keys()
    if missing:
        # Each new contact gets its creation history, as one made by hand does; a
        # contact a concurrent batch made first is only looked up.
        found.update(
            create_new_with_history(
                Contact,
                ["email"],
                [(e,) for e in sorted(missing)],
                actor=actor,
                source=current_source(),
            )
        )
        found.update(Contact.objects.with_emails(missing - found.keys()).values_list("email", "id"))
    ids = {row["contact_id"] for _, row in clean if row["contact_id"] and not row["email"]}
    known = set(Contact.objects.filter(pk__any_of=ids).values_list("id", flat=True))
    kept = []
    for index, row in clean:
        if row["contact_id"] and not row["email"] and row["contact_id"] not in known:
            result.rejected.append(
                {
                    "row": index,
                    "field": "contact_id",
                    "message": f"No contact {str(row['contact_id'])[:20]}.",
                }
            )
        else:
            kept.append((index, row))
    clean[:] = kept
    return found


def _stitch_visitors(clean: list[tuple[int, dict[str, Any]]], contacts: dict[str, int]) -> None:
    """Give every anonymous touch of an identified visitor its contact: one UPDATE."""
    identified: dict[str, int] = {}
    for _, row in clean:
        contact_id = contacts.get(row["email"]) if row["email"] else row["contact_id"]
        if row["visitor_id"] and contact_id:
            identified[row["visitor_id"]] = contact_id
    if identified:
        Touchpoint.objects.filter(visitor_id__in=identified, contact__isnull=True).update(
            contact_id=Case(*(When(visitor_id=v, then=Value(c)) for v, c in identified.items()))
        )


# --- Web forms -----------------------------------------------------------------------------
FORM_RATE_WINDOW = 60  # seconds: FORM_RATE_LIMIT is "submissions per minute per address"


@dataclass
class FormSubmission:
    contact: Contact | None  # None when the honeypot caught a bot
    touchpoint_created: bool


def capture_form(*, form_key: str, data: dict[str, str], ip: str) -> FormSubmission:
    """A submission of a campaign's embeddable form: rate-limited per client address
    (FORM_RATE_LIMIT in a fixed one-minute window; refusals do not extend it), bots
    caught by a honeypot field, the contact created or updated, consent recorded, and a
    form touchpoint with the page's UTM fields.

    Only a submission that would be stored is counted, and it is counted in the same
    transaction as its write: without Redis the counter is a database row, and on SQLite
    a separate count took the single write lock a second time, and a form posted during
    an import waited for it twice (figures in bench/README.md). A honeypot hit or a
    refused entry writes nothing and takes no lock."""
    campaign = Campaign.objects.filter(form_key=form_key[:32]).first()
    if campaign is None or campaign.status == Campaign.Status.CUT:
        raise DomainError(ErrorCode.NOT_FOUND, "This form is no longer open.")
    if (data.get("website") or "").strip():  # honeypot: people never see this field
        return FormSubmission(contact=None, touchpoint_created=False)
    email = normalise_email(data.get("email", ""))
    if not is_email(email):
        raise invalid("email", "Enter a valid e-mail address.")
    names = {k: (data.get(k) or "").strip() for k in ("first_name", "last_name")}
    for name, text in names.items():  # as the contact's own form says, not cut short
        if len(text) > 100:
            raise invalid(name, f"At most 100 characters, please ({len(text)} given).")
    utm = clean_utm(data)
    now = timezone.now()
    with transaction.atomic():
        verdict = ratelimit.hit(
            "web-form-per-ip", ip, limit=settings.FORM_RATE_LIMIT, window=FORM_RATE_WINDOW
        )
        if not verdict.allowed:  # raised inside: the refused attempt is not counted
            raise DomainError(
                ErrorCode.RATE_LIMITED,
                f"Too many submissions; try again in {verdict.retry_after_seconds} seconds.",
                retry_after=verdict.retry_after_seconds,
            )
        # Fill gaps only: what sales typed is never overwritten by a form.
        contact, _ = contact_from_form(email=email, names=names)
        if data.get("consent") in ("on", "yes", "true", "1") and withdrawn(contact):
            # Anyone can type their address: they confirm from their inbox instead.
            request_opt_in(contact=contact, source=f"web form: {campaign.name}")
        elif data.get("consent") in ("on", "yes", "true", "1"):
            consent_from_form(contact=contact, source=f"web form: {campaign.name}", at=now)
        minute = now.strftime("%Y%m%d%H%M")  # a double click is one touch, not two
        key = f"form:{campaign.pk}:{hashlib.sha256(email.encode()).hexdigest()[:24]}:{minute}"
        # Single statements, no reads first: on SQLite this transaction holds the one
        # write lock that the worker's hand-offs need too (figures in bench/README.md).
        touch = (contact.pk, "", campaign.pk, campaign.channel, Touchpoint.Kind.FORM, now, None)
        touch_created = bool(
            insert_new(
                Touchpoint,
                TOUCH_COLUMNS,
                [(*touch, key, *(utm[name] for name in UTM_FIELDS), now, None, "web form")],
                unique="idempotency_key",
            )
        )
        visitor = (data.get("visitor_id") or "").strip()[:64]
        if visitor:
            Touchpoint.objects.filter(visitor_id=visitor, contact__isnull=True).update(
                contact=contact
            )
        upsert_row(
            CampaignMember,
            ["campaign_id", "contact_id", "status", "added_at"],
            (campaign.pk, contact.pk, CampaignMember.Status.RESPONDED, now),
            unique=["campaign_id", "contact_id"],
            update=["status"],
        )
        record_event("form.submitted", subject=contact, data={"campaign_id": campaign.pk})
        touches_arrived([contact.pk], source="web form")
    return FormSubmission(contact=contact, touchpoint_created=touch_created)
