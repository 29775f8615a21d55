"""Referral pages: "Refer to sales" on a contact page, "Refer a customer" for a walk-in
or a caller, the referrals one made, and the referral on the lead's page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.crm import services as crm
from tandem.crm.models import Contact
from tandem.handoff import lifecycle, referrals
from tandem.handoff.models import Lead, Referral


@pytest.fixture
def jane(org):
    return crm.create_contact(
        actor=org.marketer, first_name="Jane", last_name="Doe", email="jane@home.test"
    )


def text(response):
    return response.content.decode()


def test_refer_to_sales_from_the_contact_page(client, org, contract, jane):
    client.force_login(org.front_liner)
    page = text(client.get(f"/contacts/{jane.pk}/"))
    assert "Refer Jane Doe to sales" in page and f'action="/contacts/{jane.pk}/refer/"' in page
    done = client.post(
        f"/contacts/{jane.pk}/refer/",
        {"interest": "A quote for solar", "note": "Call after 5pm", "urgency": "urgent"},
        follow=True,
    )
    said = text(done)
    assert done.redirect_chain[-1][0] == f"/contacts/{jane.pk}/"
    assert "Jane Doe is with Sam Rep in sales now, to be accepted or sent back by" in said
    referral = Referral.objects.get()
    assert (referral.interest, referral.note, referral.urgency) == (
        "A quote for solar",
        "Call after 5pm",
        "urgent",
    )
    # Referred: the panel says with whom, and links the lead instead of a second form.
    assert "is already with sales: Sam Rep has their lead" in said
    assert (
        f'href="/leads/{jane.pk}/"' in said
        and 'action="/contacts/' not in said.split("Refer to sales")[1].split("</article>")[0]
    )


def test_a_second_referral_says_so_and_links_the_lead(client, org, contract, jane):
    referrals.refer_contact(actor=org.marketer, contact=jane, interest="Solar")
    client.force_login(org.front_liner)
    again = client.post(f"/contacts/{jane.pk}/refer/", {"interest": "Solar", "urgency": "normal"})
    assert again.status_code == 422
    assert "Jane Doe is already with sales" in text(again)
    assert f'href="/leads/{jane.pk}/">Open their lead' in text(again)
    assert Referral.objects.count() == 1
    # The page itself, asked for by address, says so before anything is typed.
    assert "Jane Doe is already with sales" in text(client.get(f"/contacts/{jane.pk}/refer/"))


def test_refer_a_walk_in(client, org, contract):
    client.force_login(org.front_liner)
    page = client.get("/referrals/new/")
    assert page.status_code == 200 and "Refer a customer" in text(page)
    empty = client.post("/referrals/new/", {"interest": "Solar", "urgency": "normal"})
    assert empty.status_code == 422 and "Give the customer&#x27;s name." in text(empty)
    done = client.post(
        "/referrals/new/",
        {
            "first_name": "Wanda",
            "last_name": "Walker",
            "email": "wanda@walker.test",
            "interest": "Solar for the bakery",
            "urgency": "normal",
            "consent": "yes",
        },
        follow=True,
    )
    said = text(done)
    assert done.redirect_chain[-1][0] == "/referrals/"
    assert "Wanda Walker is with Sam Rep in sales now" in said
    assert "What they said about marketing is recorded." in said
    wanda = Contact.objects.get(email="wanda@walker.test")
    assert wanda.marketing_consent is True and wanda.owner == org.front_liner
    assert "Solar for the bakery" in said and "With sales" in said  # the list, with it


def test_a_walk_in_already_with_sales_is_linked_not_referred(client, org, contract, jane):
    referrals.refer_contact(actor=org.marketer, contact=jane, interest="Solar")
    client.force_login(org.front_liner)
    again = client.post(
        "/referrals/new/",
        {"first_name": "Jane", "email": "JANE@home.test", "interest": "x", "urgency": "normal"},
    )
    assert again.status_code == 422
    assert "already with sales" in text(again) and f"/leads/{jane.pk}/" in text(again)
    assert Contact.objects.count() == 1


def test_outsiders_see_no_referral_pages(client, org, jane):
    client.force_login(org.outsider)
    assert client.get("/referrals/").status_code == 404
    assert client.get("/referrals/new/").status_code == 404
    assert client.post(f"/contacts/{jane.pk}/refer/", {"interest": "x"}).status_code == 404
    assert client.get(f"/contacts/{jane.pk}/").status_code == 404
    assert not Referral.objects.exists()


def test_the_lead_page_shows_who_referred_and_what_they_wrote(client, org, contract, jane):
    referrals.refer_contact(
        actor=org.front_liner, contact=jane, interest="A heat pump", note="Has an old boiler"
    )
    client.force_login(org.sales_rep)
    page = text(client.get(f"/leads/{jane.pk}/"))
    assert "Referred by Fran Branch" in page and "(Leeds Branch)" in page
    assert "Would like: A heat pump" in page and "Has an old boiler" in page
    assert "Source: Branch" in page


def _referred(org, n, *, by=None):
    contact = crm.create_contact(actor=org.marketer, first_name="Cust", email=f"c{n}@home.test")
    return referrals.refer_contact(
        actor=by or org.front_liner, contact=contact, interest=f"Interest {n}"
    ).referral


def test_my_referrals_and_a_heads_team_tab(client, org, contract):
    from tandem.factories.people import MembershipFactory, UserFactory

    mine = _referred(org, 1)
    colleague = UserFactory(full_name="Col League")
    MembershipFactory(user=colleague, team=org.front_line)
    theirs = _referred(org, 2, by=colleague)
    client.force_login(org.front_liner)
    page = text(client.get("/referrals/"))
    assert "Interest 1" in page and "Interest 2" not in page
    assert "My team's" not in page  # not a head
    assert "Interest 1" in text(client.get("/referrals/?whose=team"))  # mine only still
    head = UserFactory(full_name="Branch Head")
    MembershipFactory(user=head, team=org.front_line, role="head")
    client.force_login(head)
    team = text(client.get("/referrals/?whose=team"))
    assert "Interest 1" in team and "Interest 2" in team and "by Col League" in team
    assert mine.pk != theirs.pk


def test_the_referrals_list_reads_in_the_same_queries_for_many(client, org, contract):
    def grow(n, start):
        for i in range(start, start + n):
            referral = _referred(org, i)
            lead = Lead.objects.get(pk=referral.lead_id)
            if i % 3 == 1:
                lifecycle.accept(actor=org.sales_rep, lead=lead)
            elif i % 3 == 2:
                lifecycle.reject(actor=org.sales_rep, lead=lead, reason="no-budget", note="No")

    grow(2, 0)
    client.force_login(org.front_liner)
    client.get("/referrals/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/referrals/").status_code == 200
    grow(12, 10)
    with CaptureQueriesContext(connection) as many:
        page = text(client.get("/referrals/"))
    assert "Sent back" in page and "Accepted" in page
    assert len(many) == len(few)
