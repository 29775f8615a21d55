"""Capacity in use: its page (region, empty states, over-capacity weeks with their
campaigns, a constant number of queries), the warning before a move or a new campaign
is saved, "anyway" asking the sales head, the heads' launch rule, the API, and who may
see or set what."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tandem.approvals import services as approvals
from tandem.approvals.models import ApprovalRequest
from tandem.calendar import capacity, capacity_gate
from tandem.calendar.kinds import OVER_CAPACITY
from tandem.campaigns import services as campaigns
from tandem.campaigns.models import Campaign
from tandem.conftest import bearer
from tandem.core.errors import DomainError
from tandem.factories.campaigns import CampaignFactory
from tandem.factories.handoff import LeadFactory
from tandem.handoff.models import Stage
from tandem.notifications.models import Notification
from tandem.people.models import Membership

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def monday():
    """Next week's Monday: every date of these tests is in the future."""
    return capacity.monday_of(timezone.localdate()) + timedelta(weeks=1)


def _campaign(org, monday, expected, name="Spring mailing", weeks=1, **more):
    return campaigns.create_campaign(
        actor=org.marketer, name=name, type="email", channel="email", starts_on=monday,
        ends_on=monday + timedelta(days=7 * weeks - 1), expected_leads_per_week=expected, **more,
    )  # fmt: skip


def test_the_page_shows_each_week_and_what_puts_it_over(client, org, monday):
    busy = _campaign(org, monday, 50)  # Sam takes 40 a week
    _campaign(org, monday, 3, name="Small e-mail")
    client.force_login(org.front_liner)  # everyone who works here sees it
    page = client.get("/calendar/capacity/").content.decode()
    assert "1 week over capacity" in page and 'data-chart="capacity-data"' in page
    row = page.split(f'data-week="{monday:%Y-%m-%d}"')[1].split("</tr>")[0]
    assert 'class="table-warning" data-over' in row and "⚠ 13 over" in row
    assert f'href="/calendar/items/{busy.pk}/">Spring mailing</a> 50' in row
    assert "Small e-mail</a> 3" in row
    quiet = page.split(f'data-week="{monday + timedelta(weeks=1):%Y-%m-%d}"')[1].split("</tr>")[0]
    assert "40 to spare" in quiet and "data-over" not in quiet
    assert "Sales capacity" in client.get("/calendar/").content.decode()  # linked from there
    partial = client.get("/calendar/capacity/?region=Atlantis", **HTMX).content.decode()
    assert partial.startswith('<section id="capacity"') and "No routing rule names" in partial


def test_the_page_says_what_to_do_when_nothing_is_there(client, org):
    client.force_login(org.marketer)
    page = client.get("/calendar/capacity/").content.decode()
    assert 'data-empty="no-campaigns"' in page and "plan a campaign" in page
    Membership.objects.filter(user=org.sales_rep).delete()
    page = client.get("/calendar/capacity/").content.decode()
    assert 'data-empty="no-reps"' in page and "add reps to a sales team" in page
    Membership.objects.create(user=org.sales_rep, team=org.sales)
    org.sales_rep.away_until = timezone.localdate() + timedelta(days=400)
    org.sales_rep.save()
    page = client.get("/calendar/capacity/").content.decode()
    # Away from today: this week's days gone by were worked, unless today is a Monday.
    weeks = 13 if timezone.localdate().weekday() == 0 else 12
    assert 'data-empty="all-away"' in page and f"{weeks} of these weeks" in page


def test_the_page_reads_the_same_few_queries_whatever_it_shows(client, org, monday):
    client.force_login(org.marketer)

    def count():
        client.get("/calendar/capacity/")  # warm: sessions, the navigation's caches
        with CaptureQueriesContext(connection) as seen:
            assert client.get("/calendar/capacity/").status_code == 200
        return len(seen)

    _campaign(org, monday, 50)
    few = count()
    for n in range(30):
        CampaignFactory(owner=org.marketer, name=f"Busy {n}", type="email",
                        starts_on=monday, ends_on=monday + timedelta(days=n),
                        expected_leads_per_week=n)  # fmt: skip
        LeadFactory(stage=Stage.MQL, rep=org.sales_rep, team=org.sales)
    assert count() == few


