"""The pipeline board, its totals and weighted totals, moves (dragged or by the "Move
to" form, the same POST), and the forecast by close month: exact figures from known
deals, per currency, and a constant number of queries whatever the number of deals."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tandem.conftest import bearer
from tandem.core.exchange_rates import rates_on, set_rate
from tandem.crm import pipeline, services
from tandem.crm.models import Opportunity

HTMX = {"HTTP_HX_REQUEST": "true"}


def D(text):
    return Decimal(text)


@pytest.fixture
def months():
    first = pipeline.first_of_month(timezone.localdate())
    return {
        "this": first,
        "next": pipeline.add_months(first, 1),
        "last": pipeline.add_months(first, -1),
        "two_ago": pipeline.add_months(first, -2),
    }


@pytest.fixture
def deals(org, months):
    """Known deals: GBP unless said, Sam's unless said.

    open: A qualification 10,000 (this month), B proposal 20,000 (next month),
    C negotiation 30,000 (next month), D proposal 5,000 EUR (this month),
    G qualification 1,000 (no close date), H proposal 2,000 (Mia's, due last month);
    closed: E won 40,000 and F lost 7,000 (this month), I won 8,000 (two months ago).
    """
    rep, marketer = org.sales_rep, org.marketer
    acme = services.create_account(actor=rep, name="Acme")

    def deal(name, amount, stage="qualification", month="this", currency="GBP", owner=rep):
        made = services.create_opportunity(
            actor=owner,
            name=name,
            account=acme,
            amount=amount,
            currency=currency,
            close_date=(months[month] + timedelta(days=9)) if month else None,
        )
        if stage == "qualification":
            return made
        return services.update_opportunity(
            actor=owner,
            opportunity=made,
            stage=stage,
            reason="Chose a competitor" if stage == "lost" else "",
            close_date=made.close_date,
        )

    return {
        "A": deal("A", "10000"),
        "B": deal("B", "20000", "proposal", "next"),
        "C": deal("C", "30000", "negotiation", "next"),
        "D": deal("D", "5000", "proposal", currency="EUR"),
        "G": deal("G", "1000", month=None),
        "H": deal("H", "2000", "proposal", "last", owner=marketer),
        "E": deal("E", "40000", "won"),
        "F": deal("F", "7000", "lost"),
        "I": deal("I", "8000", "won", "two_ago"),
    }


def columns_of(found, month=None):
    return {
        c.stage: c for c in pipeline.board_columns(found, month=month, today=timezone.localdate())
    }


def totals(column):
    return {t.currency: (t.amount, t.weighted) for t in column.totals}


def test_stage_totals_and_weighted_pipeline(org, deals):
    columns = columns_of(Opportunity.objects.all())
    assert {s: c.count for s, c in columns.items()} == {
        "qualification": 2,
        "proposal": 3,
        "negotiation": 1,
        "won": 1,  # E; I closed two months ago
        "lost": 1,
    }
    assert totals(columns["qualification"]) == {"GBP": (D("11000"), D("1100.00"))}
    assert totals(columns["proposal"]) == {
        "EUR": (D("5000"), D("3750.00")),  # never added to the pounds
        "GBP": (D("22000"), D("16500.00")),
    }
    assert totals(columns["negotiation"]) == {"GBP": (D("30000"), D("27000.00"))}
    assert totals(columns["won"]) == {"GBP": (D("40000"), D("40000.00"))}
    assert totals(columns["lost"]) == {"GBP": (D("7000"), D("0.00"))}
    whole = {t.currency: (t.amount, t.weighted) for t in pipeline.open_pipeline(columns.values())}
    assert whole == {"EUR": (D("5000"), D("3750.00")), "GBP": (D("63000"), D("44600.00"))}
    # Soonest close date first, undated last.
    assert [o.name for o in columns["qualification"].cards] == ["A", "G"]


def test_filters_by_owner_and_close_month(org, deals, months):
    mine = columns_of(Opportunity.objects.owned_as(org.sales_rep, "mine"))
    assert totals(mine["proposal"])["GBP"] == (D("20000"), D("15000.00"))  # not Mia's H
    team = columns_of(Opportunity.objects.owned_as(org.marketer, "team"))
    assert {s: c.count for s, c in team.items()}["proposal"] == 1  # H, marketing's
    assert sum(c.count for c in team.values()) == 1
    next_month = columns_of(Opportunity.objects.all(), month=months["next"])
    assert {s: c.count for s, c in next_month.items()} == {
        "qualification": 0,
        "proposal": 1,
        "negotiation": 1,
        "won": 0,
        "lost": 0,
    }
    assert totals(next_month["negotiation"]) == {"GBP": (D("30000"), D("27000.00"))}


def test_forecast_by_close_month(org, deals, months):
    no_rates = rates_on(months["this"])
    found = pipeline.forecast(Opportunity.objects.all(), first=months["this"], rates=no_rates)
    assert found.currency == "GBP" and found.currencies == ["EUR", "GBP"]
    table = [
        (r.month, r.pipeline, r.weighted, r.won, r.open_count, r.won_count) for r in found.rows
    ]
    assert table[:2] == [
        (months["this"], D("10000"), D("1000.00"), D("40000"), 1, 1),
        (months["next"], D("50000"), D("42000.00"), D("0"), 2, 0),
    ]
    assert len(table) == 6 and all(row[1:] == (0, 0, 0, 0, 0) for row in table[2:])
    t = found.totals
    assert (t.pipeline, t.weighted, t.won) == (D("60000"), D("43000.00"), D("40000"))
    assert (found.overdue, found.overdue_count, found.undated, found.undated_count) == (
        D("2000"),
        1,
        D("1000"),
        1,
    )
    euros = pipeline.forecast(
        Opportunity.objects.all(), first=months["this"], rates=no_rates, currency="EUR"
    )
    assert [(r.pipeline, r.weighted) for r in euros.rows[:2]] == [
        (D("5000"), D("3750.00")),
        (D("0"), D("0")),
    ]
    chart = found.chart()
    assert chart["datasets"][0]["values"][:2] == [10000.0, 50000.0]
    assert chart["datasets"][1]["values"][:2] == [1000.0, 42000.0]
    assert chart["datasets"][2]["values"][:2] == [40000.0, 0.0]
    assert chart["money"] == "GBP"  # its axis is written as money


def test_the_board_page_shows_columns_totals_and_cards(client, org, deals):
    client.force_login(org.sales_head)
    page = client.get("/opportunities/board/").content.decode()
    assert "£63,000.00</strong>, weighted <strong" in page and "£44,600.00" in page
    assert "£22,000.00 · weighted £16,500.00" in page
    # No exchange rates: the euro deal is not in the pound totals, and is named beside them
    assert '<div class="small text-danger" data-column-left-out="EUR">+ €5,000.00 (no rate)' in page
    assert "Not in the total: €5,000.00 (no rate to GBP;" in page
    assert "vendor/sortablejs/Sortable.min.js" in page and "crm/board.js" in page
    assert page.count("data-movable") == 7  # Sid heads sales: all but Mia's H (and I)
    client.force_login(org.marketer)
    page = client.get("/opportunities/board/").content.decode()
    assert page.count("data-movable") == 1  # only her own
    partial = client.get("/opportunities/board/?owner=mine", **HTMX).content.decode()
    assert partial.lstrip().startswith('<div id="board"') and ">H</a>" in partial
    assert ">A</a>" not in partial


def test_outsiders_get_no_board_nor_forecast(client, org, deals):
    client.force_login(org.outsider)
    assert client.get("/opportunities/board/").status_code == 403
    assert client.get("/opportunities/forecast/").status_code == 403
    url = f"/opportunities/{deals['A'].pk}/move/"
    assert client.post(url, {"stage": "proposal"}).status_code == 404


def test_a_move_returns_the_board_with_new_totals(client, org, deals):
    client.force_login(org.sales_rep)
    moved = client.post(
        f"/opportunities/{deals['B'].pk}/move/",
        {"stage": "negotiation", "owner": "mine", "month": ""},
        **HTMX,
    )
    assert moved.status_code == 200
    text = moved.content.decode()
    assert text.lstrip().startswith('<div id="board"')
    assert "B moved to Negotiation." in text
    assert "£50,000.00 · weighted £45,000.00" in text  # B and C now
    assert ">H</a>" not in text  # the owner filter came with the move
    assert Opportunity.objects.get(pk=deals["B"].pk).stage == "negotiation"


def test_a_refused_move_keeps_the_deal_and_says_why(client, org, deals):
    client.force_login(org.sales_rep)
    url = f"/opportunities/{deals['A'].pk}/move/"
    refused = client.post(url, {"stage": "lost", "reason": ""}, **HTMX)
    assert refused.status_code == 422
    text = refused.content.decode()
    assert "A: Say why it was lost" in text and "data-failed" in text
    assert '<option value="lost" selected>' in text  # the stage it was dropped on
    assert Opportunity.objects.get(pk=deals["A"].pk).stage == "qualification"
    bad = client.post(url, {"stage": "archived"}, **HTMX)
    assert bad.status_code == 422 and "choose a stage from the list" in bad.content.decode()
    done = client.post(url, {"stage": "lost", "reason": "No budget"}, **HTMX)
    assert done.status_code == 200
    assert Opportunity.objects.get(pk=deals["A"].pk).outcome_reason == "No budget"


def test_moves_by_others_are_refused(client, org, deals):
    url = f"/opportunities/{deals['B'].pk}/move/"
    for persona in ("marketer", "front_liner", "executive"):
        client.force_login(getattr(org, persona))
        assert client.post(url, {"stage": "won"}, **HTMX).status_code == 403
    assert Opportunity.objects.get(pk=deals["B"].pk).stage == "proposal"
    client.force_login(org.sales_head)
    assert client.post(url, {"stage": "won"}, **HTMX).status_code == 200


def test_a_move_without_javascript_goes_back_to_the_board(client, org, deals, months):
    client.force_login(org.sales_rep)
    month = months["next"].strftime("%Y-%m")
    moved = client.post(
        f"/opportunities/{deals['C'].pk}/move/", {"stage": "won", "owner": "all", "month": month}
    )
    assert (
        moved.status_code == 302 and moved.url == f"/opportunities/board/?owner=all&month={month}"
    )
    page = client.get(moved.url).content.decode()
    assert "C moved to Won." in page
    refused = client.post(f"/opportunities/{deals['A'].pk}/move/", {"stage": "lost"})
    assert refused.status_code == 302
    assert "Say why it was lost" in client.get(refused.url).content.decode()


def test_the_forecast_page_shows_table_and_chart_data(client, org, deals, months):
    client.force_login(org.executive)
    page = client.get("/opportunities/forecast/").content.decode()
    this = months["this"].strftime("%Y-%m")
    assert f'<tr data-month="{this}">' in page
    assert '<td class="text-end" data-pipeline>£10,000.00</td>' in page
    assert '<td class="text-end" data-weighted>£43,000.00</td>' in page  # the total row
    assert "1 open deal past its close date</strong> (£2,000.00)" in page
    assert "1 without a close date</strong> (£1,000.00)" in page
    chart = page.split('<script id="forecast-data" type="application/json">')[1]
    data = json.loads(chart.split("</script>")[0])
    assert data["datasets"][0]["values"][:2] == [10000.0, 50000.0]
    euros = client.get("/opportunities/forecast/?currency=EUR", **HTMX).content.decode()
    assert euros.lstrip().startswith('<div id="forecast"') and "€5,000.00" in euros


def test_pipeline_and_forecast_through_the_api(client, org, deals):
    auth = bearer(org.sales_rep, "read")
    body = client.get("/api/v1/opportunities/pipeline", **auth).json()
    proposal = next(s for s in body["stages"] if s["stage"] == "proposal")
    assert proposal["count"] == 3 and proposal["probability"] == 75
    assert proposal["totals"] == [
        {"currency": "EUR", "amount": "5000.00", "weighted": "3750.00"},
        {"currency": "GBP", "amount": "22000.00", "weighted": "16500.00"},
    ]
    assert body["open"][1] == {"currency": "GBP", "amount": "63000.00", "weighted": "44600.00"}
    mine = client.get("/api/v1/opportunities/pipeline?owner=mine", **auth).json()
    assert mine["open"][1]["amount"] == "61000.00"
    forecast = client.get("/api/v1/opportunities/forecast?months=3", **auth).json()
    assert forecast["currency"] == "GBP" and len(forecast["months"]) == 3
    assert forecast["months"][1]["pipeline"] == "50000.00"
    assert forecast["months"][1]["weighted"] == "42000.00"
    assert (forecast["overdue"], forecast["undated"]) == ("2000.00", "1000.00")
    bad = client.get("/api/v1/opportunities/pipeline?owner=everyone", **auth)
    assert bad.status_code == 422
    assert client.get("/api/v1/opportunities/forecast?months=99", **auth).status_code == 422
    outsider = bearer(org.outsider, "read")
    assert client.get("/api/v1/opportunities/pipeline", **outsider).status_code == 403


def _grow(org, n, start):
    account = services.create_account(actor=org.sales_rep, name=f"Co {start}")
    for i in range(start, start + n):
        made = services.create_opportunity(
            actor=org.sales_rep if i % 2 else org.sales_head,
            name=f"Deal {i}",
            account=account,
            amount=str(1000 + i),
            currency="EUR" if i % 3 == 0 else "GBP",
            close_date=timezone.localdate() + timedelta(days=i),
        )
        stage = ("qualification", "proposal", "negotiation", "won")[i % 4]
        if stage != "qualification":
            services.move_opportunity(actor=org.sales_rep, opportunity=made, stage=stage)


@pytest.mark.parametrize("url", ["/opportunities/board/", "/opportunities/forecast/"])
def test_board_and_forecast_query_counts_are_constant(client, org, url):
    client.force_login(org.sales_rep)
    _grow(org, 8, 0)
    client.get(url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _grow(org, 60, 8)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]


def test_a_column_shows_at_most_its_cap_and_links_to_the_rest(client, org):
    account = services.create_account(actor=org.sales_rep, name="Big Co")
    for i in range(pipeline.CARDS_PER_COLUMN + 3):
        services.create_opportunity(actor=org.sales_rep, name=f"Deal {i}", account=account)
    client.force_login(org.sales_rep)
    page = client.get("/opportunities/board/").content.decode()
    assert page.count('class="board-card') == pipeline.CARDS_PER_COLUMN
    assert "3 more in the list" in page and "?stage=qualification" in page


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/opportunities/pipeline",
        "/api/v1/opportunities/forecast?months=12",
        "/api/v1/opportunities/{deal}/timeline?limit=100",
    ],
)
def test_api_reads_cost_the_same_whatever_the_number_of_deals(client, org, path):
    from tandem.notifications.services import post_comment

    account = services.create_account(actor=org.sales_rep, name="Timeline Co")
    deal = services.create_opportunity(actor=org.sales_rep, name="Busy", account=account)

    def grow(n, start):
        _grow(org, n, start)
        for i in range(n):
            services.update_opportunity(
                actor=org.sales_rep, opportunity=deal, amount=str(100 + start + i)
            )
            post_comment(actor=org.sales_head, record=deal, body=f"note {start + i}")
            services.log_activity(
                actor=org.sales_rep, kind="call", subject=f"call {i}", opportunity=deal
            )

    headers = bearer(org.sales_rep, "read")
    url = path.format(deal=deal.pk)
    grow(3, 0)
    client.get(url, **headers)  # the token's first use is stamped once
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, **headers).status_code == 200
    grow(25, 3)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url, **headers).status_code == 200
    assert len(many) == len(few)


@pytest.fixture
def euro_rate(org, months):
    """1 EUR = 0.86 GBP from the first of this month; 1 USD = 0.80 GBP from next month
    (not yet in force)."""
    set_rate(actor=org.admin, currency="EUR", valid_from=months["this"], rate="0.86")
    set_rate(actor=org.admin, currency="USD", valid_from=months["next"], rate="0.80")


def test_board_totals_in_one_currency_convert_the_others(client, org, deals, euro_rate):
    columns = list(columns_of(Opportunity.objects.all()).values())
    rates = rates_on(timezone.localdate())
    whole = pipeline.convert_board(columns, "GBP", rates)
    # 63,000 + 5,000 x 0.86; weighted 44,600 + 3,750 x 0.86
    assert (whole.amount, whole.weighted) == (D("67300.00"), D("47825.00"))
    assert (whole.converted, whole.left_out) == (["EUR"], [])
    proposal = columns[1].shown
    assert (proposal.amount, proposal.weighted) == (D("26300.00"), D("19725.00"))
    in_euros = pipeline.convert_board(columns, "EUR", rates)
    assert in_euros.amount == D("78255.81")  # 63,000 / 0.86 + 5,000
    client.force_login(org.sales_head)
    page = client.get("/opportunities/board/").content.decode()
    assert 'data-pipeline-total="GBP">£67,300.00</strong>' in page
    assert "Includes deals in EUR, converted to GBP at the" in page
    assert '<option value="EUR">EUR</option>' in page and "Not in the total" not in page
    euros = client.get("/opportunities/board/?in=EUR", **HTMX).content.decode()
    assert 'data-pipeline-total="EUR">€78,255.81</strong>' in euros
    assert '<input type="hidden" name="in" value="EUR">' in euros  # a move keeps it
    hostile = client.get("/opportunities/board/?in=%3Cscript%3E", **HTMX)
    assert hostile.status_code == 200 and "£67,300.00" in hostile.content.decode()


def test_a_deal_in_a_currency_without_a_rate_is_named_not_guessed(org, deals, euro_rate):
    services.create_opportunity(
        actor=org.sales_rep,
        name="Yankee",
        account=deals["A"].account,
        amount="1000",
        currency="USD",  # its rate starts next month
        close_date=timezone.localdate(),
    )
    columns = list(columns_of(Opportunity.objects.all()).values())
    whole = pipeline.convert_board(columns, "GBP", rates_on(timezone.localdate()))
    assert whole.amount == D("67300.00")
    assert [(t.currency, t.amount) for t in whole.left_out] == [("USD", D("1000.00"))]


def test_the_forecast_converts_into_the_chosen_currency(client, org, deals, months, euro_rate):
    rates = rates_on(months["this"])
    found = pipeline.forecast(Opportunity.objects.all(), first=months["this"], rates=rates)
    assert (found.currency, found.converted, found.left_out) == ("GBP", ["EUR"], {})
    # this month: A 10,000 + D 5,000 EUR x 0.86; weighted 1,000 + 3,750 x 0.86
    assert (found.rows[0].pipeline, found.rows[0].weighted) == (D("14300.00"), D("4225.00"))
    assert found.rows[0].open_count == 2
    euros = pipeline.forecast(
        Opportunity.objects.all(), first=months["this"], rates=rates, currency="EUR"
    )
    assert euros.rows[1].pipeline == D("58139.53")  # 50,000 / 0.86
    assert euros.overdue == D("2325.58") and euros.converted == ["GBP"]
    client.force_login(org.executive)
    page = client.get("/opportunities/forecast/").content.decode()
    assert '<td class="text-end" data-pipeline>£14,300.00</td>' in page
    assert "(deals in EUR converted at the" in page
    api = client.get("/api/v1/opportunities/forecast?currency=EUR", **bearer(org.sales_rep))
    body = api.json()
    assert (body["currency"], body["converted"], body["left_out"]) == ("EUR", ["GBP"], {})
    assert body["months"][1]["pipeline"] == "58139.53"


def test_the_forecast_names_what_it_could_not_convert(client, org, deals, months):
    client.force_login(org.executive)
    page = client.get("/opportunities/forecast/").content.decode()
    assert "Not in these figures: open deals in EUR (€5,000.00), for want of a rate" in page


def test_the_pipeline_api_gives_totals_per_currency_and_in_one(client, org, deals, euro_rate):
    auth = bearer(org.sales_rep, "read")
    body = client.get("/api/v1/opportunities/pipeline?totals_in=eur", **auth).json()
    assert body["open_in_currency"]["currency"] == "EUR"
    assert body["open_in_currency"]["amount"] == "78255.81"
    proposal = next(s for s in body["stages"] if s["stage"] == "proposal")
    assert proposal["in_currency"] == {
        "currency": "EUR",
        "amount": "30581.40",  # 22,000 / 0.86 + 5,000
        "weighted": "22936.05",
        "converted": ["GBP"],
        "left_out": [],
    }
    assert client.get("/api/v1/opportunities/pipeline?totals_in=euro", **auth).status_code == 422
