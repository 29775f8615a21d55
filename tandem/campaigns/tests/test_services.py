"""Campaign rules, batch touch ingest and web-form capture."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from tandem.campaigns import capture, services
from tandem.campaigns.models import Campaign, CampaignMember, Touchpoint
from tandem.campaigns.tests.conftest import make_campaign
from tandem.core.errors import DomainError
from tandem.crm.models import Contact


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_on": date(2026, 2, 1)}, "ends_on"),
        ({"planned_budget": "-1"}, "planned_budget"),
        ({"type": "billboard"}, "type"),
        ({"name": ""}, "name"),
        ({"currency": "££"}, "currency"),
    ],
)
def test_bad_campaigns_name_the_field(org, overrides, field):
    with pytest.raises(DomainError) as error:
        make_campaign(org.marketer, **overrides)
    assert error.value.field == field
    assert not Campaign.objects.exists()


def test_costs_cannot_be_negative_and_cut_campaigns_stay_cut(org):
    campaign = make_campaign(org.marketer)
    with pytest.raises(DomainError) as error:
        services.add_cost(
            actor=org.marketer,
            campaign=campaign,
            incurred_on=date(2026, 3, 2),
            amount="-50",
            description="Refund?",
        )
    assert error.value.field == "amount"
    services.add_cost(
        actor=org.marketer,
        campaign=campaign,
        incurred_on=date(2026, 3, 2),
        amount="1200.00",
        description="Webinar platform",
    )
    services.set_status(actor=org.marketer, campaign=campaign, status="cut")
    with pytest.raises(DomainError) as restarted:
        services.set_status(actor=org.marketer, campaign=campaign, status="live")
    assert (restarted.value.code, restarted.value.status) == ("campaign_cut", 409)
    with pytest.raises(DomainError) as forbidden:  # sales can read, not change, marketing's
        services.set_status(actor=org.sales_rep, campaign=campaign, status="finished")
    assert forbidden.value.code == "forbidden"


def _touch(key, **fields):
    return {
        "idempotency_key": key,
        "kind": "visit",
        "occurred_at": timezone.now().isoformat(),
        **fields,
    }


def test_resending_a_batch_never_duplicates(org):
    campaign = make_campaign(org.marketer)
    batch = [_touch(f"k{n}", email=f"p{n}@example.com", campaign_id=campaign.pk) for n in range(5)]
    first = capture.ingest_touchpoints(actor=org.marketer, rows=batch)
    again = capture.ingest_touchpoints(actor=org.marketer, rows=batch)
    assert (first.created, first.duplicates) == (5, 0)
    assert (again.created, again.duplicates) == (0, 5)
    assert Touchpoint.objects.count() == 5 and Contact.objects.count() == 5


def test_duplicates_inside_one_batch_are_counted_once(org):
    result = capture.ingest_touchpoints(
        actor=org.marketer, rows=[_touch("same", email="a@example.com")] * 3
    )
    assert (result.created, result.duplicates) == (1, 2)


def test_bad_rows_are_reported_and_the_good_ones_stored(org):
    future = (timezone.now() + timedelta(hours=2)).isoformat()
    rows = [
        _touch("ok", email="ok@example.com"),
        _touch("future", email="f@example.com", occurred_at=future),
        _touch("naive", email="n@example.com", occurred_at="2026-11-01T10:00:00"),
        _touch("utm", email="u@example.com", utm_campaign="x" * 10_000),
        _touch("campaign", email="c@example.com", campaign_id=987654),
        _touch("nobody"),
        _touch("mail", email="not an email"),
        _touch("kind", email="k@example.com", kind="telepathy"),
        {"kind": "visit", "email": "nokey@example.com"},
        _touch("contact", contact_id=987654),
        "not even an object",
        _touch("text id", contact_id="abc"),
        _touch("huge id", contact_id=10**30),
        _touch("bool id", contact_id=True),
        _touch("campaign text", email="ct@example.com", campaign_id="1"),
        _touch("value", email="v@example.com", value="-5"),
        _touch("campaign huge", email="ch@example.com", campaign_id=10**30),
        _touch("nul", email="nul@example.com", utm_source="news\x00letter"),
    ]
    result = capture.ingest_touchpoints(actor=org.marketer, rows=rows)
    assert result.created == 1
    rejected = {r["row"]: r["field"] for r in result.rejected}
    assert rejected == {
        1: "occurred_at",
        2: "occurred_at",
        3: "utm_campaign",
        4: "campaign_id",
        5: "contact_id",
        6: "email",
        7: "kind",
        8: "idempotency_key",
        9: "contact_id",
        10: None,
        11: "contact_id",
        12: "contact_id",
        13: "contact_id",
        14: "campaign_id",
        15: "value",
        16: "campaign_id",
        17: "utm_source",
    }
    assert list(Touchpoint.objects.values_list("idempotency_key", flat=True)) == ["ok"]


def test_out_of_order_touches_are_fine(org):
    earlier = (timezone.now() - timedelta(days=30)).isoformat()
    capture.ingest_touchpoints(actor=org.marketer, rows=[_touch("new", email="a@example.com")])
    capture.ingest_touchpoints(
        actor=org.marketer, rows=[_touch("old", email="a@example.com", occurred_at=earlier)]
    )
    keys = list(
        Touchpoint.objects.order_by("occurred_at").values_list("idempotency_key", flat=True)
    )
    assert keys == ["old", "new"]


def test_batches_are_capped(org):
    with pytest.raises(DomainError) as error:
        capture.ingest_touchpoints(
            actor=org.marketer, rows=[_touch(f"k{n}", email="a@example.com") for n in range(1001)]
        )
    assert "1000" in error.value.message
    assert not Touchpoint.objects.exists()


def test_an_anonymous_visitor_is_stitched_when_they_identify(org):
    capture.ingest_touchpoints(
        actor=org.marketer,
        rows=[
            _touch("v1", visitor_id="visitor-42"),
            _touch("v2", visitor_id="visitor-42"),
        ],
    )
    assert Touchpoint.objects.filter(contact__isnull=True).count() == 2
    capture.ingest_touchpoints(
        actor=org.marketer,
        rows=[
            _touch("v3", visitor_id="visitor-42", email="Jane@Example.com", kind="form"),
        ],
    )
    jane = Contact.objects.get(email="jane@example.com")
    assert Touchpoint.objects.filter(contact=jane).count() == 3


def test_stitching_many_visitors_is_one_update(org, django_assert_max_num_queries):
    capture.ingest_touchpoints(
        actor=org.marketer, rows=[_touch(f"anon{n}", visitor_id=f"visitor-{n}") for n in range(50)]
    )
    rows = [
        _touch(f"known{n}", visitor_id=f"visitor-{n}", email=f"p{n}@example.com") for n in range(50)
    ]
    with django_assert_max_num_queries(25):
        capture.ingest_touchpoints(actor=org.marketer, rows=rows)
    assert not Touchpoint.objects.filter(contact__isnull=True).exists()
    assert Touchpoint.objects.filter(contact__email="p7@example.com").count() == 2


def test_outsiders_cannot_ingest(org):
    with pytest.raises(DomainError):
        capture.ingest_touchpoints(actor=org.outsider, rows=[_touch("x", email="a@b.com")])


# --- Web forms -----------------------------------------------------------------------------
@pytest.fixture
def form_campaign(org):
    cache.clear()
    return make_campaign(org.marketer, name="Battery guide", channel="content", type="content")


def test_a_form_creates_the_contact_records_consent_and_a_touch(org, form_campaign):
    result = capture.capture_form(
        form_key=form_campaign.form_key,
        ip="203.0.113.9",
        data={
            "email": "Ruth@Harrogate.example",
            "first_name": "Ruth",
            "consent": "on",
            "utm_source": "newsletter",
            "utm_medium": "email",
            "utm_campaign": "spring",
        },
    )
    ruth = result.contact
    assert ruth.email == "ruth@harrogate.example" and ruth.first_name == "Ruth"
    assert ruth.marketing_consent is True and "Battery guide" in ruth.consent_source
    touch = Touchpoint.objects.get(contact=ruth)
    assert (touch.kind, touch.utm_source, touch.campaign) == ("form", "newsletter", form_campaign)
    assert CampaignMember.objects.get(contact=ruth).status == "responded"


def test_a_form_never_overwrites_what_sales_typed(org, form_campaign):
    from tandem.crm.services import create_contact

    create_contact(
        actor=org.sales_rep, first_name="Ruth", last_name="Bailey", email="ruth@harrogate.example"
    )
    capture.capture_form(
        form_key=form_campaign.form_key,
        ip="203.0.113.9",
        data={"email": "ruth@harrogate.example", "first_name": "R.", "last_name": "Bailey-Smith"},
    )
    ruth = Contact.objects.get(email="ruth@harrogate.example")
    assert (ruth.first_name, ruth.last_name) == ("Ruth", "Bailey")
    assert Contact.objects.count() == 1


def test_a_double_click_is_one_touch(org, form_campaign):
    for _ in range(2):
        capture.capture_form(
            form_key=form_campaign.form_key, ip="203.0.113.9", data={"email": "a@example.com"}
        )
    assert Touchpoint.objects.count() == 1


def test_bots_filling_the_honeypot_store_nothing(org, form_campaign):
    result = capture.capture_form(
        form_key=form_campaign.form_key,
        ip="203.0.113.9",
        data={"email": "bot@spam.example", "website": "http://x"},
    )
    assert result.contact is None
    assert not Contact.objects.exists() and not Touchpoint.objects.exists()


def test_a_flood_from_one_address_is_stopped(org, form_campaign):
    for n in range(settings.FORM_RATE_LIMIT):
        capture.capture_form(
            form_key=form_campaign.form_key, ip="198.51.100.7", data={"email": f"p{n}@example.com"}
        )
    with pytest.raises(DomainError) as error:
        capture.capture_form(
            form_key=form_campaign.form_key,
            ip="198.51.100.7",
            data={"email": "one.more@example.com"},
        )
    assert error.value.code == "rate_limited"
    capture.capture_form(
        form_key=form_campaign.form_key, ip="198.51.100.8", data={"email": "other@example.com"}
    )  # another address still works
    assert not Contact.objects.filter(email="one.more@example.com").exists()


def test_cut_campaigns_close_their_form(org, form_campaign):
    services.set_status(actor=org.marketer, campaign=form_campaign, status="cut")
    with pytest.raises(DomainError) as error:
        capture.capture_form(
            form_key=form_campaign.form_key, ip="203.0.113.9", data={"email": "a@example.com"}
        )
    assert error.value.code == "not_found"


def test_contacts_made_by_touches_have_their_creation_history(org):
    """A contact the ingest creates has its "+" history row, so its first edit by hand
    records what changed (it recorded nothing before)."""
    from tandem.core.history import history_entries
    from tandem.crm.services import update_contact

    capture.ingest_touchpoints(
        actor=org.marketer,
        rows=[_touch("a", email="new@example.com"), _touch("b", email="new@example.com")],
    )
    contact = Contact.objects.get(email="new@example.com")
    created = contact.history.get()
    assert (created.history_type, created.history_user_id) == ("+", org.marketer.pk)
    update_contact(actor=org.admin, contact=contact, first_name="Nia")
    newest = history_entries(contact)[0]
    assert newest["type"] == "changed"
    assert newest["changes"] == [{"field": "first name", "old": "", "new": "Nia"}]


@pytest.mark.parametrize(
    ("field", "value"),
    [("utm_campaign", "x" * 10_240), ("utm_source", "y" * 256), ("first_name", "R" * 101)],
)
def test_a_form_refuses_what_the_api_refuses_naming_the_field(client, form_campaign, field, value):
    """One rule for every door: the bulk API refuses a UTM value over 255 characters, so
    the form does too, instead of storing it cut short in silence."""
    post = {"email": "long@example.com", field: value}
    answer = client.post(f"/f/{form_campaign.form_key}/", post)
    assert answer.status_code == 422
    page = answer.content.decode()
    if field.startswith("utm_"):  # a hidden field: the visitor is told what to do
        assert f"{field}: {len(value):,} characters, 255 at most" in page
        assert "Open this form again from the page that shows it" in page
    else:
        assert f"({len(value)} given)" in page
    assert not Contact.objects.filter(email="long@example.com").exists()
    assert not Touchpoint.objects.exists()
    with pytest.raises(DomainError) as refused:
        capture.capture_form(form_key=form_campaign.form_key, data=post, ip="203.0.113.9")
    assert refused.value.field == field
