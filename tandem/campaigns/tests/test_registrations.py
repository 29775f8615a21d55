"""What campaigns adds to crm through crm's registries (crm does not import campaigns):
touches on the timeline, the contact pages' campaign sections, the visitor ids erasure
wipes, and ``tandem import touchpoints``."""

from tandem.campaigns.capture import ingest_touchpoints
from tandem.campaigns.models import Touchpoint
from tandem.crm import services
from tandem.crm.import_kinds import import_kind, import_kind_names
from tandem.crm.timeline import kinds, sides, timeline
from tandem.factories.campaigns import CampaignFactory


def touch(org, contact, key="t1", visitor="cookie-1"):
    ingest_touchpoints(
        actor=org.marketer,
        rows=[
            {
                "idempotency_key": key,
                "kind": "visit",
                "visitor_id": visitor,
                "email": contact.email,
                "occurred_at": "2026-11-01T10:00:00Z",
            }
        ],
    )
    return Touchpoint.objects.get(idempotency_key=key)


def test_the_timeline_shows_touches_beside_activities(org, contact):
    touch(org, contact)
    services.log_activity(actor=org.marketer, kind="call", subject="Called", contact=contact)
    # Apps above add sides of their own (collateral's uses with a customer).
    assert (
        sides("contact").items() >= {"activity": "Activities", "touch": "Marketing touches"}.items()
    )
    assert "touch" not in sides("opportunity")  # touches are a person's, not a deal's
    assert ("visit", "Visit") in [(k, str(label)) for k, label in kinds()]
    assert [e["side"] for e in timeline(contact_id=contact.pk)] == ["activity", "touch"]
    assert [e["side"] for e in timeline(contact_id=contact.pk, side="touch")] == ["touch"]
    assert [e["entry_kind"] for e in timeline(contact_id=contact.pk, kind="visit")] == ["visit"]
    by_account = timeline(account_id=contact.account_id)
    assert sorted(e["side"] for e in by_account) == ["activity", "touch"]


def test_the_contact_page_shows_the_campaigns_section(client, org, contact):
    campaign = CampaignFactory(owner=org.marketer, name="Spring webinar")
    client.force_login(org.marketer)
    page = client.get(f"/contacts/{contact.pk}/").content.decode()
    assert 'id="campaigns-heading">Campaigns</h2>' in page
    assert "No campaign has targeted or reached them yet." in page
    assert f'<option value="{campaign.pk}">Spring webinar</option>' in page
    rows = client.get("/contacts/").content.decode()
    assert "in a campaign</summary>" in rows and "Spring webinar (" in rows


def test_erasing_a_contact_wipes_their_touch_visitor_ids(org, contact):
    stored = touch(org, contact, visitor="cookie-ann")
    services.erase_contact(actor=org.admin, contact=contact)
    stored.refresh_from_db()
    assert stored.visitor_id == "" and stored.contact_id == contact.pk


def test_the_import_command_knows_touchpoints(org):
    assert import_kind_names() == ["contacts", "opportunities", "touchpoints"]
    assert import_kind("touchpoints").job_kind == "campaigns.import_touchpoints"