def test_a_move_into_an_over_capacity_week_warns_first_then_asks_the_sales_head(
    client, org, monday
):
    mailing = _campaign(org, monday + timedelta(weeks=2), 50)
    client.force_login(org.marketer)
    form = {
        "starts_on": monday.isoformat(),
        "ends_on": (monday + timedelta(days=6)).isoformat(),
        "version": mailing.version,
    }
    warned = client.post(f"/calendar/items/{mailing.pk}/move/", form, **HTMX)
    said = warned.content.decode()
    assert warned.status_code == 422 and "Not moved yet: sales would be over capacity" in said
    assert f"Week of {monday:%-d %b %Y}: 50 leads coming (50 from Spring mailing)" in said
    assert "against 40 sales can take: 10 over." in said
    assert 'name="confirm" value="1"' in said
    mailing.refresh_from_db()
    assert mailing.starts_on == monday + timedelta(weeks=2)  # nothing moved
    assert not ApprovalRequest.objects.filter(kind=OVER_CAPACITY).exists()
    moved = client.post(f"/calendar/items/{mailing.pk}/move/", form | {"confirm": "1"}, **HTMX)
    assert moved.status_code == 200 and moved["HX-Trigger"] == "calendar-changed"
    mailing.refresh_from_db()
    assert mailing.starts_on == monday
    waiting = list(ApprovalRequest.objects.waiting_for(org.sales_head))
    assert [(r.kind, r.subject_id) for r in waiting] == [(OVER_CAPACITY, mailing.pk)]
    assert "10 over" in waiting[0].reason and waiting[0].version == mailing.version
    assert not ApprovalRequest.objects.waiting_for(org.marketer).exists()
    assert Notification.objects.filter(recipient=org.sales_head).exists()
    client.force_login(org.sales_head)  # who sees it on the Decisions page
    decisions = client.get("/decisions/").content.decode()
    assert "Spring mailing over sales capacity" in decisions


def test_a_move_with_room_is_saved_at_once(client, org, monday):
    mailing = _campaign(org, monday, 30)
    client.force_login(org.marketer)
    form = {
        "starts_on": (monday + timedelta(weeks=1)).isoformat(),
        "ends_on": (monday + timedelta(weeks=1, days=6)).isoformat(),
        "version": mailing.version,
    }
    assert client.post(f"/calendar/items/{mailing.pk}/move/", form, **HTMX).status_code == 200
    assert not ApprovalRequest.objects.exists()


def test_a_new_campaign_over_capacity_warns_before_it_is_saved(client, org, monday):
    client.force_login(org.marketer)
    form = {
        "name": "Big push", "type": "email", "channel": "email",
        "starts_on": monday.isoformat(), "ends_on": (monday + timedelta(days=2)).isoformat(),
        "planned_budget": "0", "currency": "GBP", "expected_leads_per_week": "140",
        "region": "",
    }  # fmt: skip
    warned = client.post("/campaigns/new/", form)
    said = warned.content.decode()
    assert warned.status_code == 200 and "Not saved yet: sales would be over capacity" in said
    assert "60 leads coming (60 from Big push) against 40 sales can take: 20 over." in said
    assert not Campaign.objects.filter(name="Big push").exists()
    saved = client.post("/campaigns/new/", form | {"confirm": "1"})
    created = Campaign.objects.get(name="Big push")
    assert saved.status_code == 302 and saved["Location"] == f"/campaigns/{created.pk}/"
    assert [r.subject_id for r in ApprovalRequest.objects.waiting_for(org.sales_head)] == [
        created.pk
    ]
    later = {"starts_on": (monday + timedelta(weeks=1)).isoformat(),
             "ends_on": (monday + timedelta(weeks=1, days=2)).isoformat()}  # fmt: skip
    quiet = client.post(
        "/campaigns/new/", form | later | {"name": "Small", "expected_leads_per_week": "1"}
    )
    assert quiet.status_code == 302  # room for it: saved at once, nobody asked
    assert ApprovalRequest.objects.count() == 1


