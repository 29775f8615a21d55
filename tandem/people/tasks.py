"""Background work about people."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from huey.contrib.djhuey import db_task

from tandem.people.models import User


@db_task(name="people.send_invite", retries=3, retry_delay=60)
def send_invite(user_id: int) -> None:
    """E-mail a new person a link to choose their password (the reset flow)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or user.has_usable_password():
        return  # gone, or already set a password: nothing to send
    link = settings.SITE_URL + reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    body = render_to_string("people/emails/invite.txt", {"user": user, "link": link})
    send_mail("You have a Tandem account", body, None, [user.email])
