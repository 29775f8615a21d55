"""An opportunity's own entries on its timeline, beside the activities logged on it: its
changes (created, edited, moved between stages: the domain events its services record)
and the comments people wrote on it. Both are read in the timeline's one SQL query."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, DateTimeField, F, IntegerField, TextField, Value
from django.db.models.functions import Cast

from tandem.core.models import DomainEvent
from tandem.crm.models import Opportunity
from tandem.crm.timeline import COLUMNS, TimelineSource
from tandem.notifications.models import Comment

CHANGE_KINDS = {
    "opportunity.created": "Created",
    "opportunity.updated": "Edited",
    "opportunity.stage_changed": "Stage changed",
}
# How an edit names each property it changed.
PROPERTY_LABELS = {
    "name": "name",
    "amount": "amount",
    "currency": "currency",
    "close_date": "close date",
    "owner_id": "owner",
    "outcome_reason": "reason",
}


def _none(field: Any) -> Value:
    return Value(None, output_field=field)


def change_entries(*, opportunity_id: int = 0, **_: Any) -> Any:
    """The deal's domain events; ``detail`` is the event's data as JSON text (what
    ``describe`` reads back for a page, and what the API gives)."""
    return (
        DomainEvent.objects.filter(
            subject_type=ContentType.objects.get_for_model(Opportunity),
            subject_id=opportunity_id,
            name__in=CHANGE_KINDS,
        )
        .annotate(
            contact_id=_none(IntegerField()),
            side=Value("change", output_field=CharField()),
            entry_kind=F("name"),
            title=Value("", output_field=CharField()),
            detail=Cast("data", TextField()),
            who_id=F("actor_id"),
            campaign_name=Value("", output_field=CharField()),
            due_at=_none(DateTimeField()),
            done_at=_none(DateTimeField()),
        )
        .values(*COLUMNS)
        .order_by()
    )


def change_kinds() -> list[tuple[str, str]]:
    return list(CHANGE_KINDS.items())


def comment_entries(*, opportunity_id: int = 0, **_: Any) -> Any:
    return (
        Comment.objects.filter(
            target_type=ContentType.objects.get_for_model(Opportunity), target_id=opportunity_id
        )
        .annotate(
            occurred_at=F("created_at"),
            contact_id=_none(IntegerField()),
            side=Value("comment", output_field=CharField()),
            entry_kind=Value("comment", output_field=CharField()),
            title=Value("", output_field=CharField()),
            detail=F("body"),
            who_id=F("author_id"),
            campaign_name=Value("", output_field=CharField()),
            due_at=_none(DateTimeField()),
            done_at=_none(DateTimeField()),
        )
        .values(*COLUMNS)
        .order_by()
    )


def comment_kinds() -> list[tuple[str, str]]:
    return [("comment", "Comment")]


ONLY_OPPORTUNITIES = frozenset({"opportunity"})
CHANGES = TimelineSource("change", "Changes", change_entries, change_kinds, ONLY_OPPORTUNITIES)
COMMENTS = TimelineSource("comment", "Comments", comment_entries, comment_kinds, ONLY_OPPORTUNITIES)


def describe(entry: dict[str, Any], people: dict[int, Any]) -> str:
    """A change entry's ``detail`` in words: "Proposal → Negotiation", "amount 10,000.00
    → 12,500.00; owner Sam Rep → Sid Head". ``people``: user id -> user, for owners."""
    try:
        data = json.loads(entry["detail"] or "{}")
    except ValueError:
        return ""
    if isinstance(data, str):  # PostgreSQL's jsonb casts to its JSON text, once more
        data = json.loads(data)
    stage_names = dict(Opportunity.Stage.choices)
    if entry["entry_kind"] == "opportunity.stage_changed":
        return f"{stage_names.get(data.get('from'), '?')} → {stage_names.get(data.get('to'), '?')}"
    if entry["entry_kind"] == "opportunity.created":
        amount = data.get("amount")
        made = f"{_amount(amount)} {data.get('currency', '')}".strip() if amount else ""
        return f"{made} (imported)" if data.get("imported") else made
    parts = []
    changes = data.get("changes", {})
    for field in data.get("fields", []):
        label = PROPERTY_LABELS.get(field, field)
        if field not in changes:
            parts.append(f"{label} changed")
            continue
        old, new = changes[field]
        if field == "owner_id":
            old, new = (_person(people, v) for v in (old, new))
        elif field == "amount":
            old, new = _amount(old), _amount(new)
        parts.append(f"{label} {old or '—'} → {new or '—'}")
    return "; ".join(parts)


def _amount(value: Any) -> str:
    try:
        return f"{Decimal(str(value)):,.2f}"
    except (InvalidOperation, ValueError):
        return str(value or "")


def _person(people: dict[int, Any], value: Any) -> str:
    try:
        found = people.get(int(value))
    except (TypeError, ValueError):
        return ""
    return str(found) if found else "someone"


def owner_ids(entries: list[dict[str, Any]]) -> set[int]:
    """The owners a page of change entries names, to load with the page's people."""
    found: set[int] = set()
    for entry in entries:
        if entry["side"] != "change" or entry["entry_kind"] != "opportunity.updated":
            continue
        try:
            data = json.loads(entry["detail"] or "{}")
            data = json.loads(data) if isinstance(data, str) else data
            old, new = data.get("changes", {}).get("owner_id", (None, None))
        except (ValueError, AttributeError, TypeError):
            continue
        found |= {int(v) for v in (old, new) if v and str(v).isdigit()}
    return found
