"""Lead conversion (the service): an accepted lead becomes sales qualified with a new
opportunity on its account or an open one linked, once; a contact with no account gets
one in the same step or is refused naming the field; only whoever works the lead may."""

from datetime import date
from decimal import Decimal

import pytest

from tandem.core.errors import DomainError
from tandem.core.models import DomainEvent
from tandem.crm.models import Account, Opportunity
from tandem.factories.crm import AccountFactory, OpportunityFactory
from tandem.factories.people import MembershipFactory, UserFactory
from tandem.handoff import conversion, lifecycle
from tandem.handoff.models import Lead, LifecycleEvent, Stage
from tandem.handoff.tests.conftest import hot_lead


def accepted_lead(org, n=0):
    """Sam's lead, accepted (an account, Co <n>, with nobody owning it)."""
    lead = hot_lead(org, n)
    return lifecycle.accept(actor=org.sales_rep, lead=lead)


def _refused(code, **kwargs):
    with pytest.raises(DomainError) as caught:
        conversion.convert(**kwargs)
    assert caught.value.code == code, caught.value.message
    return caught.value


def test_converting_opens_an_opportunity_owned_by_the_rep_in_the_accounts_team(org, contract):
    lead = accepted_lead(org)
    account = lead.contact.account
    account.team = org.marketing  # marketing's account: the deal is in its team
    account.save()
    converted = conversion.convert(
        actor=org.sales_rep,
        lead=lead,
        name="Heat pumps for Co 0",
        amount="12500.50",
        currency="eur",
        close_date=date(2027, 3, 31),
        why="Budget agreed",
    )
    deal = converted.opportunity
    assert converted.stage == Stage.SQL and Lead.objects.get(pk=lead.pk).opportunity == deal
    assert (deal.account, deal.contact, deal.owner, deal.team) == (
        account,
        lead.contact,
        org.sales_rep,
        org.marketing,
    )
    assert (deal.amount, deal.currency, deal.close_date) == (
        Decimal("12500.50"),
        "EUR",
        date(2027, 3, 31),
    )
    assert deal.stage == Opportunity.Stage.QUALIFICATION
    moved = LifecycleEvent.objects.get(lead=lead, to_stage=Stage.SQL)
    assert (moved.from_stage, moved.actor) == (Stage.ACCEPTED, org.sales_rep)
    assert (moved.why, moved.note) == (
        "Opened the opportunity Heat pumps for Co 0",
        "Budget agreed",
    )
    assert DomainEvent.objects.filter(name="lead.converted", subject_id=lead.pk).exists()
    assert DomainEvent.objects.filter(name="opportunity.lead_linked", subject_id=deal.pk).exists()
    assert deal.history.count() == 2  # created, then put in the account's team


def test_with_no_team_on_the_account_the_deal_is_in_the_reps_team(org, contract):
    deal = conversion.convert(actor=org.sales_rep, lead=accepted_lead(org), name="Deal").opportunity
    assert (deal.team, deal.amount, deal.currency) == (org.sales, Decimal("0.00"), "GBP")
    assert deal.history.count() == 1


def test_the_rep_links_an_open_opportunity_of_the_account_instead(org, contract):
    lead = accepted_lead(org)
    account = lead.contact.account
    open_deal = OpportunityFactory(account=account, stage=Opportunity.Stage.PROPOSAL)
    won = OpportunityFactory(account=account, stage=Opportunity.Stage.WON)
    elsewhere = OpportunityFactory(stage=Opportunity.Stage.PROPOSAL)
    assert list(conversion.open_opportunities(account)) == [open_deal]
    refused = _refused(
        "conversion_opportunity_closed", actor=org.sales_rep, lead=lead, opportunity=won
    )
    assert refused.field == "opportunity"
    _refused(
        "conversion_opportunity_elsewhere", actor=org.sales_rep, lead=lead, opportunity=elsewhere
    )
    assert Lead.objects.get(pk=lead.pk).stage == Stage.ACCEPTED  # nothing half-done
    converted = conversion.convert(actor=org.sales_rep, lead=lead, opportunity=open_deal)
    assert converted.opportunity == open_deal and Opportunity.objects.count() == 3
    assert converted.events.get(to_stage=Stage.SQL).why == f"Linked to {open_deal.name}"


