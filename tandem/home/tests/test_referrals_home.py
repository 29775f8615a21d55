"""The front line's home: the customers they referred and what became of each (accepted,
sent back with the reason, an opportunity, won), above what their teams did lately."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.crm import services as crm
from tandem.factories.people import MembershipFactory, UserFactory
from tandem.handoff import conversion, lifecycle, referrals
from tandem.handoff.models import Lead
from tandem.handoff.tests.conftest import agree


@pytest.fixture
def contract(org):
    return agree(org)


def refer(org, n, by=None):
    contact = crm.create_contact(
        actor=org.marketer, first_name="Cust", last_name=f"No {n}", email=f"c{n}@home.test"
    )
    referrals.refer_contact(actor=by or org.front_liner, contact=contact, interest=f"Solar {n}")
    return Lead.objects.get(pk=contact.pk)


def converted(org, lead, name):
    lifecycle.accept(actor=org.sales_rep, lead=lead)
    account = crm.create_account(actor=org.sales_rep, name=f"{name} account")
    conversion.convert(actor=org.sales_rep, lead=lead, account=account, name=name, amount="8000")
    lead.refresh_from_db()
    return lead


def each_outcome(org, start=0):
    waiting = refer(org, start)
    accepted = refer(org, start + 1)
    lifecycle.accept(actor=org.sales_rep, lead=accepted)
    rejected = refer(org, start + 2)
    lifecycle.reject(actor=org.sales_rep, lead=rejected, reason="no-budget", note="Renting")
    opened = converted(org, refer(org, start + 3), f"Rooftop {start}")
    won = converted(org, refer(org, start + 4), f"Barn roof {start}")
    crm.move_opportunity(actor=org.sales_rep, opportunity=won.opportunity, stage="won")
    return waiting, accepted, rejected, opened, won


def section(page):
    return page.split('data-section="referrals"')[1].split("</article>")[0]


def test_the_front_liner_sees_what_became_of_each_referral(client, org, contract):
    each_outcome(org)
    client.force_login(org.front_liner)
    page = client.get("/").content.decode()
    mine = section(page)
    assert "My referrals" in page
    rows = {
        re.search(r"Cust No (\d)", li).group(1): re.sub(r"\s+", " ", li)
        for li in mine.split("<li")[1:]
    }
    assert "With sales" in rows["0"] and "waiting for Sam Rep to accept" in rows["0"]
    assert "Accepted" in rows["1"] and "Sam Rep is working it" in rows["1"]
    assert "Sent back" in rows["2"] and "No budget or no project: “Renting”" in rows["2"]
    assert "Opportunity" in rows["3"] and "Rooftop 0" in rows["3"] and "£8,000.00" in rows["3"]
    assert "Won" in rows["4"] and "Barn roof 0" in rows["4"]
    # The figures on top, and the activity chart still below the referrals.
    figures = client.get("/").context["referral_counts"]
    assert figures == {"month": 5, "taken": 3, "sent_back": 1, "opportunities": 2, "won": 1}
    assert page.index('data-section="referrals"') < page.index('data-chart="activity-data"')
    assert "Taken on by sales" in page


def test_a_front_line_head_sees_their_teams_referrals(client, org, contract):
    colleague = UserFactory(full_name="Col League")
    MembershipFactory(user=colleague, team=org.front_line)
    refer(org, 1, by=colleague)
    head = UserFactory(full_name="Bea Head")
    MembershipFactory(user=head, team=org.front_line, role="head")
    client.force_login(head)
    page = client.get("/").content.decode()
    assert "Your team's referrals" in page and "by Col League" in section(page)
    assert "Leads waiting for sales" in page  # the head's hand-off figures stay
    client.force_login(org.front_liner)
    assert "No referrals yet" in section(client.get("/").content.decode())


@pytest.mark.parametrize("persona", ["marketer", "sales_rep", "executive", "admin"])
def test_others_homes_have_no_referrals_section(client, org, persona):
    client.force_login(getattr(org, persona))
    assert 'data-section="referrals"' not in client.get("/").content.decode()


def test_the_section_reads_in_the_same_queries_for_many_referrals(client, org, contract):
    each_outcome(org)
    client.force_login(org.front_liner)
    client.get("/")
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    each_outcome(org, 10)
    with CaptureQueriesContext(connection) as many:
        client.get("/")
    assert len(many) == len(few)
