"""The public web form's rate limit: per client behind the load balancer, one minute,
and a flood does not keep itself (or anyone else) blocked."""

from datetime import date

import pytest
from django.conf import settings

from tandem.campaigns import capture, services
from tandem.core import ratelimit
from tandem.core.errors import DomainError
from tandem.crm.models import Contact

LB = "10.0.0.2"  # every request reaches Tandem from the load balancer


@pytest.fixture
def form_campaign(org):
    return services.create_campaign(
        actor=org.marketer,
        name="Battery guide",
        type="content",
        channel="content",
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 4, 30),
    )


def submit(campaign, ip, email):
    return capture.capture_form(form_key=campaign.form_key, ip=ip, data={"email": email})


def test_the_window_is_one_minute_and_refusals_do_not_extend_it(
    org, form_campaign, settings, monkeypatch
):
    settings.REDIS_URL = ""
    clock = [1_800_000_000_000]
    monkeypatch.setattr(ratelimit, "now_ms", lambda: clock[0])
    for n in range(settings.FORM_RATE_LIMIT):
        submit(form_campaign, "198.51.100.7", f"p{n}@example.com")
    # Refused again and again through the minute: each refusal leaves its end alone.
    for step in (1_000, 20_000, 20_000, 18_999):
        clock[0] += step
        with pytest.raises(DomainError) as refused:
            submit(form_campaign, "198.51.100.7", "one.more@example.com")
        assert refused.value.code == "rate_limited"
    assert refused.value.details["retry_after"] == 1
    clock[0] += 1  # exactly 60 s after the first submission
    submit(form_campaign, "198.51.100.7", "one.more@example.com")
    assert Contact.objects.filter(email="one.more@example.com").exists()


def test_a_flood_from_one_visitor_behind_the_proxy_blocks_no_other(
    client, org, form_campaign, settings, rate_counters
):
    settings.PROXY_COUNT = 1
    url = f"/f/{form_campaign.form_key}/"

    def post(visitor, email):
        return client.post(
            url, {"email": email}, REMOTE_ADDR=LB, HTTP_X_FORWARDED_FOR=f"6.6.6.6, {visitor}"
        )

    for n in range(settings.FORM_RATE_LIMIT):
        assert post("203.0.113.50", f"flood{n}@example.com").status_code == 200
    flooded = post("203.0.113.50", "flood.more@example.com")
    assert flooded.status_code == 429
    assert 1 <= int(flooded["Retry-After"]) <= 60
    assert "Too many submissions" in flooded.content.decode()
    # Another visitor, through the same balancer, is not blocked by the flood.
    other = post("203.0.113.51", "real.lead@example.com")
    assert other.status_code == 200 and "Thank you" in other.content.decode()
    assert Contact.objects.filter(email="real.lead@example.com").exists()
    assert not Contact.objects.filter(email="flood.more@example.com").exists()


def test_the_limit_is_per_minute_as_documented():
    assert settings.FORM_RATE_LIMIT == 10
    assert capture.FORM_RATE_WINDOW == 60