def test_converting_twice_never_opens_a_second_opportunity(org, contract):
    lead = accepted_lead(org)
    stale = Lead.objects.select_related("contact__account").get(pk=lead.pk)  # still accepted
    first = conversion.convert(actor=org.sales_rep, lead=lead, name="Deal")
    refused = _refused("lead_already_converted", actor=org.sales_rep, lead=stale, name="Deal")
    assert refused.details["opportunity_id"] == first.opportunity_id
    _refused("lead_already_converted", actor=org.sales_rep, lead=first, name="Again")
    assert Opportunity.objects.count() == 1
    assert LifecycleEvent.objects.filter(lead=lead, to_stage=Stage.SQL).count() == 1


def test_a_contact_with_no_account_needs_one_named_or_chosen_in_the_same_step(org, contract):
    lead = accepted_lead(org)
    contact = lead.contact
    contact.account = None
    contact.save()
    refused = _refused("lead_needs_account", actor=org.sales_rep, lead=lead, name="Deal")
    assert refused.field == "account" and "has no account yet" in refused.message
    # Bad input on the new opportunity: the new account is not kept either.
    _refused(
        "unknown_currency",
        actor=org.sales_rep,
        lead=lead,
        account_name="Kay Ltd",
        currency="pounds",
    )
    assert not Account.objects.filter(name="Kay Ltd").exists()
    contact.refresh_from_db()
    assert contact.account is None and Opportunity.objects.count() == 0

    converted = conversion.convert(
        actor=org.sales_rep, lead=lead, account_name="Kay Ltd", name="Kay: boilers"
    )
    contact.refresh_from_db()
    account = Account.objects.get(name="Kay Ltd")
    assert contact.account == account and converted.opportunity.account == account
    assert account.owner == org.sales_rep  # the rep made it
    assert contact.history.first().account_id == account.pk  # the filing is in its history


def test_a_contact_with_no_account_may_be_filed_under_an_existing_one(org, contract):
    lead = accepted_lead(org)
    lead.contact.account = None
    lead.contact.save()
    existing = AccountFactory(name="Existing Ltd")
    converted = conversion.convert(actor=org.sales_rep, lead=lead, account=existing, name="D")
    assert converted.contact.account == existing == converted.opportunity.account


def test_a_contact_who_has_an_account_keeps_it(org, contract):
    lead = accepted_lead(org)
    other = AccountFactory(name="Other Ltd")
    for wrong in ({"account": other}, {"account_name": "Another Ltd"}):
        refused = _refused(
            "conversion_opportunity_elsewhere", actor=org.sales_rep, lead=lead, name="D", **wrong
        )
        assert refused.field == "account"
    assert not Account.objects.filter(name="Another Ltd").exists()


@pytest.mark.parametrize("who", ["other_rep", "front_liner", "marketer", "executive", "admin"])
def test_only_whoever_works_the_lead_converts_it(org, contract, who):
    lead = accepted_lead(org)
    if who == "other_rep":
        actor = UserFactory(full_name="Olly Other")
        MembershipFactory(user=actor, team=org.sales)
    else:
        actor = getattr(org, who)
    refused = _refused("forbidden", actor=actor, lead=lead, name="Deal")
    assert "Sam Rep's to work" in refused.message or "not allowed" in refused.message
    assert Opportunity.objects.count() == 0
    assert Lead.objects.get(pk=lead.pk).stage == Stage.ACCEPTED


def test_the_head_of_the_team_converts_for_the_rep(org, contract):
    converted = conversion.convert(actor=org.sales_head, lead=accepted_lead(org), name="Deal")
    assert converted.opportunity.owner == org.sales_rep  # still the rep's deal


def test_only_an_accepted_lead_converts(org, contract):
    lead = hot_lead(org)  # an MQL, not yet accepted
    refused = _refused("lead_move_not_allowed", actor=org.sales_rep, lead=lead, name="Deal")
    assert (
        refused.message == "A lead cannot go from marketing qualified to sales qualified "
        "(opportunity)."
    )
    assert Opportunity.objects.count() == 0


def test_erasing_the_contact_wipes_the_reps_note_and_keeps_the_deal(org, contract):
    from tandem.crm import services as crm

    lead = accepted_lead(org)
    conversion.convert(actor=org.sales_rep, lead=lead, name="Deal", why="Call her on 0770")
    crm.erase_contact(actor=org.admin, contact=lead.contact)
    moved = LifecycleEvent.objects.get(lead=lead, to_stage=Stage.SQL)
    assert (moved.why, moved.note) == ("Opened the opportunity Deal", "")
    assert Lead.objects.get(pk=lead.pk).opportunity.name == "Deal"


def test_the_note_has_a_limit(org, contract):
    refused = _refused("invalid", actor=org.sales_rep, lead=accepted_lead(org), why="x" * 301)
    assert refused.field == "why"
