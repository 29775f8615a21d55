"""Personal calendar feeds: the shared calendar in Outlook, Google Calendar or Apple
Calendar, which subscribe to a secret URL and poll it.

A feed reads the calendar as its owner, now (``Campaign.objects.visible_to(owner)``),
with the filters saved when it was made: what the owner may no longer see leaves the
feed, and an inactive owner's feed answers 404. The URL's secret is stored as API
tokens store theirs (a public ``key_id`` to find it by, a SHA-256 of 32 random bytes,
compared in constant time) and shown once.

Clients poll often and mostly find nothing new, so the answer to "anything new?" (the
ETag and Last-Modified) comes from one cheap aggregate of the items before any body is
built, and a matching ``If-None-Match`` or ``If-Modified-Since`` gets a 304 from it
alone. The body is built with the ``icalendar`` library (RFC 5545, RFC 7986), one read
of the columns it needs: all-day events (``DTSTART;VALUE=DATE``, ``DTEND`` the day
after the last, exclusive), so no time zone is involved; the campaign's ``uid`` as
UID, its ``sequence`` as SEQUENCE, and a cut campaign kept as STATUS:CANCELLED so
clients take it off people's calendars rather than leaving a stale copy.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from tandem.calendar.errors import CalendarError
from tandem.calendar.ics import CAMPAIGN_STATUSES, CHANNELS, TYPES, calendar_of
from tandem.calendar.models import FeedToken
from tandem.calendar.reads import FILTERS, clean_filters
from tandem.campaigns.models import Campaign
from tandem.core.credentials import hash_secret, matches
from tandem.core.errors import DomainError, invalid
from tandem.core.permissions import Action, require, require_works_here
from tandem.core.services import record_event
from tandem.core.validation import required_text
from tandem.people.models import Team, User

MAX_LIVE_FEEDS = 20
# A feed read once a minute by three clients would otherwise write its row each time.
LAST_USED_PRECISION = timedelta(hours=1)
# What a feed carries: the last quarter (what just happened, for context) and the next
# year and a bit (what is planned). Outside it a calendar client keeps what it had.
DAYS_BEFORE, DAYS_AFTER = 90, 400
# The most items one feed carries (by start date): far past any real calendar, a bound
# on one request's work all the same.
MOST = 20_000
# How long a built body is kept for the polls that ask without If-None-Match (Google
# Calendar's do): the ETag names the day too, so a kept body is at most a day old.
BODY_KEPT = 24 * 60 * 60
# Raised when the body's shape changes, so every client's copy is replaced once.
FORMAT = 1
NOT_FOUND_BODY = b"Not found.\n"

COLUMNS = (
    "id",
    "uid",
    "name",
    "type",
    "channel",
    "status",
    "starts_on",
    "ends_on",
    "region",
    "sequence",
    "updated_at",
    "owner__full_name",
    "team__name",
    "readiness__status",
    "readiness__marked_at",
)
FILTER_WORDS = {
    "team": "team",
    "owner": "owner",
    "channel": "channel",
    "type": "type",
    "status": "status",
    "region": "region",
}
NOT_ONE_OF = {
    "team": "Choose a team from the list.",
    "owner": "Choose a campaign owner from the list.",
    "channel": "Choose a channel from the list.",
    "type": "Choose a type from the list.",
    "status": "Choose planned, live, finished or cut.",
    "region": "A region is at most 100 characters, without control characters.",
}


def _printable(text: str) -> bool:
    return not any(ord(c) < 32 or ord(c) == 127 for c in text)


# --- Writes -----------------------------------------------------------------------------
def check_filters(filters: Any) -> dict[str, str]:
    """The calendar's filters as a feed keeps them (only those given), or INVALID naming
    the filter: unlike the calendar page, which drops a stale value quietly, a feed is
    made once and then read for months, so a value that filters nothing is refused."""
    if filters is None:
        return {}
    if not isinstance(filters, Mapping):
        raise invalid("filters", "Filters are the calendar's: team, owner, channel, type, …")
    unknown = sorted(str(k)[:40] for k in filters if k not in FILTERS)
    if unknown:
        raise invalid("filters", f"There is no filter called {unknown[0]!r}.")
    given = {k: str(v if v is not None else "").strip() for k, v in filters.items()}
    kept = clean_filters(given)
    for name in FILTERS:
        value = given.get(name, "")
        if value and (kept[name] != value or not _printable(value)):
            raise invalid(name, NOT_ONE_OF[name])
    if kept["team"] and not Team.objects.filter(pk=int(kept["team"])).exists():
        raise invalid("team", NOT_ONE_OF["team"])
    if kept["owner"] and not User.objects.filter(pk=int(kept["owner"])).exists():
        raise invalid("owner", NOT_ONE_OF["owner"])
    return {name: value for name, value in kept.items() if value}


def create_feed(*, actor: Any, name: str, filters: Any = None) -> tuple[FeedToken, str]:
    """A new feed of the calendar for ``actor`` (everyone who works here may make one),
    with the calendar's ``filters``. Returns the feed and the secret part of its URL,
    which is never stored (only its hash) and so is shown this once."""
    require_works_here(actor, "the calendar")
    name = required_text(
        name,
        "name",
        100,
        message="Name the feed (at most 100 characters), e.g. after where you subscribe.",
    )
    if not _printable(name):
        raise invalid("name", "A feed's name is one line of text.")
    chosen = check_filters(filters)
    if FeedToken.objects.visible_to(actor).live().count() >= MAX_LIVE_FEEDS:
        raise DomainError(
            CalendarError.TOO_MANY_FEEDS,
            f"You have {MAX_LIVE_FEEDS} live feeds; revoke one first.",
            field="name",
        )
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        token = FeedToken.objects.create(
            owner=actor, name=name, key_id=key_id, secret_hash=hash_secret(secret), filters=chosen
        )
        record_event("calendar_feed.created", subject=token, data={"filters": chosen})
    return token, f"{key_id}_{secret}"


def revoke_feed(*, actor: Any, token: FeedToken) -> FeedToken:
    """Stop a feed: its URL answers 404 from now on. Only its owner may (callers find
    it through ``FeedToken.objects.visible_to``, so anyone else's is a 404 first)."""
    require(actor, Action.REVOKE, token)
    if token.revoked_at is None:
        with transaction.atomic():
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            record_event("calendar_feed.revoked", subject=token)
        cache.delete(_kept_key(token))  # the feed's campaigns stay nowhere they need not
    return token


def revoke_feeds_of(*, user: Any, reason: str) -> int:
    """Revoke every live feed of ``user`` (their password changed): no permission check,
    as only the person's own password flow calls it. Returns how many."""
    with transaction.atomic():
        live = list(FeedToken.objects.filter(owner=user).live().select_for_update())
        if live:
            FeedToken.objects.filter(pk__in=[t.pk for t in live]).update(revoked_at=timezone.now())
            for token in live:
                record_event("calendar_feed.revoked", subject=token, data={"reason": reason})
    return len(live)


# --- Reading a feed ---------------------------------------------------------------------
def find_feed(secret: str) -> FeedToken | None:
    """The live feed whose URL part is ``secret``, with its active owner, else None (the
    view answers every None alike, so a guess learns nothing)."""
    key_id, _, rest = str(secret or "")[:200].partition("_")
    if not key_id or len(key_id) > 16 or not rest:
        return None
    token = FeedToken.objects.live().select_related("owner").filter(key_id=key_id).first()
    if token is None or not token.owner.is_active:
        return None
    if not matches(token.secret_hash, rest):
        return None
    return token


def note_use(token: FeedToken, now: datetime | None = None) -> None:
    """Record when the feed was last read, at most once an hour (a write per poll would
    cost more than the poll)."""
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        FeedToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def window(today: date) -> tuple[date, date]:
    return today - timedelta(days=DAYS_BEFORE), today + timedelta(days=DAYS_AFTER)


def _items(token: FeedToken, today: date) -> Any:
    first, last = window(today)
    return (
        Campaign.objects.visible_to(token.owner)
        .overlapping(first, last)
        .calendar_filters(clean_filters(token.filters or {}))
    )


@dataclass(frozen=True)
class FeedState:
    """What a client's "anything new?" is answered from."""

    etag: str
    last_modified: datetime


def feed_state(token: FeedToken, today: date | None = None) -> FeedState:
    """The feed's ETag and Last-Modified from one aggregate of its items: how many, the
    latest change to one, the latest readiness marked for one (a readiness is its own
    row: marking it leaves the campaign's ``updated_at`` alone), with the feed's own
    settings and the day (the window moves daily). Last-Modified is never before today's
    midnight either, so a client asking only ``If-Modified-Since`` still sees an item
    deleted or gone out of the window by the next day (the ETag sees it at once)."""
    today = today or timezone.localdate()
    found = _items(token, today).aggregate(
        n=Count("id"), changed=Max("updated_at"), marked=Max("readiness__marked_at")
    )
    midnight = timezone.make_aware(datetime.combine(today, time.min))
    moments = [m for m in (found["changed"], found["marked"], token.created_at, midnight) if m]
    said = json.dumps(
        [
            FORMAT,
            token.pk,
            token.name,
            sorted((token.filters or {}).items()),
            today.isoformat(),
            found["n"],
            found["changed"].isoformat() if found["changed"] else None,
            found["marked"].isoformat() if found["marked"] else None,
            settings.SITE_URL,
        ]
    )
    return FeedState(
        etag=f'"{hashlib.sha256(said.encode()).hexdigest()[:32]}"',
        last_modified=max(moments),
    )


def describe_filters(feeds: Iterable[FeedToken]) -> dict[int, str]:
    """Each feed's filters in words ("Team Marketing · Type Webinar", or "Every
    campaign"), by feed id: two reads for every feed's team and owner names together."""
    feeds = list(feeds)
    wanted: dict[str, set[int]] = {"team": set(), "owner": set()}
    for feed in feeds:
        for name in wanted:
            value = str((feed.filters or {}).get(name, ""))
            if value.isdigit() and len(value) <= 12:
                wanted[name].add(int(value))
    names = {
        "team": dict(Team.objects.filter(pk__in=wanted["team"]).values_list("pk", "name")),
        "owner": dict(User.objects.filter(pk__in=wanted["owner"]).values_list("pk", "full_name")),
    }
    labels = {"channel": CHANNELS, "type": TYPES, "status": CAMPAIGN_STATUSES}
    said = {}
    for feed in feeds:
        parts = []
        for name, value in clean_filters(feed.filters or {}).items():
            if not value:
                continue
            if name in names:
                shown = names[name].get(int(value), "(no longer here)")
            else:
                shown = labels.get(name, {}).get(value, value)
            parts.append(f"{FILTER_WORDS[name].capitalize()} {shown}")
        said[feed.pk] = " · ".join(parts) or "Every campaign"
    return said


def _kept_key(token: FeedToken) -> str:
    return f"calendar-feed:{token.pk}"


def feed_body(token: FeedToken, state: FeedState, today: date) -> bytes:
    """The feed's body for ``state``: the one built last if it was built for the same
    ETag (whatever the ETag covers is what the body shows), else built now and kept.
    Building is icalendar's work and grows with the items (bench/calendar_feed.py);
    clients that poll without If-None-Match would otherwise pay it on every poll. One
    body per feed is kept, replaced when the feed changes."""
    key = _kept_key(token)
    kept = cache.get(key)
    if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == state.etag:
        return bytes(kept[1])
    body = feed_ics(token, today)
    cache.set(key, (state.etag, body), timeout=BODY_KEPT)
    return body


def feed_ics(token: FeedToken, today: date | None = None) -> bytes:
    """The feed's body: a VCALENDAR (RFC 5545, with RFC 7986's NAME and REFRESH-INTERVAL)
    holding one all-day VEVENT per campaign the owner may see now, filtered as saved,
    from about 90 days back to about 400 ahead. One read of the columns needed."""
    today = today or timezone.localdate()
    rows = _items(token, today).order_by("starts_on", "id").values_list(*COLUMNS)[:MOST]
    said = describe_filters([token])[token.pk]
    return calendar_of(rows, title=f"Tandem: {token.name}", description=said)
