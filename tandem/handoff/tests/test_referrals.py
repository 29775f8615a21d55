"""Referrals: a colleague sends a customer to sales, and the customer enters the same
hand-off as an MQL: the real routing (owner first, else a fair turn), the SLA clocks,
an urgent one in the fastest tier. A customer with sales already is not referred twice;
what the person said about marketing is recorded; a walk-in is found by e-mail."""

import pytest

from tandem.core.errors import DomainError
from tandem.crm import services as crm
from tandem.crm.models import Account, Contact
from tandem.factories.people import MembershipFactory, TeamFactory, UserFactory
from tandem.handoff import lifecycle, referrals
from tandem.handoff.clock import add_business_hours
from tandem.handoff.models import Lead, LifecycleEvent, Referral, RoutingReason, Stage
from tandem.handoff.routing import calendar_of
from tandem.notifications.models import Notification
from tandem.people.models import Team


@pytest.fixture
def jane(org):
    """A customer the marketer added: no sales owner, no lead yet."""
    return crm.create_contact(
        actor=org.marketer, first_name="Jane", last_name="Doe", email="jane@home.test"
    )


def refer(org, contact, **fields):
    fields.setdefault("interest", "A quote for solar panels")
    return referrals.refer_contact(actor=org.front_liner, contact=contact, **fields).referral


def test_a_referral_is_handed_over_like_an_mql_with_the_clock_running(org, contract, jane):
    referral = refer(org, jane, note="Roof faces south; call after 5pm")
    lead = Lead.objects.select_related("rep").get(pk=jane.pk)
    assert lead.stage == Stage.MQL and lead.mql_at is not None
    # The real hand-off: the round robin (nobody in sales owns Jane), a tier, the clocks.
    assert (lead.rep, lead.routing_reason) == (org.sales_rep, RoutingReason.ROUND_ROBIN)
    assert lead.team == org.sales
    assert lead.source == "branch" and lead.source_label == "Branch"
    assert lead.source_campaign is None
    assert lead.tier == "low"  # score 0: the tier the SLA gives it
    assert lead.accept_due_at is not None and lead.follow_up_due_at > lead.accept_due_at
    assert lead.scored_at is not None  # scored as it was handed over: the rep sees why
    event = LifecycleEvent.objects.get(lead=lead, to_stage=Stage.MQL)
    assert event.actor == org.front_liner and event.source == "branch"
    assert event.why == "Referred by Fran Branch (Leeds Branch)"
    assert (referral.referrer, referral.team, referral.source) == (
        org.front_liner,
        org.front_line,
        "branch",
    )
    assert referral.interest == "A quote for solar panels"
    assert referral.note == "Roof faces south; call after 5pm"
    assert referral.outcome == Referral.Outcome.WITH_SALES
    told = Notification.objects.get(recipient=org.sales_rep, kind="lead.assigned")
    assert told.text.startswith("New lead for you: Jane Doe, referred by Fran Branch")
    assert ", accept by " in told.text
    from tandem.core.models import DomainEvent

    assert DomainEvent.objects.filter(name="lead.referred", subject_id=jane.pk).exists()


def test_routing_honours_the_customers_sales_owner(org, contract):
    owned = crm.create_contact(actor=org.sales_rep, first_name="Owned", email="o@home.test")
    rae = UserFactory(full_name="Rae Rep")
    MembershipFactory(user=rae, team=org.sales)
    refer(org, owned)
    lead = Lead.objects.get(pk=owned.pk)
    assert (lead.rep, lead.routing_reason) == (org.sales_rep, RoutingReason.CONTACT_OWNER)
    # Someone nobody owns goes to whoever's turn it is: Rae has had no lead yet.
    other = crm.create_contact(actor=org.marketer, first_name="Free", email="f@home.test")
    refer(org, other)
    assert Lead.objects.get(pk=other.pk).rep == rae


def test_an_urgent_referral_is_in_the_fastest_tier(org, contract, jane):
    referral = refer(org, jane, urgency="urgent")
    lead = Lead.objects.get(pk=jane.pk)
    assert referral.is_urgent and lead.tier == "high"
    # High: accept within 1 business hour, follow up within 4 (the contract's tiers).
    hours = calendar_of(org.sales.pk)
    assert lead.accept_due_at == add_business_hours(lead.mql_at, 1, hours)
    assert lead.follow_up_due_at == add_business_hours(lead.mql_at, 4, hours)
    event = LifecycleEvent.objects.get(lead=lead, to_stage=Stage.MQL)
    assert event.why == "Referred by Fran Branch (Leeds Branch), urgent"
    text = Notification.objects.get(recipient=org.sales_rep).text
    assert "referred by Fran Branch (Leeds Branch), urgent, accept by" in text


