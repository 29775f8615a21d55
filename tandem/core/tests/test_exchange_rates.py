"""Exchange rates: kept by administrators (page, API, service), read by everyone who works
here, and used to add up amounts in several currencies: dated (the rate in force on the
day), through the reporting currency between two others, and never guessed."""

from datetime import date
from decimal import Decimal

import pytest

from tandem.conftest import bearer
from tandem.core import exchange_rates
from tandem.core.errors import DomainError
from tandem.core.exchange_rates import add_up, chosen_currency, rates_on, set_rate
from tandem.core.models import DomainEvent, ExchangeRate

D = Decimal
DAY = date(2026, 12, 1)


@pytest.fixture
def rates(org):
    """EUR at 0.85 from 1 Nov and 0.86 from 1 Dec; USD at 0.80 from 1 Dec; JPY 0.0053
    from 10 Dec (after DAY: not yet in force)."""
    for currency, on, rate in (
        ("EUR", date(2026, 11, 1), "0.85"),
        ("EUR", DAY, "0.86"),
        ("USD", DAY, "0.8"),
        ("JPY", date(2026, 12, 10), "0.0053"),
    ):
        set_rate(actor=org.admin, currency=currency, valid_from=on, rate=rate)


def test_the_rate_in_force_is_the_latest_on_or_before_the_day(rates):
    assert rates_on(DAY).per_unit == {"EUR": (D("0.86"), DAY), "USD": (D("0.8"), DAY)}
    assert rates_on(date(2026, 11, 30)).per_unit == {"EUR": (D("0.85"), date(2026, 11, 1))}
    assert rates_on(date(2026, 10, 31)).per_unit == {}
    assert set(rates_on(date(2027, 1, 1)).per_unit) == {"EUR", "USD", "JPY"}


def test_adding_up_converts_through_the_reporting_currency(rates):
    on_day = rates_on(DAY)
    amounts = [("GBP", D("1000.00")), ("EUR", D("500.00")), ("USD", D("250.00"))]
    in_pounds = add_up(amounts, "GBP", on_day)
    assert in_pounds.amount == D("1630.00")  # 1000 + 500 x 0.86 + 250 x 0.8
    assert (in_pounds.converted, in_pounds.left_out) == (["EUR", "USD"], {})
    in_euros = add_up(amounts, "EUR", on_day)
    # (1000 + 250 x 0.8) / 0.86 + 500 = 1895.348...
    assert in_euros.amount == D("1895.35") and in_euros.converted == ["GBP", "USD"]


def test_an_amount_without_a_rate_is_left_out_and_named(rates):
    found = add_up([("GBP", D("10")), ("JPY", D("5000")), ("JPY", D("1"))], "GBP", rates_on(DAY))
    assert found.amount == D("10.00") and found.left_out == {"JPY": D("5001")}
    assert not found.complete


def test_the_currency_a_reader_may_choose(rates):
    on_day = rates_on(DAY)
    assert on_day.targets(["CHF"]) == ["GBP", "CHF", "EUR", "USD"]
    assert chosen_currency("eur", on_day) == "EUR"
    assert chosen_currency("CHF", on_day, ["CHF"]) == "CHF"  # its own amounts alone
    for nonsense in ("JPY", "XYZ", "", None, "<script>", "E" * 10_000):
        assert chosen_currency(nonsense, on_day) == "GBP"


def test_a_rate_for_the_same_day_replaces_the_old_and_the_log_keeps_both(org, rates):
    set_rate(actor=org.admin, currency="eur", valid_from=DAY, rate="0.8655", note="ECB")
    kept = ExchangeRate.objects.get(currency="EUR", valid_from=DAY)
    assert (kept.rate, kept.note, kept.home) == (D("0.8655"), "ECB", "GBP")
    assert ExchangeRate.objects.filter(currency="EUR").count() == 2
    event = DomainEvent.objects.filter(name="exchange_rate.set").latest("id")
    assert event.data["before"] == "0.86000000" and event.data["rate"] == "0.86550000"


