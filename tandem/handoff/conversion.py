"""Lead conversion: an accepted lead becomes sales qualified with its opportunity, a new
one on its account or an open one the account already has, the rep choosing. The lead
keeps the link (``Lead.opportunity``); the contact's, the account's and the
opportunity's pages show it through the panels handoff registers on crm's pages.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from tandem.core.errors import DomainError, invalid
from tandem.core.services import record_event
from tandem.crm import services as crm
from tandem.crm.models import Account, Contact, Opportunity
from tandem.handoff import referral_outcomes
from tandem.handoff.errors import HandoffError
from tandem.handoff.lifecycle import check_move, check_worker, event
from tandem.handoff.models import Lead, Referral, Stage
from tandem.people.models import User

MAX_WHY = 300


def open_opportunities(account: Account | None) -> Any:
    """What a lead of ``account`` may be linked to: its open opportunities, soonest to
    close first (at most 50: a list to choose from)."""
    if account is None:
        return Opportunity.objects.none()
    return (
        Opportunity.objects.filter(account=account)
        .open()
        .select_related("owner")
        .order_by("close_date", "id")[:50]
    )


def suggested_accounts(contact: Contact, user: User) -> list[Account]:
    """Accounts to file a contact who has none under: the one with the domain of their
    e-mail, then the user's own (at most 20, by name)."""
    domain = contact.email.rpartition("@")[2]
    found = list(Account.objects.with_domains([domain])[:1]) if domain else []
    own = Account.objects.visible_to(user).owned_by(user.pk).order_by("name", "id")[:20]
    return found + [a for a in own if a not in found]


def _already_converted(lead: Lead) -> DomainError:
    return DomainError(
        HandoffError.LEAD_ALREADY_CONVERTED,
        f"This lead is already sales qualified, with the opportunity {lead.opportunity}.",
        opportunity_id=lead.opportunity_id,
    )


def _account_for(
    actor: User, contact: Contact, account: Account | None, account_name: str
) -> Account:
    """The account the opportunity goes on: the contact's; for a contact with none, the
    account chosen or a new one named, which the contact is then filed under."""
    if contact.account is not None:
        if (account is not None and account.pk != contact.account_id) or account_name.strip():
            raise DomainError(
                HandoffError.OPPORTUNITY_ELSEWHERE,
                f"{contact} works for {contact.account}: the opportunity goes there.",
                field="account",
            )
        return contact.account
    if account is None:
        if not account_name.strip():
            raise DomainError(
                HandoffError.LEAD_NEEDS_ACCOUNT,
                f"{contact} has no account yet: choose their company's account, or name a "
                "new one, and the opportunity goes on it.",
                field="account",
            )
        account = crm.create_account(actor=actor, name=account_name)
    # Filing the contact under its account is part of qualifying the lead, so it is the
    # lead's worker's to do even where the contact is marketing's to edit.
    contact.account = account
    contact.save(update_fields=["account", "updated_at"])
    record_event("contact.updated", subject=contact, data={"account": account.pk})
    return account


def _opening(
    actor: User,
    lead: Lead,
    account: Account,
    *,
    name: str,
    amount: Any,
    currency: str,
    close_date: date | None,
) -> Opportunity:
    """A new opportunity on the account, owned by the lead's rep, in the account's team
    (the rep's team when the account has none)."""
    opportunity = crm.create_opportunity(
        actor=actor,
        name=name,
        account=account,
        amount=amount if amount not in (None, "") else "0",
        currency=currency or "GBP",
        close_date=close_date,
        contact=lead.contact,
        owner=lead.rep or actor,
    )
    if account.team_id and opportunity.team_id != account.team_id:
        opportunity.team_id = account.team_id
        opportunity.save(update_fields=["team", "updated_at"])
    return opportunity


def _linking(opportunity: Opportunity, account: Account) -> Opportunity:
    if opportunity.account_id != account.pk:
        raise DomainError(
            HandoffError.OPPORTUNITY_ELSEWHERE,
            f"{opportunity} is an opportunity of {opportunity.account}, not of {account}.",
            field="opportunity",
        )
    if opportunity.is_closed:
        raise DomainError(
            HandoffError.OPPORTUNITY_CLOSED,
            f"{opportunity} is {opportunity.get_stage_display().lower()}: link an open "
            "opportunity, or open a new one.",
            field="opportunity",
        )
    return opportunity


def convert(
    *,
    actor: User,
    lead: Lead,
    opportunity: Opportunity | None = None,
    name: str = "",
    amount: Any = "0",
    currency: str = "GBP",
    close_date: date | None = None,
    account: Account | None = None,
    account_name: str = "",
    why: str = "",
) -> Lead:
    """Move an accepted lead to sales qualified with its opportunity: ``opportunity``
    (an open one of the lead's account) linked, or else a new one opened with the
    name, amount, currency and close date given, owned by the lead's rep in the
    account's team. A contact with no account is filed under ``account``, or a new
    account named ``account_name``, in the same step; with neither, refused naming the
    field. Whoever works the lead may (``check_move``). A lead already converted is
    refused, never given a second opportunity: the lead's row is locked while it
    converts, and its stage is read again under the lock."""
    check_worker(actor, lead)
    if lead.stage == Stage.SQL and lead.opportunity_id:
        raise _already_converted(lead)
    check_move(actor, lead, Stage.SQL)
    why = (why or "").strip()
    if len(why) > MAX_WHY:
        raise invalid("why", f"At most {MAX_WHY} characters, please ({len(why)} given).")
    now = timezone.now()
    with transaction.atomic():
        locked = (  # the lead's row alone: PostgreSQL locks no side of an outer join
            Lead.objects.select_for_update(of=("self",))
            .select_related("contact__account", "rep", "opportunity")
            .get(pk=lead.pk)
        )
        if locked.stage != Stage.ACCEPTED:
            if locked.stage == Stage.SQL and locked.opportunity_id:
                raise _already_converted(locked)
            raise DomainError(HandoffError.LEAD_MOVED_ON, "The lead moved on meanwhile; reload it.")
        check_worker(actor, locked)  # still theirs (a head may have reassigned it)
        target = _account_for(actor, locked.contact, account, account_name)
        if opportunity is not None:
            chosen, opened = _linking(opportunity, target), False
        else:
            chosen = _opening(
                actor,
                locked,
                target,
                name=name,
                amount=amount,
                currency=currency,
                close_date=close_date,
            )
            opened = True
        Lead.objects.filter(pk=locked.pk, stage=Stage.ACCEPTED).update(
            stage=Stage.SQL, stage_changed_at=now, opportunity=chosen
        )
        locked.refresh_from_db()
        said = f"Opened the opportunity {chosen}" if opened else f"Linked to {chosen}"
        # The rep's words go in the note, which erasing the contact wipes.
        event(locked, Stage.ACCEPTED, Stage.SQL, actor=actor, why=said[:MAX_WHY], note=why, at=now)
        data = {"stage": Stage.SQL, "opportunity": chosen.pk, "opened": opened}
        record_event("lead.converted", subject=locked.contact, data=data)
        record_event("opportunity.lead_linked", subject=chosen, data={"lead": locked.pk})
        referral_outcomes.settle(
            locked, Referral.Outcome.CONVERTED, actor=actor, opportunity=chosen
        )
    return locked
