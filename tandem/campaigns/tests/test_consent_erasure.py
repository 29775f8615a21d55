"""Consent per contact, and erasure that removes personal data everywhere but keeps
anonymous aggregates; both in the audit log."""

from datetime import date

import pytest

from tandem.api.services import create_token
from tandem.campaigns.capture import ingest_touchpoints
from tandem.campaigns.models import Touchpoint
from tandem.campaigns.services import create_campaign
from tandem.core.errors import DomainError
from tandem.core.models import DomainEvent
from tandem.crm import services
from tandem.crm.models import Activity, Contact
from tandem.notifications.models import Comment, Notification
from tandem.notifications.services import post_comment


@pytest.fixture
def ruth(org):
    acme = services.create_account(actor=org.sales_rep, name="Harrogate Dental")
    ruth = services.create_contact(
        actor=org.sales_rep,
        first_name="Ruth",
        last_name="Bailey",
        email="ruth@harrogate.example",
        phone="01423 000000",
        account=acme,
    )
    services.update_contact(actor=org.sales_rep, contact=ruth, job_title="Practice Manager")
    services.log_activity(
        actor=org.sales_rep,
        kind="call",
        subject="Ruth's budget is £40k",
        body="Ruth said her husband decides",
        contact=ruth,
    )
    campaign = create_campaign(
        actor=org.marketer,
        name="Spring",
        type="email",
        channel="email",
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 3, 31),
    )
    ingest_touchpoints(
        actor=org.marketer,
        rows=[
            {
                "idempotency_key": "v1",
                "kind": "visit",
                "visitor_id": "cookie-123",
                "occurred_at": "2026-11-01T10:00:00Z",
            },
            {
                "idempotency_key": "f1",
                "kind": "form",
                "visitor_id": "cookie-123",
                "email": "ruth@harrogate.example",
                "campaign_id": campaign.pk,
                "occurred_at": "2026-11-02T10:00:00Z",
            },
        ],
    )
    post_comment(actor=org.sales_head, record=ruth, body="@sam Ruth Bailey wants a callback")
    return ruth


def test_consent_is_recorded_with_source_and_time(org, ruth):
    services.set_consent(actor=org.sales_rep, contact=ruth, consent=True, source="Phone call")
    ruth.refresh_from_db()
    assert ruth.marketing_consent is True and ruth.consent_source == "Phone call"
    assert ruth.consent_at is not None
    assert DomainEvent.objects.filter(name="contact.consent_changed").exists()
    with pytest.raises(DomainError) as error:
        services.set_consent(actor=org.sales_rep, contact=ruth, consent=False, source="")
    assert error.value.field == "consent_source"
    with pytest.raises(DomainError):
        services.set_consent(actor=org.marketer, contact=ruth, consent=False, source="x")


def test_erasure_removes_personal_data_everywhere_and_keeps_the_counts(org, ruth):
    services.erase_contact(actor=org.sales_head, contact=ruth)
    ruth.refresh_from_db()
    assert (ruth.first_name, ruth.last_name, ruth.email, ruth.phone, ruth.job_title) == (
        "",
        "",
        "",
        "",
        "",
    )
    assert str(ruth) == f"Erased contact #{ruth.pk}" and ruth.erased_at
    # Field history held the old values: gone.
    assert not ruth.history.exists()
    activity = Activity.objects.get(contact=ruth)
    assert activity.subject == "[erased]" and activity.body == ""
    assert not Activity.history.filter(id=activity.pk).exists()
    # Touchpoints stay for campaign counts, without the visitor id.
    assert Touchpoint.objects.filter(contact=ruth).count() == 2
    assert not Touchpoint.objects.filter(visitor_id="cookie-123").exists()
    assert Touchpoint.objects.filter(contact=ruth, campaign__name="Spring").count() == 1
    comment = Comment.objects.on(ruth).get()
    assert comment.body == "[erased]" and not comment.mentions.exists()
    assert not Comment.history.filter(id=comment.pk).exists()
    assert not Notification.objects.filter(text__contains="Ruth").exists()
    assert not Contact.objects.search("Ruth").exists()
    assert DomainEvent.objects.filter(name="contact.erased", subject_id=ruth.pk).exists()


def test_only_admins_and_heads_of_its_team_may_erase(org, ruth):
    for who in (org.marketer, org.sales_rep, org.marketing_head):
        with pytest.raises(DomainError) as error:
            services.erase_contact(actor=who, contact=ruth)
        assert error.value.code == "forbidden"
    services.erase_contact(actor=org.admin, contact=ruth)


def test_erasing_from_the_page_needs_the_word(client, org, ruth):
    client.force_login(org.sales_head)
    page = client.get(f"/contacts/{ruth.pk}/").content.decode()
    assert "Erase this person" in page
    client.post(f"/contacts/{ruth.pk}/erase/", {"confirm": "yes"})
    ruth.refresh_from_db()
    assert ruth.erased_at is None
    client.post(f"/contacts/{ruth.pk}/erase/", {"confirm": "ERASE"})
    ruth.refresh_from_db()
    assert ruth.erased_at is not None
    page = client.get(f"/contacts/{ruth.pk}/").content.decode()
    assert "Ruth" not in page and "was erased" in page
    edit = client.get(f"/contacts/{ruth.pk}/edit/")  # contact_erased: nothing left to edit
    assert edit.status_code == 409 and "This contact was erased." in edit.content.decode()
    client.force_login(org.marketer)
    assert "Erase this person" not in client.get(f"/contacts/{ruth.pk}/").content.decode()


def test_consent_and_edit_from_the_page(client, org, ruth):
    client.force_login(org.sales_rep)
    client.post(f"/contacts/{ruth.pk}/consent/", {"consent": "no", "source": "Unsubscribed"})
    ruth.refresh_from_db()
    assert ruth.marketing_consent is False
    response = client.post(
        f"/contacts/{ruth.pk}/edit/",
        {"first_name": "Ruth", "last_name": "Bailey-Smith", "email": "not valid"},
    )
    assert response.status_code == 422 and "not a valid e-mail" in response.content.decode()
    client.post(
        f"/contacts/{ruth.pk}/edit/",
        {"first_name": "Ruth", "last_name": "Bailey-Smith", "email": "ruth@harrogate.example"},
    )
    ruth.refresh_from_db()
    assert ruth.last_name == "Bailey-Smith"
    client.force_login(org.marketer)
    assert client.get(f"/contacts/{ruth.pk}/edit/").status_code == 403
    assert client.get(f"/accounts/{ruth.account_id}/edit/").status_code == 403
    client.force_login(org.sales_rep)
    saved = client.post(f"/accounts/{ruth.account_id}/edit/", {"name": "HDG", "domain": ""})
    assert saved.status_code == 302


def test_consent_and_erasure_through_the_api(client, org, ruth):
    _, raw = create_token(actor=org.sales_head, name="gdpr", scope="write")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    consent = client.post(
        f"/api/v1/contacts/{ruth.pk}/consent",
        {"consent": None, "source": "Reset by request"},
        content_type="application/json",
        **auth,
    )
    assert consent.status_code == 200 and consent.json()["marketing_consent"] is None
    erased = client.post(f"/api/v1/contacts/{ruth.pk}/erase", **auth)
    assert erased.status_code == 200 and erased.json()["email"] == ""
    assert erased.json()["erased_at"]
