"""Campaign performance (figures exact on known data, sorting, filters, export, a constant
number of queries), the kill criteria and decision pages, and the API; who may see and do
what (an outsider gets nothing, a guessed id is a 404)."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.calendar import kill, performance
from tandem.calendar.models import KillCriteria, KillDecision, KillFlag
from tandem.calendar.tests.kill_data import (
    TODAY,
    agree,
    campaign,
    deal,
    funnel,
    spend,
    touches,
)
from tandem.campaigns.models import Campaign
from tandem.conftest import bearer
from tandem.core.exchange_rates import set_rate
from tandem.crm import services as crm

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def known(org):
    """Spring: 2 people touched 3 times each (6 touches), 4 MQLs, 3 accepted, 2 SQLs
    converted to one £1,000 deal (won) and one €2,000 deal (open; 1 EUR = 0.85 GBP),
    spend £900. Autumn: nothing but a £300 cost. Winter: another owner's, untouched."""
    set_rate(actor=org.admin, currency="EUR", valid_from=TODAY - timedelta(days=30), rate="0.85")
    spring = campaign(org, "Spring", planned_budget="2000")
    people = [crm.create_contact(actor=org.marketer, first_name=n) for n in ("Ann", "Bo")]
    touches(spring, people, each=3)
    funnel(org, spring, ["mql"])
    funnel(org, spring, ["mql", "accepted"])
    funnel(org, spring, ["mql", "accepted", "sql"], deal=deal(org, "1000", won=True))
    funnel(org, spring, ["mql", "accepted", "sql"], deal=deal(org, "2000", currency="EUR"))
    spend(org, spring, "500.00")
    spend(org, spring, "400.00")
    autumn = campaign(org, "Autumn", type="webinar", channel="events")
    spend(org, autumn, "300.00")
    winter = campaign(org, "Winter", owner=org.marketing_head)
    return {"spring": spring, "autumn": autumn, "winter": winter}


def _rows(user, **params):
    return {r.name: r for r in performance.read(user, params).rows}


def test_the_figures_are_exact_on_known_data(org, known):
    spring = _rows(org.sales_rep)["Spring"]
    assert (spring.touches, spring.leads, spring.mqls, spring.accepted, spring.sqls) == (
        6, 2, 4, 3, 2)  # fmt: skip
    assert spring.opportunities == 2
    assert spring.pipeline == Decimal("2700.00")  # 1,000 + 2,000 x 0.85
    assert spring.won == Decimal("1000.00")
    assert spring.spend == Decimal("900.00")
    assert spring.cost_per_mql == Decimal("225.00")
    assert spring.cost_per_sql == Decimal("450.00")
    assert spring.roi is None and spring.attributed_revenue is None  # not computed yet
    assert spring.flag_state == "" and spring.freed_budget is None
    autumn = _rows(org.sales_rep)["Autumn"]
    assert (autumn.touches, autumn.mqls, autumn.cost_per_mql, autumn.spend) == (
        0, 0, None, Decimal("300.00"))  # fmt: skip


def test_roi_is_by_the_model_in_force_once_its_report_is_computed(org, known):
    performance.attributed_revenue({"GBP"}, fresh=True)  # as the daily evaluation does
    spring = _rows(org.sales_rep)["Spring"]
    # No won deal's account was touched by Spring: nothing credited, all spend lost.
    assert spring.attributed_revenue == Decimal("0.00") and spring.roi == Decimal("-100.0")
    assert performance.model_in_force() == "Linear"


def test_flag_state_and_freed_budget(org, known):
    agree(org, campaign_type="paid_search", cost_per_sql_max="400", cost_per_sql_days="14")
    kill.evaluate(today=TODAY)
    assert _rows(org.sales_rep)["Spring"].flag_state == "flagged"
    assert _rows(org.sales_rep)["Spring"].flagged == ["Cost per SQL"]
    kill.decide(actor=org.marketer, campaign=known["spring"], outcome="cut", today=TODAY)
    spring = _rows(org.sales_rep)["Spring"]
    assert (spring.flag_state, spring.status, spring.freed_budget) == (
        "cut", "cut", Decimal("1100.00"))  # fmt: skip


def test_sorting_and_filters(org, known):
    def names(**params):
        return [r.name for r in performance.read(org.marketer, params).rows]

    assert names(sort="spend") == ["Winter", "Autumn", "Spring"]
    assert names(sort="-spend") == ["Spring", "Autumn", "Winter"]
    assert names(sort="cost_per_sql") == ["Spring", "Autumn", "Winter"]  # none last
    assert names(sort="-cost_per_sql") == ["Spring", "Autumn", "Winter"]  # none last still
    assert names(sort="name") == ["Autumn", "Spring", "Winter"]
    assert names(sort="nonsense") == names(sort="flag")
    assert names(type="webinar") == ["Autumn"]
    assert names(status="cut") == []
    assert names(status="<script>") == names()


