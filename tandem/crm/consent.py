"""Withdrawn marketing consent comes back only when the person confirms it.

Anyone can type someone's e-mail into a public web form and tick the box, and a
colleague can set "agreed" on the contact page; neither is the person saying yes. Once
a person has withdrawn consent, a new yes is an opt-in request: they get an e-mail with
a signed link, and consent is restored only when they open it and confirm, recorded
with where the request came from. (A first yes, from someone never asked, is taken as
given, with its source, as before.)
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from django.core import signing
from django.db import transaction
from django.utils import timezone

from tandem.core import ratelimit
from tandem.core.errors import DomainError, ErrorCode
from tandem.core.permissions import ORGANISATION, Action, require
from tandem.core.services import record_event
from tandem.crm.models import Contact

SALT = "tandem.crm.consent.opt-in"
LINK_VALID = timedelta(days=7)
# One opt-in e-mail per person per hour, however often the form is posted with their
# address: the form is public, and an inbox is not a target.
RESEND_AFTER = timedelta(hours=1)


def withdrawn(contact: Contact) -> bool:
    return contact.marketing_consent is False


def consent_from_form(*, contact: Contact, source: str, at: datetime) -> None:
    """A web form's consent box, ticked by someone who had not withdrawn (one who had
    confirms from their inbox instead: ``request_opt_in``)."""
    contact.marketing_consent = True
    contact.consent_source = source[:200]
    contact.consent_at = at
    contact.save(update_fields=["marketing_consent", "consent_source", "consent_at", "updated_at"])


def consent_in_person(*, actor: Any, contact: Contact, consent: bool, source: str) -> str:
    """What a person told a colleague in front of them or on the phone about marketing
    (a branch or call-centre referral): the person's own word, as a web form they fill
    in is, so anyone who works here records it, whoever's contact it is. A no is
    recorded at once. A yes after they had withdrawn is an opt-in request: the e-mailed
    link, as from a form. Returns "recorded", "unchanged" or "opt_in_sent" (or
    "opt_in_waiting" when a link went in the last hour or there is no address)."""
    require(actor, Action.CREATE_RECORD, ORGANISATION)
    source = source.strip()[:200]
    if consent and withdrawn(contact):
        sent = request_opt_in(contact=contact, source=source[:120])
        return "opt_in_sent" if sent else "opt_in_waiting"
    if contact.marketing_consent is consent:
        return "unchanged"
    contact.marketing_consent = consent
    contact.consent_source = source
    contact.consent_at = timezone.now()
    contact.save(update_fields=["marketing_consent", "consent_source", "consent_at", "updated_at"])
    record_event(
        "contact.consent_changed", subject=contact, data={"consent": consent, "in_person": True}
    )
    return "recorded"


def _email_digest(email: str) -> str:
    return hashlib.sha256(email.encode()).hexdigest()[:24]


def opt_in_link_token(contact: Contact, source: str) -> str:
    """Signed and dated; bound to the address it was sent to, so it dies if the contact's
    e-mail changes or the contact is erased."""
    return signing.dumps(
        {"c": contact.pk, "e": _email_digest(contact.email), "s": source[:120]}, salt=SALT
    )


def request_opt_in(*, contact: Contact, source: str) -> bool:
    """E-mail the person a link to confirm consent (after the transaction commits).
    Returns False when one was sent within the hour, or there is no address."""
    if not contact.email or contact.erased_at:
        return False
    once_an_hour = ratelimit.hit(
        "consent-opt-in-email", str(contact.pk), limit=1, window=int(RESEND_AFTER.total_seconds())
    )
    if not once_an_hour.allowed:
        return False
    from tandem.crm.tasks import send_opt_in_email

    token = opt_in_link_token(contact, source)
    record_event("contact.opt_in_requested", subject=contact, data={"source": source[:120]})
    transaction.on_commit(lambda: send_opt_in_email(contact.pk, token))
    return True


def ask_to_opt_in(*, actor: Any, contact: Contact) -> bool:
    """A colleague asks a person who withdrew consent whether they want marketing again:
    the same e-mail a form sends; nothing changes until the person confirms."""
    require(actor, Action.CHANGE, contact)
    if not withdrawn(contact):
        raise DomainError(
            ErrorCode.INVALID,
            "Only a person who withdrew consent needs to confirm it; record it instead.",
            field="consent",
        )
    if not contact.email:
        raise DomainError(ErrorCode.INVALID, "The contact has no e-mail address.", field="email")
    with transaction.atomic():
        return request_opt_in(contact=contact, source=f"asked by {actor}"[:120])


def read_link(token: str) -> tuple[Contact, str]:
    """The contact and source of an opt-in link; NOT_FOUND for a link that is forged,
    expired, or no longer matches the contact."""
    try:
        data = signing.loads(token, salt=SALT, max_age=LINK_VALID)
        contact = Contact.objects.get(pk=int(data["c"]))
    except (signing.BadSignature, Contact.DoesNotExist, KeyError, TypeError, ValueError):
        raise DomainError(ErrorCode.NOT_FOUND, "This link has expired or is not valid.") from None
    if contact.erased_at or not contact.email or data["e"] != _email_digest(contact.email):
        raise DomainError(ErrorCode.NOT_FOUND, "This link has expired or is not valid.")
    return contact, str(data.get("s", ""))


def confirm_opt_in(*, token: str) -> Contact:
    """The person opened their link and confirmed: consent is theirs again, recorded
    with the request's source and the time they confirmed."""
    contact, source = read_link(token)
    with transaction.atomic():
        locked = Contact.objects.select_for_update().get(pk=contact.pk)
        if locked.marketing_consent is True:
            return locked
        locked.marketing_consent = True
        locked.consent_source = f"confirmed by e-mail link ({source})"[:200]
        locked.consent_at = timezone.now()
        locked.save(
            update_fields=["marketing_consent", "consent_source", "consent_at", "updated_at"]
        )
        record_event(
            "contact.consent_changed", subject=locked, data={"consent": True, "confirmed": True}
        )
    return locked
