"""The audit log as people read it: "Sam Patel accepted the lead Gareth Lloyd", with a
link to the record, instead of ``lead.accepted`` and a JSON blob.

An event's name is ``<thing>.<what happened>``; the sentence is the actor, the verb
phrase (the words of the name: ``stage_changed`` → "changed the stage of"), and the
subject as a link when it is a registered record the reader may see. The subjects of a
page of events are read in one query per kind of record, never one per row. ``data``
holds ids and codes only, and is listed as plain "key: value" words.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib.contenttypes.models import ContentType

from tandem.core.records import record_url

# How an event's last word reads after the actor's name; the rest reads as "<what>d".
VERBS = {
    "created": "created",
    "updated": "updated",
    "deleted": "deleted",
    "saved": "saved",
    "erased": "erased the personal data of",
    "accepted": "accepted",
    "rejected": "rejected",
    "reassigned": "reassigned",
    "stage_changed": "changed the stage of",
    "status_changed": "changed the status of",
    "consent_changed": "recorded consent for",
    "opt_in_requested": "sent an opt-in link to",
    "members_added": "added members to",
    "member_added": "added a member to",
    "member_removed": "removed a member from",
    "logged": "logged",
    "task_done": "completed a task on",
    "requested": "asked for a decision on",
    "passed": "saw a decision pass on",
    "changes_requested": "asked for changes to",
    "withdrawn": "withdrew",
    "overridden": "overrode the decision on",
    "new_version": "made a new version of",
    "proposed": "proposed",
    "revoked": "revoked",
    "resumed": "resumed",
    "started": "started",
    "submitted": "submitted",
    "ingested": "ingested",
    "handed_off": "handed over",
    "password_changed": "changed the password of",  # pragma: allowlist secret
    "profile_updated": "updated the profile of",
    "capacity_changed": "changed the lead capacity of",
    "grants_changed": "changed the rights of",
    "note_added": "added a note to",
    "reopened": "reopened",
    "added": "added",
    "removed": "removed",
}


def _thing(name: str) -> str:
    """``api_token.created`` → "API token"; ``saved_view.saved`` → "saved view"."""
    words = name.split(".", 1)[0].replace("_", " ")
    return words.replace("api ", "API ").replace("sla", "SLA")


def _verb(name: str) -> str:
    what = name.split(".", 1)[1] if "." in name else name
    return VERBS.get(what, what.replace("_", " "))


def _data_words(data: Any) -> str:
    if not isinstance(data, dict):
        return ""
    parts = []
    for key, value in list(data.items())[:6]:
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value[:8]) + (" …" if len(value) > 8 else "")
        parts.append(f"{key.replace('_', ' ')}: {value}")
    return "; ".join(parts)


def readable(events: list[Any], user: Any) -> list[dict[str, Any]]:
    """Each event as {when, who, verb, thing, subject, url, source, details}. Subjects
    are fetched through ``visible_to(user)``, one query per kind of record; one the
    reader cannot see (or since deleted) is named by its kind and id only."""
    wanted: dict[int, set[int]] = defaultdict(set)
    for event in events:
        if event.subject_type_id and event.subject_id:
            wanted[event.subject_type_id].add(event.subject_id)
    subjects: dict[tuple[int, int], Any] = {}
    for type_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        manager: Any = getattr(model, "_default_manager", None)
        if manager is None:
            continue
        found = manager.visible_to(user) if hasattr(manager, "visible_to") else manager.all()
        for obj in found.filter(pk__in=ids):
            subjects[(type_id, obj.pk)] = obj
    rows = []
    for event in events:
        subject = subjects.get((event.subject_type_id, event.subject_id))
        rows.append(
            {
                "when": event.occurred_at,
                "who": str(event.actor) if event.actor_id else "The system",
                "verb": _verb(event.name),
                "thing": _thing(event.name),
                "subject": str(subject) if subject is not None else "",
                "url": record_url(subject) if subject is not None else "",
                "missing_id": event.subject_id if subject is None else None,
                "source": event.source,
                "name": event.name,
                "details": _data_words(event.data),
            }
        )
    return rows
