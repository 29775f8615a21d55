"""Notification e-mail over a real SMTP conversation (an in-process aiosmtpd server)."""

import socket
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller

from tandem.notifications.models import Notification
from tandem.notifications.services import post_comment
from tandem.notifications.tasks import send_notification_emails


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    yield inbox
    controller.stop()


def test_a_mention_is_emailed_once_over_smtp(smtp, org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(actor=org.marketer, record=org.sales, body="@sam can you call them today?")
    assert len(smtp.messages) == 1
    recipients, message = smtp.messages[0]
    assert recipients == [org.sales_rep.email]
    assert "mentioned you on Sales" in message["Subject"]
    body = message.get_payload(decode=True).decode()
    assert "can you call them today?" in body and f"/teams/{org.sales.pk}/" in body
    note = Notification.objects.get(recipient=org.sales_rep)
    assert note.emailed_at is not None
    # A retried task does not send it again.
    assert send_notification_emails.call_local([note.pk]) == 0
    assert len(smtp.messages) == 1


def test_people_who_turned_email_off_only_get_the_in_app_notification(
    smtp, org, django_capture_on_commit_callbacks
):
    org.sales_rep.email_notifications = False
    org.sales_rep.save()
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(actor=org.marketer, record=org.sales, body="@sam hello")
    assert smtp.messages == []
    assert Notification.objects.filter(recipient=org.sales_rep).count() == 1


def test_a_mail_server_failure_releases_the_claim_for_a_retry(settings, org):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = _free_port()  # nothing listens here
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 2
    post_comment(actor=org.marketer, record=org.sales, body="@sam hello")
    note = Notification.objects.get(recipient=org.sales_rep)
    with pytest.raises(OSError):
        send_notification_emails.call_local([note.pk])
    note.refresh_from_db()
    assert note.emailed_at is None  # not lost: the retry will send it