def test_the_heads_rule_makes_an_unapproved_campaign_over_capacity_wait(org, monday):
    mailing = _campaign(org, monday, 50)
    # Off: it goes live over capacity, approved or not.
    live = _campaign(org, monday, 1, name="Already live")
    campaigns.set_status(actor=org.marketer, campaign=live, status="live")
    with pytest.raises(DomainError) as refused:
        capacity_gate.set_rule(actor=org.marketing_head, approval_before_launch=True)
    assert refused.value.code == "forbidden"
    capacity_gate.set_rule(actor=org.sales_head, approval_before_launch=True)
    assert capacity_gate.rule().approval_before_launch
    with pytest.raises(DomainError, match="a head of sales has not approved it: move it"):
        campaigns.set_status(actor=org.marketer, campaign=mailing, status="live")
    campaigns.reschedule(
        actor=org.marketer, campaign=mailing, starts_on=monday,
        ends_on=monday + timedelta(days=5), confirm_warnings=True,
    )  # fmt: skip
    request = ApprovalRequest.objects.get(kind=OVER_CAPACITY)
    with pytest.raises(DomainError, match="not approved it yet \\(waiting for decisions\\)"):
        campaigns.set_status(actor=org.marketer, campaign=mailing, status="live")
    approvals.decide(
        actor=org.sales_head, request=request, outcome="approve", version=request.version
    )
    campaigns.set_status(actor=org.marketer, campaign=mailing, status="live")
    mailing.refresh_from_db()
    assert mailing.status == "live"
    # Within capacity, nobody need approve anything.
    small = _campaign(org, monday + timedelta(weeks=3), 5, name="Small")
    campaigns.set_status(actor=org.marketer, campaign=small, status="live")


def test_only_a_head_of_sales_sets_the_rule(client, org):
    client.force_login(org.marketing_head)
    assert (
        client.post("/calendar/capacity/rule/", {"approval_before_launch": "on"}).status_code == 403
    )
    client.force_login(org.sales_head)
    set_on = client.post("/calendar/capacity/rule/", {"approval_before_launch": "on"})
    assert set_on.status_code == 302 and capacity_gate.rule().approval_before_launch
    page = client.get("/calendar/capacity/").content.decode()
    assert 'data-rule="on"' in page and "Set by Sid Head" in page
    client.post("/calendar/capacity/rule/", {})
    assert not capacity_gate.rule().approval_before_launch


def test_outsiders_see_nothing(client, org):
    client.force_login(org.outsider)
    assert client.get("/calendar/capacity/").status_code == 403
    assert (
        client.post("/calendar/capacity/rule/", {"approval_before_launch": "on"}).status_code == 403
    )
    assert (
        client.get("/api/v1/calendar/capacity", **bearer(org.outsider, "read")).status_code == 404
    )


def test_the_api_gives_the_weeks_with_their_figures(client, org, monday):
    busy = _campaign(org, monday, 50)
    auth = bearer(org.sales_rep, "read")
    found = client.get("/api/v1/calendar/capacity?weeks=3", **auth).json()
    assert found["first_week"] == (monday - timedelta(weeks=1)).isoformat()
    assert (found["region"], found["region_label"], found["reps"]) == ("", "All regions", 1)
    over = found["weeks"][1]
    assert {k: over[k] for k in ("week_of", "inflow", "capacity", "available", "over")} == {
        "week_of": monday.isoformat(), "inflow": 50.0, "capacity": 40.0, "available": 40.0,
        "over": True,
    }  # fmt: skip
    assert over["difference"] == -10 and over["campaigns"] == [
        {"campaign_id": busy.pk, "name": "Spring mailing", "leads": 50.0, "basis": "expected",
         "sample_size": 0},
    ]  # fmt: skip
    wrong = client.get("/api/v1/calendar/capacity?region=Atlantis", **auth)
    assert wrong.status_code == 422 and wrong.json()["code"] == "capacity_unknown_region"
    assert client.get("/api/v1/calendar/capacity?weeks=0", **auth).status_code == 422


def test_an_item_shows_its_capacity_impact(client, org, monday):
    heavy = _campaign(org, monday, 50)
    light = _campaign(org, monday + timedelta(weeks=2), 30, name="Small mailing")
    client.force_login(org.sales_rep)
    panel = client.get(f"/calendar/items/{heavy.pk}/", **HTMX).content.decode()
    assert "Sales would be over capacity in 1 week it runs." in panel
    assert f"Week of {monday:%-d %b %Y}: 50 leads coming" in panel
    panel = client.get(f"/calendar/items/{light.pk}/", **HTMX).content.decode()
    assert "Sales can take the leads it brings in the weeks it runs." in panel