def test_without_an_sla_in_force_it_still_reaches_a_rep(org, jane):
    refer(org, jane)
    lead = Lead.objects.get(pk=jane.pk)
    assert lead.stage == Stage.MQL and lead.rep == org.sales_rep
    assert lead.accept_due_at is None and lead.tier == ""


def test_a_call_centre_refers_from_the_phone_and_a_colleague_as_a_colleague(org, contract):
    centre = TeamFactory(
        name="Call Centre", function=Team.Function.FRONT_LINE, desk=Team.Desk.CALL_CENTRE
    )
    agent = UserFactory(full_name="Chloe Agent")
    MembershipFactory(user=agent, team=centre)
    caller = crm.create_contact(actor=agent, first_name="Cal", email="cal@home.test")
    by_phone = referrals.refer_contact(actor=agent, contact=caller, interest="Heat pump").referral
    assert by_phone.source == "call_centre" and by_phone.team == centre
    assert Lead.objects.get(pk=caller.pk).source_label == "Call centre"
    # A marketer may refer too (a customer met at a show): a colleague referral.
    met = crm.create_contact(actor=org.marketer, first_name="Met", email="met@home.test")
    by_marketer = referrals.refer_contact(actor=org.marketer, contact=met, interest="Battery")
    assert by_marketer.referral.source == "referral"
    assert by_marketer.referral.team == org.marketing
    assert Lead.objects.get(pk=met.pk).source_label == "Colleague referral"


def test_a_customer_with_sales_is_not_referred_twice(org, contract, jane):
    refer(org, jane)
    with pytest.raises(DomainError) as twice:
        refer(org, jane, interest="Batteries too")
    assert twice.value.code == "referral_already_with_sales"
    assert twice.value.details["lead_id"] == jane.pk
    assert "already with sales: Sam Rep has their lead (to accept it)" in twice.value.message
    lead = Lead.objects.get(pk=jane.pk)
    lifecycle.accept(actor=org.sales_rep, lead=lead)
    with pytest.raises(DomainError) as accepted:
        refer(org, jane)
    assert "Sam Rep has their lead (working it)" in accepted.value.message
    assert Referral.objects.filter(lead=lead).count() == 1
    assert Notification.objects.filter(recipient=org.sales_rep, kind="lead.assigned").count() == 1


def test_in_a_deal_is_not_referred_but_sent_back_or_disqualified_may_be_again(org, contract, jane):
    refer(org, jane)
    lead = Lead.objects.get(pk=jane.pk)
    lifecycle.reject(actor=org.sales_rep, lead=lead, reason="too-early", note="Next spring")
    second = refer(org, jane, interest="Solar, now the budget is there")
    assert Referral.objects.filter(lead_id=jane.pk).count() == 2
    assert Referral.objects.get(pk=second.pk).outcome == Referral.Outcome.WITH_SALES
    lead.refresh_from_db()
    lifecycle.accept(actor=org.sales_rep, lead=lead)
    lifecycle.move_stage(actor=org.sales_rep, lead=lead, stage="disqualified", why="A student")
    assert Referral.objects.get(pk=second.pk).outcome == Referral.Outcome.DISQUALIFIED
    refer(org, jane, interest="Her landlord is interested")  # a disqualified lead: again
    lead.refresh_from_db()
    assert lead.stage == Stage.MQL
    lifecycle.accept(actor=org.sales_rep, lead=lead)
    from tandem.handoff import conversion

    account = crm.create_account(actor=org.sales_rep, name="Doe Lettings")
    conversion.convert(actor=org.sales_rep, lead=lead, account=account, name="Lettings solar")
    with pytest.raises(DomainError) as in_a_deal:
        refer(org, jane)
    assert in_a_deal.value.code == "referral_already_in_a_deal"
    assert "already in a deal with sales (Sam Rep has it)" in in_a_deal.value.message


def test_consent_is_recorded_as_the_person_said_it(org, contract, jane):
    refer(org, jane, consent=True)
    jane.refresh_from_db()
    assert jane.marketing_consent is True
    assert jane.consent_source == "branch, told Fran Branch" and jane.consent_at is not None
    # Someone who withdrew gets the link to confirm; their "no" stands until they do.
    withdrew = crm.create_contact(actor=org.sales_rep, first_name="Wyn", email="wyn@home.test")
    crm.set_consent(actor=org.sales_rep, contact=withdrew, consent=False, source="phone")
    result = referrals.refer_contact(
        actor=org.front_liner, contact=withdrew, interest="Solar", consent=True
    )
    assert result.consent == "opt_in_sent"
    withdrew.refresh_from_db()
    assert withdrew.marketing_consent is False
    # A no is recorded at once, whoever's contact it is.
    said_no = crm.create_contact(actor=org.sales_rep, first_name="No", email="no@home.test")
    referrals.refer_contact(actor=org.front_liner, contact=said_no, interest="x", consent=False)
    said_no.refresh_from_db()
    assert said_no.marketing_consent is False


