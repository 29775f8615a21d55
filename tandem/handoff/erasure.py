"""The hand-off's part of erasing a contact."""

from __future__ import annotations

from django.urls import reverse

from tandem.handoff.models import (
    Lead,
    LifecycleEvent,
    Referral,
)
from tandem.notifications.models import Notification


def erase_lead(contact_id: int, text: str) -> None:
    """Part of erasing a contact (``crm.services.erase_contact``): the notes sales wrote
    about the person, what the people who referred them wrote (with its history), and
    the notifications that named them. Stages, scores, reasons and who referred whom
    stay, so the funnel's numbers still add up."""
    Lead.objects.filter(pk=contact_id).update(rejection_note="")
    LifecycleEvent.objects.filter(lead_id=contact_id).update(note="")
    referrals = Referral.objects.filter(lead_id=contact_id)
    Referral.history.filter(id__in=referrals.values("id")).delete()
    referrals.update(interest=text[:200], note="", outcome_note="")
    url = reverse("handoff:lead", args=[contact_id])
    Notification.objects.filter(url=url).update(text=text)
