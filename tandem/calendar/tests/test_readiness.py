"""Sales' readiness per campaign and the launch gate it holds: who marks it, what "ready"
means, and a campaign that needs it refused going live until sales is ready, naming what
is missing, through the service, the campaign page and the API alike."""

from datetime import date

import pytest

from tandem.calendar import readiness
from tandem.calendar.models import Readiness, ReadinessDelegate
from tandem.campaigns import services as campaigns
from tandem.conftest import bearer
from tandem.core.errors import DomainError
from tandem.notifications.models import Notification

HTMX = {"HTTP_HX_REQUEST": "true"}
ALL_TICKED = {"reps_briefed": True, "collateral_signed_off": True, "capacity_booked": True}


@pytest.fixture
def show(org):
    return campaigns.create_campaign(
        actor=org.marketer,
        name="Harrogate show",
        type="trade_show",
        channel="events",
        starts_on=date(2027, 1, 11),
        ends_on=date(2027, 1, 13),
    )


def test_a_trade_show_waits_for_sales_and_the_refusal_names_what_is_missing(org, show):
    with pytest.raises(DomainError) as refused:
        campaigns.set_status(actor=org.marketer, campaign=show, status="live")
    assert refused.value.code == "campaign_not_ready"
    assert (
        refused.value.message
    ) == "Harrogate show cannot go live yet: sales has not marked its readiness yet."
    readiness.mark(
        actor=org.sales_head, campaign=show, status="need_help", note="Two reps are off sick"
    )
    with pytest.raises(DomainError, match=r"sales marked it need help \(Two reps are off sick\)"):
        campaigns.set_status(actor=org.marketer, campaign=show, status="live")
    readiness.mark(actor=org.sales_head, campaign=show, status="ready", **ALL_TICKED)
    campaigns.set_status(actor=org.marketer, campaign=show, status="live")
    show.refresh_from_db()
    assert show.status == "live" and show.sequence == 1


def test_a_campaign_that_needs_no_readiness_launches_without_it(org):
    press = campaigns.create_campaign(
        actor=org.marketer,
        name="Press",
        type="press",
        channel="content",
        starts_on=date(2027, 1, 1),
        ends_on=date(2027, 1, 1),
    )
    campaigns.set_status(actor=org.marketer, campaign=press, status="live")
    assert press.status == "live"


def test_ready_means_every_box_ticked_and_the_rest_need_a_note(org, show):
    with pytest.raises(DomainError) as partly:
        readiness.mark(actor=org.sales_head, campaign=show, status="ready", reps_briefed=True)
    assert partly.value.code == "readiness_checklist_incomplete"
    assert "collateral signed off, follow-up capacity booked still to do" in partly.value.message
    with pytest.raises(DomainError, match="Say what sales needs"):
        readiness.mark(actor=org.sales_head, campaign=show, status="not_ready")
    with pytest.raises(DomainError, match="Choose ready, need help or not ready"):
        readiness.mark(actor=org.sales_head, campaign=show, status="maybe")
    with pytest.raises(DomainError, match="at most 500"):
        readiness.mark(actor=org.sales_head, campaign=show, status="not_ready", note="x" * 501)
    assert not Readiness.objects.exists()


def test_heads_of_sales_and_their_delegates_mark_it_and_no_one_else(org, show):
    for person in (org.sales_rep, org.marketer, org.marketing_head, org.front_liner, org.admin):
        with pytest.raises(DomainError) as refused:
            readiness.mark(actor=person, campaign=show, status="ready", **ALL_TICKED)
        assert refused.value.status == 403
    ReadinessDelegate.objects.create(user=org.sales_rep, appointed_by=org.sales_head)
    found = readiness.mark(actor=org.sales_rep, campaign=show, status="ready", **ALL_TICKED)
    assert found.marked_by == org.sales_rep and found.missing == []


def test_marking_on_the_calendar_item(client, org, show):
    client.force_login(org.sales_head)
    panel = client.get(f"/calendar/items/{show.pk}/", **HTMX).content.decode()
    assert "Mark sales' readiness" in panel
    assert "It cannot go live yet: sales has not marked its readiness yet." in panel
    refused = client.post(
        f"/calendar/items/{show.pk}/readiness/", {"status": "ready", "reps_briefed": "on"}, **HTMX
    )
    assert refused.status_code == 422 and "still to do" in refused.content.decode()
    done = client.post(
        f"/calendar/items/{show.pk}/readiness/",
        {"status": "ready", **{k: "on" for k in ALL_TICKED}},
        **HTMX,
    )
    assert done.status_code == 200 and done["HX-Trigger"] == "calendar-changed"
    assert "Sales is ready: it may go live." in done.content.decode()
    client.force_login(org.marketer)
    month = client.get("/calendar/?on=2027-01-11").content.decode()
    assert 'aria-label="sales ready">✓ </span>Harrogate show' in month  # marketing sees it
    client.force_login(org.sales_rep)
    not_theirs = client.post(f"/calendar/items/{show.pk}/readiness/", {"status": "ready"})
    assert not_theirs.status_code == 403


def test_the_api_refuses_the_launch_too(client, org, show):
    response = client.post(
        f"/api/v1/campaigns/{show.pk}/status",
        {"status": "live"},
        content_type="application/json",
        **bearer(org.marketer),
    )
    assert response.status_code == 409
    assert response.json()["code"] == "campaign_not_ready"
    show.refresh_from_db()
    assert show.status == "planned"


def test_the_owner_is_told_what_sales_said(org, show):
    readiness.mark(actor=org.sales_head, campaign=show, status="not_ready", note="Reps on leave")
    told = Notification.objects.get(recipient=org.marketer)
    assert told.text == "Sales marked Harrogate show not ready: Reps on leave"
    assert told.url == f"/calendar/items/{show.pk}/"


def test_a_head_appoints_and_removes_delegates(client, org, show):
    client.force_login(org.sales_head)
    page = client.get("/calendar/delegates/").content.decode()
    assert "No delegates: only the heads mark readiness." in page
    assert f'<option value="{org.sales_rep.pk}">' in page
    assert f'<option value="{org.marketer.pk}">' not in page  # not in a sales team
    assert client.post("/calendar/delegates/", {"user": org.sales_rep.pk}).status_code == 302
    assert readiness.may_mark(org.sales_rep)
    refused = client.post("/calendar/delegates/", {"user": org.marketer.pk})
    assert refused.status_code == 302 and not readiness.may_mark(org.marketer)
    for nonsense in ("", "abc", "99999999999999999999", "-1"):
        assert client.post("/calendar/delegates/", {"user": nonsense}).status_code == 302
    assert ReadinessDelegate.objects.count() == 1
    client.force_login(org.sales_rep)  # a delegate does not appoint or remove
    delegate = ReadinessDelegate.objects.get()
    assert client.post(f"/calendar/delegates/{delegate.pk}/remove/").status_code == 403
    client.force_login(org.sales_head)
    assert client.post(f"/calendar/delegates/{delegate.pk}/remove/").status_code == 302
    assert not readiness.may_mark(org.sales_rep)


def test_the_campaign_page_shows_sales_readiness(client, org, show):
    client.force_login(org.marketer)
    page = client.get(f"/campaigns/{show.pk}/").content.decode()
    assert "Sales has not marked its readiness yet." in page
    assert f'href="/calendar/items/{show.pk}/">Open on the calendar' in page
    readiness.mark(actor=org.sales_head, campaign=show, status="ready", **ALL_TICKED)
    assert "<strong>Ready</strong>" in client.get(f"/campaigns/{show.pk}/").content.decode()