def test_the_page_sorts_paginates_and_says_what_to_do_when_empty(client, org, known):
    client.force_login(org.front_liner)  # every internal user
    page = client.get("/calendar/performance/?sort=-spend").content.decode()
    assert page.index("Spring") < page.index("Autumn") < page.index("Winter")
    assert 'aria-sort="descending"' in page and "£2,700.00" in page and "£450.00" in page
    assert "Linear" in page and "export." not in page  # the front line exports once granted
    partial = client.get("/calendar/performance/?type=press", **HTMX)
    assert "No campaign matches these filters" in partial.content.decode()
    assert "<html" not in partial.content.decode()
    Campaign.objects.all().delete()
    assert "No campaigns yet" in client.get("/calendar/performance/").content.decode()


def test_the_page_reads_a_constant_number_of_queries(client, org, known):
    client.force_login(org.marketer)
    client.get("/calendar/performance/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/calendar/performance/").status_code == 200
    for n in range(30):
        more = campaign(org, f"More {n}", type="webinar", channel="events")
        spend(org, more, "10.00")
        funnel(org, more, ["mql", "accepted", "sql"], deal=deal(org, "100"))
        touches(more, [crm.create_contact(actor=org.marketer, first_name=f"P{n}")])
    with CaptureQueriesContext(connection) as many:
        assert client.get("/calendar/performance/?sort=-roi").status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_export_as_csv_and_xlsx(client, org, known):
    client.force_login(org.marketer)
    response = client.get("/calendar/performance/export.csv?sort=name")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == performance.EXPORT_HEADERS
    spring = dict(zip(rows[0], rows[2], strict=True))
    assert (spring["campaign"], spring["mqls"], spring["pipeline"], spring["cost_per_sql"]) == (
        "Spring", "4", "2700.00", "450.00")  # fmt: skip
    xlsx = client.get("/calendar/performance/export.xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd")
    client.force_login(org.front_liner)
    refused = client.get("/calendar/performance/export.csv")
    assert refused.status_code == 403 and "export whole lists" in refused.content.decode()


def test_outsiders_get_nothing(client, org, known):
    client.force_login(org.outsider)
    assert client.get("/calendar/performance/").status_code in (403, 404)
    assert client.get("/calendar/kill-criteria/").status_code == 404
    assert client.get("/calendar/performance/export.csv").status_code == 403
    spring = known["spring"]
    assert (
        client.post(f"/calendar/items/{spring.pk}/decision/", {"outcome": "cut"}).status_code == 404
    )


# --- The pages of the criteria and the decision ----------------------------------------------
def test_the_criteria_page_and_the_propose_form(client, org):
    client.force_login(org.marketing_head)
    page = client.get("/calendar/kill-criteria/").content.decode()
    assert "None agreed" in page and "/calendar/kill-criteria/new/?type=webinar" in page
    bad = client.post("/calendar/kill-criteria/new/", {"campaign_type": "webinar",
                      "mql_share_min": "150", "mql_share_days": "7"})  # fmt: skip
    assert bad.status_code == 422 and "from 0 to 100" in bad.content.decode()
    given = {"campaign_type": "webinar", "mql_share_min": "40", "mql_share_days": "14"}
    made = client.post("/calendar/kill-criteria/new/", {**given, "note": "Too quiet"})
    assert made.status_code == 302
    page = client.get("/calendar/kill-criteria/").content.decode()
    assert "fewer than 40 % of forecast MQLs after 14 days live" in page
    assert "/decisions/" in page
    client.force_login(org.sales_rep)  # reads, never proposes
    page = client.get("/calendar/kill-criteria/").content.decode()
    assert "/calendar/kill-criteria/new/" not in page
    refused = client.post("/calendar/kill-criteria/new/", {"campaign_type": "webinar",
                          "roi_min": "0"})  # fmt: skip
    assert refused.status_code == 403
    assert KillCriteria.objects.count() == 1


@pytest.fixture
def flagged(org):
    agree(org, campaign_type="paid_search", cost_per_sql_max="400", cost_per_sql_days="14")
    found = campaign(org, "Dear search", days_live=20, planned_budget="5000")
    spend(org, found, "1500.00")
    kill.evaluate(today=TODAY)
    return found


def test_sales_sees_the_flag_on_the_calendar_and_the_campaign_page(client, org, flagged):
    client.force_login(org.sales_rep)
    for url in (f"/calendar/items/{flagged.pk}/", f"/campaigns/{flagged.pk}/"):
        page = client.get(url).content.decode()
        assert "Flagged" in page and "Cost per SQL £1,500.00, above the £400.00 agreed" in page
        assert "Record the decision" not in page  # sales sees it; the owner decides


