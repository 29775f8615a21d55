"""What became of a referral: sales accepts it, sends it back with a reason, converts it
to an opportunity or disqualifies it; the referral keeps the outcome and its referrer is
told. Won or lost is read from the opportunity."""

import pytest

from tandem.crm import services as crm
from tandem.handoff import conversion, lifecycle, referrals
from tandem.handoff.models import Lead, Referral
from tandem.notifications.models import Notification


@pytest.fixture
def referred(org, contract):
    jane = crm.create_contact(
        actor=org.marketer, first_name="Jane", last_name="Doe", email="jane@home.test"
    )
    made = referrals.refer_contact(actor=org.front_liner, contact=jane, interest="Solar")
    return made.referral, Lead.objects.get(pk=jane.pk)


def news_of(user):
    return list(
        Notification.objects.filter(recipient=user, kind="referral.outcome").values_list(
            "text", "url"
        )
    )


def test_accepted_then_converted_then_won(org, referred):
    referral, lead = referred
    lifecycle.accept(actor=org.sales_rep, lead=lead)
    referral.refresh_from_db()
    assert referral.outcome == Referral.Outcome.ACCEPTED and referral.outcome_at is not None
    assert news_of(org.front_liner) == [
        ("Sales accepted Jane Doe, whom you referred: Sam Rep has them.", f"/leads/{lead.pk}/")
    ]
    account = crm.create_account(actor=org.sales_rep, name="Doe Household")
    conversion.convert(
        actor=org.sales_rep, lead=lead, account=account, name="Doe rooftop", amount="9000"
    )
    referral.refresh_from_db()
    assert referral.outcome == Referral.Outcome.CONVERTED
    assert referral.opportunity.name == "Doe rooftop" and not referral.won
    assert news_of(org.front_liner)[-1][0] == (
        "Jane Doe, whom you referred, is now an opportunity: Doe rooftop."
    )
    crm.move_opportunity(actor=org.sales_rep, opportunity=referral.opportunity, stage="won")
    referral = Referral.objects.with_outcomes().get(pk=referral.pk)
    assert referral.won and not referral.lost


def test_sent_back_with_the_reason_and_the_note(org, referred):
    referral, lead = referred
    lifecycle.reject(actor=org.sales_rep, lead=lead, reason="no-budget", note="Renting, no roof")
    referral.refresh_from_db()
    assert referral.outcome == Referral.Outcome.REJECTED
    assert referral.rejection_reason.code == "no-budget"
    assert referral.outcome_note == "Renting, no roof"
    [(text, _)] = news_of(org.front_liner)
    assert text == (
        "Sales sent back Jane Doe, whom you referred: No budget or no project. “Renting, no roof”"
    )
    # The lead handed over again later clears its own reason; the referral keeps it.
    referrals.refer_contact(actor=org.marketer, contact=lead.contact, interest="Again")
    referral.refresh_from_db()
    assert referral.rejection_reason.code == "no-budget"


def test_disqualified_after_accepting(org, referred):
    referral, lead = referred
    lifecycle.accept(actor=org.sales_rep, lead=lead)
    lifecycle.move_stage(actor=org.sales_rep, lead=lead, stage="disqualified", why="A competitor")
    referral.refresh_from_db()
    assert (referral.outcome, referral.outcome_note) == ("disqualified", "A competitor")
    assert news_of(org.front_liner)[-1][0] == (
        "Sales disqualified Jane Doe, whom you referred: A competitor"
    )


def test_a_referrer_who_decides_is_not_told_their_own_decision(org, contract):
    own = crm.create_contact(actor=org.sales_head, first_name="Own", email="own@home.test")
    made = referrals.refer_contact(actor=org.sales_head, contact=own, interest="Solar")
    lead = Lead.objects.get(pk=own.pk)
    lifecycle.accept(actor=org.sales_head, lead=lead)
    made.referral.refresh_from_db()
    assert made.referral.outcome == Referral.Outcome.ACCEPTED
    assert news_of(org.sales_head) == []


def test_a_lead_nobody_referred_is_decided_as_before(org, contract):
    from tandem.handoff.tests.conftest import hot_lead

    lead = hot_lead(org)
    lifecycle.accept(actor=org.sales_rep, lead=lead)
    assert not Referral.objects.exists()
    assert not Notification.objects.filter(kind="referral.outcome").exists()
