"""Comments, mentions and notifications."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import transaction
from django.utils import timezone

from tandem.core.errors import DomainError, ErrorCode
from tandem.core.permissions import Action, can, require
from tandem.core.records import record_url
from tandem.core.services import record_event
from tandem.notifications.mentions import handles_in
from tandem.notifications.models import Comment, Notification

MAX_COMMENT = 5000


@dataclass
class PostedComment:
    comment: Comment
    notified: list[Any] = field(default_factory=list)
    cannot_see: list[Any] = field(default_factory=list)  # mentioned, but not allowed to see


def local_time(moment: datetime, person: Any) -> str:
    """A time as ``person`` reads it: in their time zone, named ("Mon 07 Dec 14:00 GMT").
    A notification's text is stored, so it is written in its reader's zone."""
    try:
        zone = ZoneInfo(getattr(person, "time_zone", "") or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return moment.astimezone(zone).strftime("%a %d %b %H:%M %Z")


def notify(
    *,
    recipients: list[Any],
    kind: str,
    text: str | Callable[[Any], str],
    url: str = "",
    actor: Any = None,
) -> list[Notification]:
    """Create in-app notifications and e-mail them in the background after commit.
    ``text`` may be a function of the recipient (to give times in their zone)."""
    return notify_each([Notice(recipients, kind, text, url)], actor=actor)


@dataclass(frozen=True)
class Notice:
    """One message for its recipients, as ``notify`` takes it."""

    recipients: list[Any]
    kind: str
    text: str | Callable[[Any], str]
    url: str = ""


def notify_each(notices: list[Notice], *, actor: Any = None) -> list[Notification]:
    """Several messages in one write, e-mailed by one background task. A hand-off of a
    batch tells each rep once: a task per rep was a write each for the worker, and on
    SQLite each write waits for the lock the web forms need too (bench/README.md)."""
    created = Notification.objects.bulk_create(
        [
            Notification(
                recipient=r,
                actor=actor,
                kind=notice.kind,
                text=(notice.text(r) if callable(notice.text) else notice.text)[:300],
                url=notice.url[:300],
            )
            for notice in notices
            for r in notice.recipients
        ]
    )
    if not created:
        return []
    ids = [n.pk for n in created]
    from tandem.notifications.tasks import send_notification_emails

    transaction.on_commit(lambda: send_notification_emails(ids))
    return created


def post_comment(*, actor: Any, record: Any, body: str) -> PostedComment:
    """Comment on a record. @mentioned people are notified only if they can see it."""
    require(actor, Action.COMMENT, record)
    body = (body or "").strip()
    if not body:
        raise DomainError(ErrorCode.INVALID, "Write something before posting.", field="body")
    if len(body) > MAX_COMMENT:
        raise DomainError(
            ErrorCode.INVALID,
            f"Comments are at most {MAX_COMMENT} characters; this one has {len(body)}.",
            field="body",
        )
    from tandem.people.models import User

    mentioned = list(User.objects.by_handles(handles_in(body)).exclude(pk=actor.pk))
    allowed = [u for u in mentioned if can(u, Action.VIEW, record)]
    cannot_see = [u for u in mentioned if u not in allowed]
    with transaction.atomic():
        comment = Comment.objects.create(target=record, author=actor, body=body)
        if mentioned:
            comment.mentions.set(allowed)
        record_event(
            "comment.posted",
            subject=record,
            data={"comment_id": comment.pk, "mentioned": [u.pk for u in allowed]},
        )
        notify(
            recipients=allowed,
            kind=Notification.Kind.MENTION,
            text=f"{actor} mentioned you on {record}: {body[:160]}",
            url=record_url(record),
            actor=actor,
        )
    return PostedComment(comment=comment, notified=allowed, cannot_see=cannot_see)


def mark_read(*, actor: Any, notification: Notification) -> Notification:
    require(actor, Action.CHANGE, notification)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def mark_all_read(*, actor: Any) -> int:
    return Notification.objects.visible_to(actor).unread().update(read_at=timezone.now())
