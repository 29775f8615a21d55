"""E-mail delivery of notifications, in the background."""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from huey.contrib.djhuey import db_task

from tandem.notifications.models import Notification


@db_task(name="notifications.send_emails", retries=3, retry_delay=30)
def send_notification_emails(notification_ids: list[int]) -> int:
    """Send each notification once: claim it by stamping ``emailed_at`` where it is empty.

    If the mail server fails, the claims are released and the task is retried, so a
    notification is neither lost nor sent twice.
    """
    # Claimed in one transaction (one write, not one per notification: on SQLite every
    # write waits for the single lock the web forms also need).
    now = timezone.now()
    with transaction.atomic():
        claimed = list(
            Notification.objects.filter(
                pk__in=notification_ids,
                emailed_at__isnull=True,
                recipient__is_active=True,
                recipient__email_notifications=True,
            )
            .select_related("recipient", "actor")
            .select_for_update(of=("self",))
        )
        Notification.objects.filter(pk__in=[n.pk for n in claimed]).update(emailed_at=now)
    if not claimed:
        return 0
    messages = [
        EmailMessage(
            subject=f"Tandem: {n.text[:70]}",
            body=render_to_string(
                "notifications/emails/notification.txt",
                {"notification": n, "site_url": settings.SITE_URL},
            ),
            to=[n.recipient.email],
        )
        for n in claimed
    ]
    try:
        with get_connection() as connection:
            connection.send_messages(messages)
    except Exception:
        Notification.objects.filter(pk__in=[n.pk for n in claimed]).update(emailed_at=None)
        raise
    return len(claimed)
