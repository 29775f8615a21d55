"""Background entry points of the customer record. Each takes ids and is safe to retry."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from huey.contrib.djhuey import db_task

from tandem.crm.models import Contact


@db_task(name="crm.send_opt_in_email", retries=3, retry_delay=30)
def send_opt_in_email(contact_id: int, token: str) -> bool:
    """The e-mail with the person's opt-in link. Skipped if they were erased since."""
    contact = Contact.objects.filter(pk=contact_id, erased_at__isnull=True).first()
    if contact is None or not contact.email:
        return False
    link = settings.SITE_URL + reverse("crm:confirm_opt_in", args=[token])
    EmailMessage(
        subject="Please confirm: would you like our news and offers?",
        body=render_to_string("crm/emails/opt_in.txt", {"contact": contact, "link": link}),
        to=[contact.email],
    ).send()
    return True
