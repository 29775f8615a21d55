"""The NUL character: PostgreSQL cannot store it in text, so a value holding one used to
fail deep inside a write or a search with a 500. It is refused at the door instead,
naming the field, and nothing is written."""

import pytest
from django.core.cache import cache
from django.utils import timezone

from tandem.campaigns.models import Touchpoint
from tandem.crm.models import Contact
from tandem.factories.campaigns import CampaignFactory


def test_api_bodies_name_the_field_and_bulk_rows_are_refused_one_by_one(live_org, api_for):
    api = api_for(live_org.marketer, capture=True)
    answer = api.post("/contacts", json={"email": "ann@co.example", "first_name": "Ann\u0000"})
    assert answer.status_code == 422, answer.text
    error = answer.json()
    assert error["code"] == "invalid" and "first_name" in error["message"]
    assert [e["field"] for e in error["details"]["errors"]] == ["first_name"]
    assert "NUL" in error["details"]["errors"][0]["message"]
    # Nested, and in a list of texts.
    answer = api.post(
        "/scoring/models",
        json={"threshold": 50, "half_life_days": 30, "rules": [{"kind": "fit\u0000"}]},
    )
    assert answer.status_code == 422, answer.text
    assert "rules.0.kind" in [e["field"] for e in answer.json()["details"]["errors"]]
    assert not Contact.objects.exists()

    # The bulk touch API reports a bad row and keeps the rest, NUL included.
    now = timezone.now().isoformat()
    touches = [
        {"idempotency_key": "k1", "kind": "visit", "email": "a@co.example", "occurred_at": now},
        {
            "idempotency_key": "k2",
            "kind": "visit",
            "email": "b@co.example",
            "utm_source": "news\u0000letter",
            "occurred_at": now,
        },
    ]
    answer = api.post("/touchpoints/bulk", json={"touchpoints": touches})
    assert answer.status_code == 200, answer.text
    assert answer.json()["created"] == 1
    assert [(r["row"], r["field"]) for r in answer.json()["rejected"]] == [(1, "utm_source")]
    assert list(Touchpoint.objects.values_list("idempotency_key", flat=True)) == ["k1"]

    # An escaped backslash followed by "u0000" is ordinary text, not a NUL.
    text = api.post("/contacts", json={"email": "bo@co.example", "first_name": "Bo\\u0000"})
    assert text.status_code == 201, text.text
    assert Contact.objects.get(email="bo@co.example").first_name == "Bo\\u0000"


def test_the_bulk_contact_api_refuses_a_nul_row_and_keeps_the_rest(live_org, api_for):
    rows = [
        {"email": "ann@co.example", "first_name": "Ann"},
        {"email": "bo@co.example", "first_name": "Bo\u0000"},
    ]
    answer = api_for(live_org.marketer).post("/contacts/bulk", json={"contacts": rows})
    assert answer.status_code == 200, answer.text
    assert answer.json()["created"] == 1
    assert [r["row"] for r in answer.json()["rejected"]] == [1]
    assert "NUL" in answer.json()["rejected"][0]["message"]
    assert list(Contact.objects.values_list("email", flat=True)) == ["ann@co.example"]


def test_api_query_names_the_parameter(live_org, api_for):
    answer = api_for(live_org.marketer).get("/contacts", params={"q": "ann\x00"})
    assert answer.status_code == 422, answer.text
    assert answer.json()["details"]["field"] == "q"


def test_form_posts_answer_400_and_write_nothing(client, org):
    cache.clear()
    campaign = CampaignFactory(owner=org.marketer)
    posted = client.post(
        f"/f/{campaign.form_key}/", {"email": "ann@co.example", "first_name": "Ann\x00"}
    )
    assert posted.status_code == 400
    assert "first_name" in posted.content.decode()
    assert not Contact.objects.exists()
    assert client.get("/f/abc\x00/").status_code == 400

    # A page's query string only reads: there a NUL is a space (see test_search).
    client.force_login(org.marketer)
    assert client.get("/leads/", {"stage": "mql\x00", "q": "\x00"}).status_code == 200


@pytest.mark.parametrize("value", ["", "plain", "naïve ✓", "<script>alert(1)</script>"])
def test_ordinary_text_passes(client, org, value):
    client.force_login(org.marketer)
    assert client.get("/contacts/", {"q": value}).status_code == 200
