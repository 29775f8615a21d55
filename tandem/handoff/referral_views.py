"""Pages of referrals: refer a walk-in or a caller, refer a known customer (the form on
their contact page posts here), and the referrals one made with what became of each.
Thin: parse, call ``referrals``, render."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from tandem.core.errors import DomainError
from tandem.core.forms import form_error
from tandem.core.htmx import render_page_or_partial
from tandem.core.pagination import paginate
from tandem.core.permissions import ORGANISATION, Action, require, require_staff
from tandem.crm.models import Contact
from tandem.handoff import referrals
from tandem.handoff.errors import HandoffError
from tandem.handoff.forms import NewCustomerReferralForm, ReferralForm
from tandem.handoff.models import Lead, Referral
from tandem.people.auth import signed_in
from tandem.people.models import Team, User

SUGGESTED_INTERESTS = 8
# Refusals that name the customer's lead, which the page links.
NAMES_THE_LEAD = (HandoffError.ALREADY_WITH_SALES, HandoffError.ALREADY_IN_A_DEAL)
# What became of what the person said about marketing, as the referrer reads it.
CONSENT_SAID = {
    "recorded": "What they said about marketing is recorded.",
    "opt_in_sent": "They had withdrawn marketing consent: we e-mailed them a link to confirm "
    "it, and it counts once they do.",
    "opt_in_waiting": "They had withdrawn marketing consent: a link to confirm it was sent "
    "already (or they have no e-mail), and it counts once they do.",
}


def _may_refer(request: HttpRequest) -> User:
    require_staff(request.user)  # like every hand-off page: outsiders see nothing here
    require(request.user, Action.REFER, ORGANISATION)
    return signed_in(request)


def suggested_interests() -> list[str]:
    """What people asked sales for lately, most asked first: suggestions for the field."""
    recent = Referral.objects.order_by("-id").values_list("interest", flat=True)[:300]
    return [interest for interest, _ in Counter(recent).most_common(SUGGESTED_INTERESTS)]


def _said(referred: referrals.Referred) -> str:
    """The referrer's confirmation: who has the customer now, and by when they answer
    (in the referrer's time zone, which the page is in)."""
    lead = referred.referral.lead
    said = (
        f"{lead.contact} was already a contact (same e-mail), so we referred them. "
        if referred.contact_existed
        else ""
    )
    if lead.rep_id:
        said += f"{lead.contact} is with {lead.rep} in sales now"
    else:
        said += f"{lead.contact} is with sales now (no rep was free: a head assigns them)"
    if lead.accept_due_at:
        due = timezone.localtime(lead.accept_due_at)
        said += f", to be accepted or sent back by {due:%a %d %b %H:%M}"
    said += ". You will hear what becomes of them here and in your notifications."
    consent = CONSENT_SAID.get(referred.consent, "")
    return f"{said} {consent}".strip()


def _refer_page(
    request: HttpRequest, form: Any, contact: Contact | None, refused: DomainError | None
) -> HttpResponse:
    form.fields["interest"].widget.attrs["list"] = "interests"
    context = {
        "form": form,
        "contact": contact,
        "refused": refused.message if refused else "",
        "refused_lead": refused.details.get("lead_id") if refused else None,
        "interests": suggested_interests(),
    }
    status = 422 if form.errors else 200
    return render(request, "handoff/refer.html", context, status=status)


def _submit(form: Any, refer: Any) -> tuple[Any, DomainError | None]:
    """Run the referral; a refusal naming the customer's lead comes back to be linked."""
    try:
        return refer(form.referral()), None
    except DomainError as exc:
        form_error(form, exc)
        return None, exc if exc.code in NAMES_THE_LEAD else None


@login_required
def new_referral(request: HttpRequest) -> HttpResponse:
    """Refer a customer: a walk-in or a caller, found by e-mail if already a contact."""
    actor = _may_refer(request)
    form = NewCustomerReferralForm(request.POST or None, auto_id="refer-%s")
    refused = None
    if request.method == "POST" and form.is_valid():
        referred, refused = _submit(
            form, lambda data: referrals.refer_new_customer(actor=actor, **data)
        )
        if referred is not None:
            messages.success(request, _said(referred))
            return redirect("handoff:referrals")
    return _refer_page(request, form, None, refused)


@login_required
def refer_contact(request: HttpRequest, pk: int) -> HttpResponse:
    """Refer a known customer (the form on their contact page, or this page)."""
    actor = _may_refer(request)
    contact = get_object_or_404(Contact.objects.visible_to(actor), pk=pk)
    form = ReferralForm(request.POST or None, auto_id="refer-%s")
    refused = None
    if request.method == "POST" and form.is_valid():
        referred, refused = _submit(
            form, lambda data: referrals.refer_contact(actor=actor, contact=contact, **data)
        )
        if referred is not None:
            messages.success(request, _said(referred))
            return redirect("crm:contact", pk=contact.pk)
    elif request.method != "POST":
        lead = Lead.objects.select_related("rep").filter(pk=contact.pk).first()
        if lead is not None:
            lead.contact = contact
            refused = referrals.refusal_for(lead)
    return _refer_page(request, form, contact, refused)


@login_required
def my_referrals(request: HttpRequest) -> HttpResponse:
    """The customers one referred and what became of each, newest first; a front-line
    head may list their team's instead (``?whose=team``)."""
    user = _may_refer(request)
    headed = user.headed_teams_of(Team.Function.FRONT_LINE)  # may list their team's
    whose = "team" if request.GET.get("whose") == "team" and headed else "mine"
    found = Referral.objects.visible_to(user).with_outcomes()
    found = found.of_teams(headed) if whose == "team" else found.made_by(user)
    context = {"page": paginate(request, found), "whose": whose, "headed": bool(headed)}
    return render_page_or_partial(
        request, "handoff/referrals.html", "handoff/_referral_rows.html", context
    )
