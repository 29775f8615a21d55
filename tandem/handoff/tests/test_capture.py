"""Capturing touches is a permission of its own: touches move scores and make MQLs.

People capture by hand if the permission table says so (marketing, administrators);
an integration's token only with an administrator's grant. Every touch records who
captured it and through what, and the audit trail shows it.
"""

import pytest
from django.utils import timezone

from tandem.api.services import create_token, find_token_for_grant, set_capture_grant
from tandem.campaigns import capture
from tandem.campaigns.models import Touchpoint
from tandem.core.errors import DomainError
from tandem.core.models import DomainEvent
from tandem.factories.campaigns import CampaignFactory
from tandem.handoff.models import Lead


def _forms(n, email="target@example.com"):
    now = timezone.now().isoformat()
    return [
        {"idempotency_key": f"f{i}", "kind": "form", "email": email, "occurred_at": now}
        for i in range(n)
    ]


def test_a_staff_token_without_a_grant_cannot_manufacture_mqls(live_org, api_for):
    """The probe's attack: ten form touches through a sales rep's write token. Refused,
    and nothing is stored: no touch, no contact, no lead."""
    rep = api_for(live_org.sales_rep)
    answer = rep.post("/touchpoints/bulk", json={"touchpoints": _forms(10)})
    assert answer.status_code == 403, answer.text
    assert answer.json()["code"] == "forbidden"
    assert "administrator grants" in answer.json()["message"]
    assert not Touchpoint.objects.exists() and not Lead.objects.exists()
    # Even a marketer, who may capture by hand, needs the grant on the token.
    marketer = api_for(live_org.marketer)
    assert marketer.post("/touchpoints/bulk", json={"touchpoints": _forms(1)}).status_code == 403
    files = {"file": ("t.csv", b"idempotency_key,kind,occurred_at,email\n")}
    assert marketer.post("/imports/touchpoints", files=files).status_code == 403


def test_a_granted_token_captures_and_every_touch_says_through_what(live_org, api_for):
    api = api_for(live_org.marketer, capture=True)
    answer = api.post("/touchpoints/bulk", json={"touchpoints": _forms(2)})
    assert answer.status_code == 200, answer.text
    token = live_org.marketer.api_tokens.get()
    touches = list(Touchpoint.objects.values_list("captured_by_id", "captured_via"))
    assert touches == [(live_org.marketer.pk, f"API token {token.display}")] * 2
    event = DomainEvent.objects.get(name="touchpoints.ingested")
    assert (event.actor_id, event.source) == (live_org.marketer.pk, "api")
    assert event.data == {"created": 2, "via": f"API token {token.display}"}
    granted = DomainEvent.objects.get(name="api_token.capture_granted")
    assert granted.data == {"key_id": token.key_id, "owner_id": live_org.marketer.pk}


def test_only_administrators_grant_and_a_withdrawn_grant_stops_capture(org):
    token, _ = create_token(actor=org.marketer, name="website", scope="write")
    for persona in ("marketer", "marketing_head", "sales_head", "executive"):
        with pytest.raises(DomainError) as refused:
            find_token_for_grant(actor=getattr(org, persona), key=token.display)
        assert refused.value.code == "forbidden"
        assert refused.value.message == "You are not allowed to grant permissions to tokens."
    found = find_token_for_grant(actor=org.admin, key=f"tdm_{token.key_id}")
    assert set_capture_grant(actor=org.admin, token=found, granted=True).may_capture
    set_capture_grant(actor=org.admin, token=found, granted=False)
    found.refresh_from_db()
    assert not found.may_capture
    with pytest.raises(DomainError) as unknown:
        find_token_for_grant(actor=org.admin, key="tdm_000000000000")
    assert unknown.value.field == "key"
    reader, _ = create_token(actor=org.marketer, name="reports", scope="read")
    with pytest.raises(DomainError) as read_only:
        set_capture_grant(actor=org.admin, token=reader, granted=True)
    assert "read-write" in read_only.value.message


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("marketer", True),
        ("marketing_head", True),
        ("admin", True),
        ("sales_rep", False),
        ("sales_head", False),
        ("front_liner", False),
        ("executive", False),
        ("outsider", False),
    ],
)
def test_who_captures_by_hand_is_the_permission_tables(org, persona, allowed):
    actor = getattr(org, persona)
    assert capture.may_capture(actor) is allowed
    if allowed:
        result = capture.ingest_touchpoints(actor=actor, rows=_forms(1), via="file import")
        assert result.created == 1
        assert Touchpoint.objects.get().captured_via == "file import"
    else:
        with pytest.raises(DomainError) as refused:
            capture.ingest_touchpoints(actor=actor, rows=_forms(1))
        assert refused.value.code == "forbidden"
        assert not Touchpoint.objects.exists()


def test_the_token_page_lets_an_administrator_grant_and_withdraw(client, org):
    token, _ = create_token(actor=org.marketer, name="website", scope="write")
    client.force_login(org.marketer)
    assert client.post("/settings/tokens/capture/", {"key": token.display}).status_code == 403
    page = client.get("/settings/tokens/").content.decode()
    assert "give an administrator the token" in page  # how a non-administrator gets capture
    client.force_login(org.admin)
    answer = client.post("/settings/tokens/capture/", {"key": token.display}, follow=True)
    assert "may now capture touches" in answer.content.decode()
    token.refresh_from_db()
    assert token.may_capture and token.capture_granted_by == org.admin
    granted = DomainEvent.objects.get(name="api_token.capture_granted")
    assert (granted.actor_id, granted.source, granted.subject_id) == (org.admin.pk, "web", token.pk)
    assert token.display in client.get("/settings/tokens/").content.decode()
    bad = client.post("/settings/tokens/capture/", {"key": "tdm_nothere"}, follow=True)
    assert "No live token has the id" in bad.content.decode()
    client.post(f"/settings/tokens/{token.pk}/capture/withdraw/")
    token.refresh_from_db()
    assert not token.may_capture
    client.force_login(org.marketer)  # only administrators reach the withdraw action
    assert client.post(f"/settings/tokens/{token.pk}/capture/withdraw/").status_code == 404


def test_the_web_form_records_its_door(org, client):
    campaign = CampaignFactory(owner=org.marketer)
    client.post(f"/f/{campaign.form_key}/", {"email": "w@example.com"})
    assert Touchpoint.objects.get().captured_via == "web form"


def test_the_token_page_costs_the_same_queries_however_many_tokens_are_granted(client, org):
    """Each granted token names who granted it: read with the tokens, not one by one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def grant_more(n):
        for i in range(n):
            made, _ = create_token(actor=org.admin, name=f"integration {i}", scope="write")
            set_capture_grant(actor=org.admin, token=made, granted=True)

    client.force_login(org.admin)
    grant_more(1)
    with CaptureQueriesContext(connection) as one:
        assert client.get("/settings/tokens/").status_code == 200
    grant_more(8)
    with CaptureQueriesContext(connection) as nine:
        assert client.get("/settings/tokens/").status_code == 200
    assert len(nine) == len(one)