def test_the_owner_decides_from_the_campaign_page(client, org, flagged):
    client.force_login(org.marketer)
    page = client.get(f"/campaigns/{flagged.pk}/").content.decode()
    assert "Record the decision" in page
    bad = client.post(f"/calendar/items/{flagged.pk}/decision/",
                      {"outcome": "continue", "back": f"/campaigns/{flagged.pk}/"})  # fmt: skip
    assert bad.status_code == 422 and "Say why it should continue" in bad.content.decode()
    done = client.post(f"/calendar/items/{flagged.pk}/decision/",
                       {"outcome": "cut", "back": f"/campaigns/{flagged.pk}/"})  # fmt: skip
    assert done.status_code == 302 and done["Location"] == f"/campaigns/{flagged.pk}/"
    page = client.get(f"/campaigns/{flagged.pk}/").content.decode()
    assert "Budget freed: <strong>£3,500.00</strong>" in page


def test_the_owner_decides_in_the_calendar_panel(client, org, flagged):
    client.force_login(org.marketer)
    url = f"/calendar/items/{flagged.pk}/decision/"
    review = (TODAY + timedelta(days=10)).isoformat()
    bad = client.post(url, {"outcome": "continue", "reason": "New ads",
                            "review_on": "2000-01-01"}, **HTMX)  # fmt: skip
    assert bad.status_code == 422 and "must be in the future" in bad.content.decode()
    done = client.post(url, {"outcome": "continue", "reason": "New ads", "review_on": review},
                       **HTMX)  # fmt: skip
    assert done.status_code == 200 and done["HX-Trigger"] == "calendar-changed"
    assert "continues; it is looked at again" in done.content.decode()
    assert KillDecision.objects.get().reason == "New ads"


def test_others_may_not_decide(client, org, flagged):
    for person in (org.sales_rep, org.sales_head, org.front_liner, org.executive):
        client.force_login(person)
        response = client.post(f"/calendar/items/{flagged.pk}/decision/", {"outcome": "cut"})
        assert response.status_code == 403
    client.force_login(org.marketer)
    assert client.post("/calendar/items/999999/decision/", {"outcome": "cut"}).status_code == 404
    assert not KillDecision.objects.exists()


# --- The API ---------------------------------------------------------------------------------
def test_the_api_proposes_lists_flags_decides_and_reads_performance(client, org, flagged):
    head = bearer(org.marketing_head)
    bad = client.post("/api/v1/calendar/kill-criteria", {"campaign_type": "webinar",
                      "mql_share_min": 120, "mql_share_days": 7},
                      content_type="application/json", **head)  # fmt: skip
    assert bad.status_code == 422 and bad.json()["details"]["field"] == "mql_share_min"
    half = {"campaign_type": "webinar", "cost_per_sql_max": 100}
    bad = client.post(
        "/api/v1/calendar/kill-criteria", half, content_type="application/json", **head
    )
    assert bad.status_code == 422 and bad.json()["details"]["field"] == "cost_per_sql_days"
    made = client.post("/api/v1/calendar/kill-criteria", {"campaign_type": "webinar",
                       "roi_min": -20}, content_type="application/json", **head)  # fmt: skip
    assert made.status_code == 201 and made.json()["status"] == "proposed"
    assert made.json()["approval_request_id"]
    listed = client.get("/api/v1/calendar/kill-criteria", **head).json()["items"]
    assert {c["campaign_type"] for c in listed} == {"webinar", "paid_search"}

    rep = bearer(org.sales_rep)
    [flag] = client.get("/api/v1/calendar/kill-flags?only_open=true", **rep).json()["items"]
    assert (flag["campaign_id"], flag["measured"], flag["decision_id"]) == (
        flagged.pk, "1500.00", None)  # fmt: skip
    url = f"/api/v1/calendar/campaigns/{flagged.pk}/kill-decision"
    refused = client.post(url, {"outcome": "cut"}, content_type="application/json", **rep)
    assert refused.status_code == 403
    owner = bearer(org.marketer)
    decided = client.post(url, {"outcome": "cut"}, content_type="application/json", **owner)
    assert decided.status_code == 201 and decided.json()["freed_budget"] == "3500.00"
    again = client.post(url, {"outcome": "cut"}, content_type="application/json", **owner)
    assert again.status_code == 409 and again.json()["code"] == "kill_nothing_to_decide"
    missing = client.post("/api/v1/calendar/campaigns/999999/kill-decision", {"outcome": "cut"},
                          content_type="application/json", **owner)  # fmt: skip
    assert missing.status_code == 404

    page = client.get("/api/v1/calendar/performance?sort=-spend&limit=1", **rep).json()
    [row] = page["items"]
    assert (row["name"], row["spend"], row["flag_state"], row["freed_budget"]) == (
        "Dear search", "1500.00", "cut", "3500.00")  # fmt: skip
    assert page["next_cursor"] is None
    assert client.get("/api/v1/calendar/performance?sort=bogus", **rep).status_code == 422
    assert KillFlag.objects.open().count() == 0
