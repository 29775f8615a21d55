"""The calendar feed's text: a VCALENDAR (RFC 5545, with RFC 7986's NAME and
REFRESH-INTERVAL) of one all-day VEVENT per campaign, every component built and
serialised by icalendar.

Serialising is the feed's cost: icalendar folds and escapes every line, about 0.2 ms of
CPU per event, so 2,000 events take most of a second whatever is read. Yet between two
polls only the campaigns that changed need it: each event's serialised text is kept
beside its campaign (``EventText``) with a digest of everything it shows (its row), and
a feed reads the kept texts in one query, serialises only the rows whose digest moved,
and writes those back in one upsert. A changed name, date, status, owner, team or
readiness is a new digest: nothing stale is ever shown. (Django's cache was tried
first: the embedded file cache reads one file per key and culls past 300 entries, so
2,000 events cost more than serialising them.)
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.urls import reverse
from icalendar import Calendar, Event, vCategory, vDDDTypes, vDuration, vInt, vText, vUri

from tandem.calendar.models import EventText, Readiness
from tandem.calendar.readiness import NEEDS_READINESS
from tandem.campaigns.models import Campaign, Channel

PRODID = "-//Tandem//Shared calendar//EN"
REFRESH = timedelta(hours=1)
EVENT_FORMAT = 1  # raised when an event's shape changes, so every kept text is replaced
STATUSES = {
    Campaign.Status.PLANNED: "TENTATIVE",
    Campaign.Status.LIVE: "CONFIRMED",
    Campaign.Status.FINISHED: "CONFIRMED",
    Campaign.Status.CUT: "CANCELLED",
}
TYPES = dict(Campaign.Type.choices)
CHANNELS = dict(Channel.choices)
CAMPAIGN_STATUSES = dict(Campaign.Status.choices)
READINESS = dict(Readiness.Status.choices)
ONE_DAY = timedelta(days=1)


def readiness_words(kind: str, status: str | None) -> str:
    if status:
        return str(READINESS.get(status, status))
    return "not marked yet" if kind in NEEDS_READINESS else "not needed for this type"


def _event(row: tuple[Any, ...], url: str) -> Event:
    (pk, uid, name, kind, channel, status, starts_on, ends_on, region, sequence,
     updated_at, owner, team, ready, marked_at) = row  # fmt: skip
    changed = max(updated_at, marked_at) if marked_at else updated_at
    lines = [
        f"Type: {TYPES.get(kind, kind)}",
        f"Channel: {CHANNELS.get(channel, channel)}",
        f"Status: {CAMPAIGN_STATUSES.get(status, status)}",
        f"Owner: {owner or 'nobody'}" + (f" ({team})" if team else ""),
        *([f"Region: {region}"] if region else []),
        f"Sales readiness: {readiness_words(kind, ready)}",
    ]
    event = Event()
    # Typed values set directly: what Event.add() would make, without its lookups.
    event["UID"] = vText(f"{uid}@tandem")
    event["DTSTAMP"] = vDDDTypes(changed)
    event["LAST-MODIFIED"] = vDDDTypes(changed)
    event["DTSTART"] = vDDDTypes(starts_on)
    event["DTEND"] = vDDDTypes(ends_on + ONE_DAY)  # exclusive: the day after the last
    event["SEQUENCE"] = vInt(sequence)
    event["STATUS"] = vText(STATUSES.get(status, "CONFIRMED"))
    event["SUMMARY"] = vText(name + (" (cut)" if status == Campaign.Status.CUT else ""))
    event["DESCRIPTION"] = vText("\n".join(lines))
    event["URL"] = vUri(url.format(pk))
    event["CATEGORIES"] = vCategory([TYPES.get(kind, kind), CHANNELS.get(channel, channel)])
    return event


def _digest(row: tuple[Any, ...], url: str) -> str:
    return hashlib.blake2b(repr((EVENT_FORMAT, url, row)).encode(), digest_size=16).hexdigest()


def events_of(rows: Iterable[tuple[Any, ...]], url: str) -> list[bytes]:
    """Each row's VEVENT as icalendar serialises it: kept where its digest still
    matches, serialised (and kept) where not. Two queries whatever the number."""
    rows = list(rows)
    kept = dict(
        (pk, (digest, text))
        for pk, digest, text in EventText.objects.filter(
            campaign_id__in=[row[0] for row in rows]
        ).values_list("campaign_id", "digest", "text")
    )
    texts, new = [], []
    for row in rows:
        digest = _digest(row, url)
        found = kept.get(row[0])
        if found is not None and found[0] == digest:
            texts.append(found[1].encode())
            continue
        text = bytes(_event(row, url).to_ical())
        new.append(EventText(campaign_id=row[0], digest=digest, text=text.decode()))
        texts.append(text)
    if new:
        EventText.objects.bulk_create(
            new,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["campaign"],
            update_fields=["digest", "text"],
        )
    return texts


def calendar_of(rows: Iterable[tuple[Any, ...]], *, title: str, description: str) -> bytes:
    """The VCALENDAR of ``rows`` (``feeds.COLUMNS`` of campaigns): the calendar's own
    properties serialised by icalendar, its events (``events_of``) placed inside."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", title)
    calendar.add("x-wr-calname", title)
    calendar.add("description", f"Tandem's shared calendar. {description}.")
    calendar.add("x-wr-caldesc", f"Tandem's shared calendar. {description}.")
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    # The item page's URL with the id left open: one reverse() for every item.
    marker = 987654321
    url = settings.SITE_URL + reverse("calendar:item", args=[marker]).replace(str(marker), "{}")
    shell = bytes(calendar.to_ical(sorted=False))
    end = b"END:VCALENDAR\r\n"
    if not shell.endswith(end):  # icalendar always ends a component so; say so if not
        raise ValueError("icalendar wrote a calendar that does not end with END:VCALENDAR")
    return shell[: -len(end)] + b"".join(events_of(rows, url)) + end
