"""Withdrawn consent comes back only by the person's own confirmed opt-in."""

import re
import time
from datetime import timedelta

import pytest
from django.core import mail, signing

from tandem.core.errors import DomainError
from tandem.core.models import DomainEvent
from tandem.crm import consent, services
from tandem.crm.models import Contact
from tandem.factories.campaigns import CampaignFactory


@pytest.fixture
def withdrawn(org):
    ruth = services.create_contact(
        actor=org.sales_rep, first_name="Ruth", email="ruth@harrogate.example"
    )
    return services.set_consent(
        actor=org.sales_rep, contact=ruth, consent=False, source="Phone call: asked us to stop"
    )


@pytest.fixture
def webinar(org):
    return CampaignFactory(owner=org.marketer, name="Heat-pump webinar")


def _link(message) -> str:
    return re.search(r"http\S+/consent/confirm/(\S+)/", message.body).group(1)


def test_the_public_form_cannot_turn_withdrawn_consent_back_on(
    client, withdrawn, webinar, django_capture_on_commit_callbacks
):
    """The probe's attack: anyone posts the form with her address and the box ticked.
    Her consent stays withdrawn; she is e-mailed a link, and only her confirming it
    restores consent, recorded with where the request came from."""
    post = {"email": "Ruth@Harrogate.example", "consent": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/f/{webinar.form_key}/", post).status_code == 200
    withdrawn.refresh_from_db()
    assert withdrawn.marketing_consent is False
    assert withdrawn.consent_source == "Phone call: asked us to stop"
    [sent] = mail.outbox
    assert sent.to == ["ruth@harrogate.example"] and "confirm" in sent.subject
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/f/{webinar.form_key}/", post)  # again: no second e-mail this hour
    assert len(mail.outbox) == 1
    token = _link(sent)
    page = client.get(f"/consent/confirm/{token}/")
    assert page.status_code == 200 and "Would you like our news" in page.content.decode()
    withdrawn.refresh_from_db()
    assert withdrawn.marketing_consent is False  # opening the link is not saying yes
    done = client.post(f"/consent/confirm/{token}/")
    assert done.status_code == 200 and "Thank you" in done.content.decode()
    withdrawn.refresh_from_db()
    assert withdrawn.marketing_consent is True
    assert withdrawn.consent_source == "confirmed by e-mail link (web form: Heat-pump webinar)"
    names = list(DomainEvent.objects.filter(subject_id=withdrawn.pk).values_list("name", flat=True))
    assert "contact.opt_in_requested" in names
    confirmed = DomainEvent.objects.filter(name="contact.consent_changed").last()
    assert confirmed.data == {"consent": True, "confirmed": True}
    history = withdrawn.history.order_by("-history_date").first()
    assert history.marketing_consent is True


def test_a_colleague_cannot_set_it_back_but_can_ask(
    org, withdrawn, django_capture_on_commit_callbacks
):
    with pytest.raises(DomainError) as refused:
        services.set_consent(actor=org.sales_rep, contact=withdrawn, consent=True, source="Call")
    assert refused.value.code == "consent_withdrawn" and refused.value.field == "consent"
    assert "only they can give it back" in refused.value.message
    with django_capture_on_commit_callbacks(execute=True):
        assert consent.ask_to_opt_in(actor=org.sales_rep, contact=withdrawn) is True
        assert consent.ask_to_opt_in(actor=org.sales_rep, contact=withdrawn) is False  # hour
    assert len(mail.outbox) == 1
    with pytest.raises(DomainError) as other_team:
        consent.ask_to_opt_in(actor=org.front_liner, contact=withdrawn)
    assert other_team.value.code == "forbidden"
    agreed = services.create_contact(actor=org.sales_rep, email="yes@example.com")
    with pytest.raises(DomainError) as not_needed:
        consent.ask_to_opt_in(actor=org.sales_rep, contact=agreed)
    assert not_needed.value.field == "consent"
    # Withdrawing, and recording "not asked", stay a colleague's to record.
    services.set_consent(actor=org.sales_rep, contact=agreed, consent=False, source="Letter")


def test_the_api_refuses_with_409_and_sends_the_link(live_org, api_for):
    ruth = services.create_contact(actor=live_org.sales_rep, email="ruth@example.com")
    services.set_consent(actor=live_org.sales_rep, contact=ruth, consent=False, source="Call")
    api = api_for(live_org.sales_rep)
    answer = api.post(f"/contacts/{ruth.pk}/consent", json={"consent": True, "source": "Call"})
    assert answer.status_code == 409 and answer.json()["details"]["field"] == "consent"
    assert answer.json()["code"] == "consent_withdrawn"
    asked = api.post(f"/contacts/{ruth.pk}/consent/opt-in-request")
    assert asked.status_code == 202 and asked.json() == {"sent": True}
    assert Contact.objects.get(pk=ruth.pk).marketing_consent is False


def test_links_that_are_forged_stale_or_for_another_address_do_nothing(
    client, org, withdrawn, monkeypatch
):
    token = consent.opt_in_link_token(withdrawn, "web form: x")
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.post(f"/consent/confirm/{forged}/").status_code == 404
    services.update_contact(actor=org.sales_rep, contact=withdrawn, email="new@harrogate.example")
    answer = client.post(f"/consent/confirm/{token}/")
    assert answer.status_code == 404 and "no longer works" in answer.content.decode()
    fresh = consent.opt_in_link_token(withdrawn, "web form: x")
    # Signed eight days ago: past the link's seven.
    eight_days_ago = time.time() - timedelta(days=8).total_seconds()
    monkeypatch.setattr(signing.time, "time", lambda: eight_days_ago)
    expired = consent.opt_in_link_token(withdrawn, "web form: x")
    monkeypatch.undo()
    assert client.post(f"/consent/confirm/{expired}/").status_code == 404
    assert client.get(f"/consent/confirm/{fresh}/").status_code == 200  # valid until erased
    services.erase_contact(actor=org.sales_head, contact=withdrawn)
    assert client.post(f"/consent/confirm/{fresh}/").status_code == 404
    withdrawn.refresh_from_db()
    assert withdrawn.marketing_consent is None  # erased, never re-consented
