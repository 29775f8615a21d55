"""One timeline per contact, account or opportunity: sales activities and marketing
touches together (and, on an opportunity, its changes and comments).

Every source is read in one SQL ``UNION ALL``, ordered and paginated by the database, so
a contact with 10,000 touches costs what one with ten does. Filter by kind or by side.

crm knows only its own activities. An app above it that has entries about a contact
(campaigns: the marketing touches) registers a source in its ``AppConfig.ready``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, F, Q, Value

from tandem.crm.models import Activity

COLUMNS = (
    "id",
    "occurred_at",
    "contact_id",
    "side",
    "entry_kind",
    "title",
    "detail",
    "who_id",
    "campaign_name",
    "due_at",  # tasks only
    "done_at",
)


@dataclass(frozen=True)
class TimelineSource:
    """One side of the timeline.

    ``entries(contact_id=…, account_id=…, opportunity_id=…)`` (exactly one given, one
    of ``subjects``) returns an unordered ``.values(*COLUMNS)`` queryset with ``side``
    set to this source's side; ``kinds()`` the (value, label) choices of its
    ``entry_kind``. ``subjects``: the records whose timeline it has entries on.
    """

    side: str
    label: str
    entries: Callable[..., Any]
    kinds: Callable[[], list[tuple[str, str]]]
    subjects: frozenset[str] = frozenset({"contact", "account"})


# side -> source, in the order the sources registered. An activity is something a
# person did (a call, a note); a touch is a marketing interaction the customer had (a
# visit, a form, an e-mail click); a change and a comment are an opportunity's own.
_SOURCES: dict[str, TimelineSource] = {}


def register_timeline_source(source: TimelineSource) -> None:
    _SOURCES.setdefault(source.side, source)


def activity_entries(
    *,
    contact_id: int | None = None,
    account_id: int | None = None,
    opportunity_id: int | None = None,
) -> Any:
    if contact_id is not None:
        where = Q(contact_id=contact_id)
    elif opportunity_id is not None:
        where = Q(opportunity_id=opportunity_id)
    else:
        where = Q(account_id=account_id) | Q(contact__account_id=account_id)
    return (
        Activity.objects.filter(where)
        .annotate(
            side=Value("activity", output_field=CharField()),
            entry_kind=F("kind"),
            title=F("subject"),
            detail=F("body"),
            who_id=F("owner_id"),
            campaign_name=Value("", output_field=CharField()),
            # due_at and done_at are the activity's own columns
        )
        .values(*COLUMNS)
        .order_by()  # no ORDER BY inside a UNION's parts
    )


def activity_kinds() -> list[tuple[str, str]]:
    return list(Activity.Kind.choices)


ACTIVITIES = TimelineSource(
    "activity",
    "Activities",
    activity_entries,
    activity_kinds,
    frozenset({"contact", "account", "opportunity"}),
)


def _sources(subject: str) -> list[TimelineSource]:
    return [s for s in _SOURCES.values() if subject in s.subjects]


def kinds(subject: str = "contact") -> list[tuple[str, str]]:
    """The kinds of entry a ``subject``'s timeline (contact, account, opportunity) has."""
    return [kind for source in _sources(subject) for kind in source.kinds()]


def sides(subject: str = "contact") -> dict[str, str]:
    """side -> label, of the sources with entries on a ``subject``'s timeline."""
    return {s.side: s.label for s in _sources(subject)}


def timeline(
    *,
    contact_id: int | None = None,
    account_id: int | None = None,
    opportunity_id: int | None = None,
    kind: str = "",
    side: str = "",
) -> Any:
    """The entries, newest first, as dicts with COLUMNS (a lazy, sliceable queryset)."""
    where = {
        f"{name}_id": value
        for name, value in (
            ("contact", contact_id),
            ("account", account_id),
            ("opportunity", opportunity_id),
        )
        if value is not None
    }
    [(key, _)] = where.items()  # exactly one record's timeline
    available = _sources(key.removesuffix("_id"))
    # One side, or (none asked, or one no source has) every side together.
    sources = [s for s in available if s.side == side] or available
    parts = [s.entries(**where) for s in sources]
    if kind:
        parts = [part.filter(entry_kind=kind) for part in parts]
    first, *rest = parts
    if rest:
        first = first.union(*rest, all=True)
    return first.order_by("-occurred_at", "-id")
