"""The hand-off's sections of crm's record pages (registered in ``HandoffConfig.ready``
through ``tandem.core.panels``; crm does not import handoff): a contact's lead, with its
stage, score, rep and opportunity; the leads of an account's people; and the leads an
opportunity came from. Reads only, one query each."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from tandem.core.panels import Panel
from tandem.core.permissions import ORGANISATION, Action, can
from tandem.handoff import referrals
from tandem.handoff.forms import ReferralForm
from tandem.handoff.models import Lead

ACCOUNT_LEADS = 20


def contact_lead(request: HttpRequest, contact: Any) -> dict[str, Any]:
    """The contact's lead, and "Refer to sales": its form, or why they are not referred
    again (with sales already, or in a deal), from the same read of the lead."""
    lead = (
        Lead.objects.visible_to(request.user)
        .select_related("rep", "opportunity")
        .filter(pk=contact.pk)
        .first()
    )
    if lead is not None:
        lead.contact = contact
    may_refer = not contact.erased_at and can(request.user, Action.REFER, ORGANISATION)
    refused = referrals.refusal_for(lead) if may_refer and lead is not None else None
    return {
        "lead": lead,
        "now": timezone.now(),
        "may_refer": may_refer,
        "refused": refused.message if refused else "",
        "refer_form": ReferralForm(auto_id="refer-%s") if may_refer and not refused else None,
    }


def account_leads(request: HttpRequest, account: Any) -> dict[str, Any]:
    """The account's people's leads, the latest to change first."""
    leads = (
        Lead.objects.visible_to(request.user)
        .filter(contact__account=account)
        .select_related("contact", "rep", "opportunity")
        .order_by("-stage_changed_at", "-contact_id")[: ACCOUNT_LEADS + 1]
    )
    found = list(leads)
    return {"leads": found[:ACCOUNT_LEADS], "more": len(found) > ACCOUNT_LEADS}


def opportunity_leads(request: HttpRequest, opportunity: Any) -> dict[str, Any]:
    """The leads converted to this opportunity, with where each came from."""
    leads = (
        Lead.objects.visible_to(request.user)
        .filter(opportunity=opportunity)
        .select_related("contact", "rep", "source_campaign")
        .order_by("-stage_changed_at", "-contact_id")[:10]
    )
    return {"leads": list(leads)}


# Where the lead stands (stage, score, clock) is a property of the person: the side
# column; the leads of an account and of an opportunity are associated records.
CONTACT_LEAD = Panel("handoff/_contact_lead.html", contact_lead, "side")
ACCOUNT_LEADS_PANEL = Panel("handoff/_account_leads.html", account_leads, "related")
OPPORTUNITY_LEADS = Panel("handoff/_opportunity_leads.html", opportunity_leads, "related")