def test_a_walk_in_becomes_a_contact_of_the_referrers_and_is_referred(org, contract):
    made = referrals.refer_new_customer(
        actor=org.front_liner,
        first_name="Wanda",
        last_name="Walker",
        phone="0113 496 0001",
        company="Walker Bakery",
        interest="Solar for the bakery",
        urgency="urgent",
    )
    walker = Contact.objects.get(last_name="Walker")
    assert not made.contact_existed and made.referral.lead_id == walker.pk
    assert walker.owner == org.front_liner and walker.team_id == org.front_line.pk
    assert walker.account.name == "Walker Bakery"
    assert Lead.objects.get(pk=walker.pk).tier == "high"
    # A second walk-in from the same bakery files under the same account.
    referrals.refer_new_customer(
        actor=org.front_liner,
        first_name="Will",
        last_name="Walker",
        email="will@walker.test",
        company="walker bakery",
        interest="The same",
    )
    assert Account.objects.filter(name__iexact="walker bakery").count() == 1


def test_a_walk_in_whose_email_is_on_file_is_that_contact(org, contract, jane):
    made = referrals.refer_new_customer(
        actor=org.front_liner,
        first_name="J.",
        last_name="Doe-Smith",
        email=" JANE@home.test ",
        interest="Solar",
    )
    assert made.contact_existed and made.referral.lead_id == jane.pk
    assert Contact.objects.count() == 1
    jane.refresh_from_db()
    assert jane.last_name == "Doe" and jane.owner == org.marketer  # their record unchanged
    with pytest.raises(DomainError) as twice:
        referrals.refer_new_customer(
            actor=org.front_liner, first_name="Jane", email="jane@home.test", interest="x"
        )
    assert twice.value.code == "referral_already_with_sales"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"email": "a@b.test", "interest": "Solar"}, "last_name"),
        ({"first_name": "Nobody", "interest": "Solar"}, "email"),
        ({"first_name": "Bad", "email": "not an address", "interest": "Solar"}, "email"),
        ({"first_name": "No", "email": "no@interest.test", "interest": "  "}, "interest"),
        ({"first_name": "Slow", "phone": "1", "interest": "x", "urgency": "asap"}, "urgency"),
    ],
)
def test_a_walk_in_needs_a_name_a_way_to_reach_them_and_an_interest(org, fields, field):
    with pytest.raises(DomainError) as refused:
        referrals.refer_new_customer(actor=org.front_liner, **fields)
    assert refused.value.details["field"] == field
    assert not Contact.objects.exists() and not Referral.objects.exists()


def test_outsiders_may_not_refer(org, jane):
    with pytest.raises(DomainError) as refused:
        referrals.refer_contact(actor=org.outsider, contact=jane, interest="Solar")
    assert refused.value.code == "forbidden"
    assert not Lead.objects.exists()


def test_erasing_the_contact_wipes_what_the_referrer_wrote(org, contract, jane):
    referral = refer(org, jane, note="Lives at 12 Elm Street")
    crm.erase_contact(actor=org.admin, contact=jane)
    referral.refresh_from_db()
    assert referral.note == "" and "12 Elm" not in referral.interest
    assert not Referral.history.filter(id=referral.pk).exists()
    assert referral.referrer == org.front_liner  # who referred whom still counts


def test_a_hand_off_by_hand_costs_no_more_queries_than_a_scored_one(org, contract):
    """The referral's way through hand_off (ByHand) keeps the MQL path's few queries:
    it only skips looking up the latest touch."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from tandem.factories.campaigns import TouchpointFactory
    from tandem.factories.crm import ContactFactory
    from tandem.factories.handoff import LeadFactory
    from tandem.handoff.routing import ByHand, hand_off

    scored, by_hand = (LeadFactory(contact=ContactFactory(), score=60) for _ in range(2))
    TouchpointFactory(contact=scored.contact, channel="search", kind="form")
    now = timezone.now()
    with CaptureQueriesContext(connection) as mql:
        assert hand_off([scored.pk], now=now) == 1
    referral = ByHand(actor=org.front_liner, source="branch", why="Referred", named="Lee")
    with CaptureQueriesContext(connection) as referred:
        assert hand_off([by_hand.pk], now=now, by=referral) == 1
    assert len(referred) < len(mql)