@pytest.mark.parametrize(
    ("currency", "rate", "field", "says"),
    [
        ("XYZ", "1", "currency", "'XYZ' is not a currency code we know"),
        ("", "1", "currency", "is not a currency code we know"),
        ("GBP", "1", "currency", "GBP is the reporting currency"),
        ("EUR", "0", "rate", "rate must be between"),
        ("EUR", "-0.5", "rate", "rate must be between"),
        ("EUR", "2000000", "rate", "rate must be between"),
        ("EUR", "NaN", "rate", "finite"),
        ("EUR", "Infinity", "rate", "finite"),
        ("EUR", "0,86", "rate", "must be a number"),
        ("EUR", "'; DROP TABLE core_exchangerate; --", "rate", "must be a number"),
        ("EUR", "", "rate", "must be a number"),
    ],
)
def test_a_bad_rate_is_refused_naming_its_field(org, currency, rate, field, says):
    with pytest.raises(DomainError) as refused:
        set_rate(actor=org.admin, currency=currency, valid_from=DAY, rate=rate)
    assert refused.value.field == field and says in refused.value.message
    assert not ExchangeRate.objects.exists()


def test_only_administrators_keep_the_rates(org):
    for person in (org.executive, org.sales_head, org.marketer, org.front_liner):
        with pytest.raises(DomainError) as refused:
            set_rate(actor=person, currency="EUR", valid_from=DAY, rate="0.86")
        assert refused.value.status == 403
    assert not ExchangeRate.objects.exists()


def test_the_page_shows_the_rates_and_lets_an_administrator_keep_them(client, org, rates):
    client.force_login(org.admin)
    page = client.get("/exchange-rates/").content.decode()
    eur = page.split('<tr data-currency="EUR">')[1].split("</tr>")[0]
    assert ">0.86 GBP</td>" in eur and ">1.162791 EUR</td>" in eur  # what £1 buys
    assert "1.25 USD" in page  # what £1 buys at 0.80
    saved = client.post(
        "/exchange-rates/",
        {"currency": "chf", "valid_from": "2026-12-01", "rate": "0.9", "note": "SNB"},
    )
    assert saved.status_code == 302
    assert ExchangeRate.objects.get(currency="CHF").rate == D("0.9")
    bad = client.post("/exchange-rates/", {"currency": "CHF", "valid_from": "x", "rate": "-1"})
    assert bad.status_code == 422 and "Enter a valid date." in bad.content.decode()
    old = ExchangeRate.objects.get(currency="EUR", valid_from=DAY)
    assert client.post(f"/exchange-rates/{old.pk}/remove/").status_code == 302
    assert exchange_rates.rates_on(DAY).per_unit["EUR"] == (D("0.85"), date(2026, 11, 1))
    assert client.post("/exchange-rates/999999/remove/").status_code == 404


def test_everyone_who_works_here_reads_them_and_no_one_else_changes_them(client, org, rates):
    client.force_login(org.front_liner)
    page = client.get("/exchange-rates/")
    assert page.status_code == 200 and "Administrators keep these rates." in page.content.decode()
    assert "Save rate" not in page.content.decode()
    refused = client.post("/exchange-rates/", {"currency": "CHF", "valid_from": "2026-12-01"})
    assert refused.status_code == 403
    eur = ExchangeRate.objects.filter(currency="EUR").first()
    assert client.post(f"/exchange-rates/{eur.pk}/remove/").status_code == 403
    assert ExchangeRate.objects.filter(currency="EUR").count() == 2
    client.force_login(org.outsider)
    assert client.get("/exchange-rates/").status_code == 403


def test_an_empty_page_says_what_the_rates_are_for(client, org):
    client.force_login(org.sales_rep)
    page = client.get("/exchange-rates/").content.decode()
    assert "No rates yet, so totals in GBP leave out deals in other currencies" in page
    assert "An administrator can add them." in page


def test_the_rates_through_the_api(client, org, rates):
    admin = bearer(org.admin, "write")
    made = client.post(
        "/api/v1/exchange-rates",
        {"currency": "sek", "valid_from": "2026-12-01", "rate": "0.072"},
        content_type="application/json",
        **admin,
    )
    assert made.status_code == 201 and made.json()["currency"] == "SEK"
    listed = client.get("/api/v1/exchange-rates", **bearer(org.sales_rep, "read")).json()
    assert [(r["currency"], r["valid_from"]) for r in listed][:3] == [
        ("EUR", "2026-12-01"),
        ("EUR", "2026-11-01"),
        ("JPY", "2026-12-10"),
    ]
    refused = client.post(
        "/api/v1/exchange-rates",
        {"currency": "SEK", "valid_from": "2026-12-01", "rate": "1"},
        content_type="application/json",
        **bearer(org.sales_head, "write"),
    )
    assert refused.status_code == 403
    bad = client.post(
        "/api/v1/exchange-rates",
        {"currency": "SEK", "valid_from": "2026-12-01", "rate": "lots"},
        content_type="application/json",
        **admin,
    )
    assert bad.status_code == 422 and bad.json()["details"]["field"] == "rate"
