"""What handoff adds to the registries of the apps below it: touch arrivals reach the
hand-off, and erasing a contact removes what sales wrote about the lead."""

from django.db import transaction

from tandem.campaigns.arrivals import touches_arrived
from tandem.crm import services as crm
from tandem.crm.models import Contact
from tandem.handoff import lifecycle
from tandem.handoff.models import Arrival, LifecycleEvent
from tandem.handoff.tests.conftest import hot_lead


def test_a_touch_arrival_reaches_handoff(org):
    contact = crm.create_contact(actor=org.marketer, email="eve@co.test", first_name="Eve")
    with transaction.atomic():
        touches_arrived([contact.pk], source="web form")
    assert list(Arrival.objects.values_list("contact_id", "source")) == [(contact.pk, "web form")]


def test_a_web_form_touch_arrives_through_the_registry(client, org):
    from tandem.factories.campaigns import CampaignFactory

    campaign = CampaignFactory(owner=org.marketer)
    answer = client.post(
        f"/f/{campaign.form_key}/",
        {"email": "walk.in@co.test", "first_name": "Walk", "last_name": "In"},
    )
    assert answer.status_code in (200, 302), answer.content
    contact = Contact.objects.get(email="walk.in@co.test")
    assert Arrival.objects.filter(contact=contact, source="web form").exists()


def test_erasing_a_contact_wipes_the_leads_notes(org, contract):
    lead = hot_lead(org)
    lifecycle.reject(actor=org.sales_rep, lead=lead, reason="no-budget", note="Call 0770")
    crm.erase_contact(actor=org.admin, contact=lead.contact)
    lead.refresh_from_db()
    assert lead.rejection_note == ""
    assert not LifecycleEvent.objects.filter(lead=lead).exclude(note="").exists()
