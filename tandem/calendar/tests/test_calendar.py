"""The calendar's views: every campaign across its dates, placed on week rows and the
timeline; filters; an item opened in place; moving one (and the conflicts and refusals
that come with it); and a constant number of queries whatever the number of items."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.calendar import layout
from tandem.campaigns import services as campaigns
from tandem.campaigns.models import Campaign
from tandem.core.errors import DomainError

HTMX = {"HTTP_HX_REQUEST": "true"}
TODAY = date(2026, 12, 5)  # a Saturday; its week starts on Monday 30 November


@pytest.fixture
def plan(org):
    """Mia's: a webinar 1-3 Dec, a trade show 7-20 Dec, a mailing 28 Dec - 8 Jan (North),
    a cut press release 10 Dec; Hana's e-mail 2-31 Dec."""

    def made(name, first, last, type="webinar", owner=None, **more):
        return campaigns.create_campaign(
            actor=owner or org.marketer,
            name=name,
            type=type,
            channel="events" if type in ("webinar", "trade_show") else "email",
            starts_on=first,
            ends_on=last,
            **more,
        )

    found = {
        "webinar": made("Heat-pump webinar", date(2026, 12, 1), date(2026, 12, 3)),
        "show": made("Harrogate show", date(2026, 12, 7), date(2026, 12, 20), "trade_show"),
        "mailing": made("New year mailing", date(2026, 12, 28), date(2027, 1, 8), "direct_mail"),
        "press": made("Press release", date(2026, 12, 10), date(2026, 12, 10), "press"),
        "email": made("December e-mails", date(2026, 12, 2), date(2026, 12, 31), "email",
                      owner=org.marketing_head),
    }  # fmt: skip
    Campaign.objects.filter(pk=found["mailing"].pk).update(region="North")
    found["mailing"].refresh_from_db()
    campaigns.set_status(actor=org.marketer, campaign=found["press"], status="cut")
    return found


def test_week_rows_place_each_item_from_its_first_to_its_last_day(plan):
    items = list(Campaign.objects.all())
    rows = layout.weeks(items, date(2026, 12, 1), date(2026, 12, 31))
    assert [w.first for w in rows][:2] == [date(2026, 11, 30), date(2026, 12, 7)]
    assert len(rows) == 5  # 30 Nov ... 28 Dec
    first = {b.item.name: (b.col, b.span, b.from_before, b.into_next) for b in rows[0].bars}
    assert first == {
        "Heat-pump webinar": (2, 3, False, False),  # Tue 1 - Thu 3
        "December e-mails": (3, 5, False, True),  # Wed 2 - Sun 6, carries on
    }
    show = next(b for b in rows[1].bars if b.item.name == "Harrogate show")
    assert (show.col, show.span, show.into_next) == (1, 7, True)
    last = {b.item.name: (b.col, b.span, b.from_before, b.into_next) for b in rows[4].bars}
    assert last["New year mailing"] == (1, 7, False, True)
    assert last["December e-mails"] == (1, 4, True, False)
    crowded = layout.weeks(items * 3, date(2026, 12, 7), date(2026, 12, 13), lanes=4)
    assert len(crowded[0].bars) == 4 and crowded[0].more == 5  # 3 x (show, e-mails, press)


def test_the_timeline_clips_items_to_its_range(plan):
    rows = layout.timeline(list(Campaign.objects.all()), date(2026, 12, 1), date(2026, 12, 31))
    mailing = next(r for r in rows if r.item.name == "New year mailing")
    assert (mailing.col, mailing.span, mailing.into_next) == (28, 4, True)


def test_the_month_shows_every_campaign_running_in_it(client, org, plan):
    client.force_login(org.front_liner)  # every internal user sees the calendar
    page = client.get("/calendar/?on=2026-12-05").content.decode()
    assert '<h2 class="card-title mb-0 me-auto" id="calendar-title">December 2026</h2>' in page
    for name in ("Heat-pump webinar", "Harrogate show", "New year mailing", "December e-mails"):
        assert f">{name}<" in page
    assert "status-cut" in page  # the cut press release stays, struck through
    assert "draggable" not in page  # the front line moves nothing
    client.force_login(org.marketer)
    page = client.get("/calendar/?on=2026-12-05").content.decode()
    movable = set(re.findall(r'data-item="(\d+)"[^>]*draggable="true"', page))
    # Her team's open campaigns (Hana's e-mails too); not the cut press release.
    assert movable == {str(plan[k].pk) for k in ("webinar", "show", "mailing", "email")}


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("type=trade_show", ["Harrogate show"], ["Heat-pump webinar"]),
        ("region=North", ["New year mailing", "Heat-pump webinar"], []),
        ("status=cut", ["Press release"], ["Harrogate show"]),
        ("channel=email", ["December e-mails"], ["Harrogate show"]),
    ],
)
def test_filters(client, org, plan, query, shown, hidden):
    client.force_login(org.sales_rep)
    page = client.get(f"/calendar/?on=2026-12-05&{query}", **HTMX).content.decode()
    assert page.lstrip().startswith('<section id="calendar-grid"')
    assert all(f">{n}<" in page for n in shown) and not any(f">{n}<" in page for n in hidden)


def test_the_owner_filter_and_hostile_parameters(client, org, plan):
    client.force_login(org.sales_rep)
    hanas = client.get(f"/calendar/?on=2026-12-05&owner={org.marketing_head.pk}").content.decode()
    assert ">December e-mails<" in hanas and ">Harrogate show<" not in hanas
    for nasty in (
        "owner=1%20OR%201=1",
        "team=99999999999999999999",
        "type=<script>",
        "on=2026-13-45",
        "on=99999-01-01",
        "view=../../etc",
        "colour=red",
        "region=" + "x" * 5000,
    ):
        response = client.get(f"/calendar/?{nasty}")
        assert response.status_code == 200, nasty
        assert "<script>" not in response.content.decode().split("<main", 1)[1].split("</main>")[0]


@pytest.mark.parametrize(("view", "title"), [
    ("week", "30 Nov to 6 Dec 2026"),
    ("quarter", "Q4 2026"),
    ("timeline", "1 Dec to 28 Feb 2027"),
])  # fmt: skip
def test_the_week_quarter_and_timeline_views(client, org, plan, view, title):
    client.force_login(org.sales_head)
    page = client.get(f"/calendar/?view={view}&on=2026-12-05").content.decode()
    assert f'id="calendar-title">{title}</h2>' in page
    assert ">December e-mails<" in page


def test_an_empty_range_says_what_to_do(client, org):
    client.force_login(org.marketer)
    page = client.get("/calendar/?on=2031-06-01").content.decode()
    assert "Nothing planned in June 2031." in page and "plan a campaign" in page


def test_outsiders_see_no_calendar(client, org, plan):
    client.force_login(org.outsider)
    assert client.get("/calendar/").status_code == 403
    assert client.get(f"/calendar/items/{plan['show'].pk}/").status_code == 404


def test_an_item_opens_in_place_with_its_plan_and_readiness(client, org, plan):
    client.force_login(org.sales_rep)
    panel = client.get(f"/calendar/items/{plan['show'].pk}/", **HTMX).content.decode()
    assert panel.lstrip().startswith('<article class="card"')
    assert "7 Dec 2026 \u2013 20 Dec 2026" in panel
    assert "Sales has not marked its readiness yet." in panel
    assert "Mark sales' readiness" not in panel and "Move" not in panel  # a rep: neither
    assert "Add a comment" in panel  # comments and @mentions
    page = client.get(f"/calendar/items/{plan['show'].pk}/")
    assert page.status_code == 200 and "← Back to the calendar" in page.content.decode()
    assert client.get("/calendar/items/99999999/").status_code == 404


def test_moving_an_item_keeps_its_uid_and_raises_its_sequence(client, org, plan):
    show = plan["show"]
    uid, sequence = show.uid, show.sequence
    client.force_login(org.marketer)
    moved = client.post(
        f"/calendar/items/{show.pk}/move/",
        {"starts_on": "2027-01-11", "ends_on": "2027-01-24", "version": show.version},
        **HTMX,
    )
    assert moved.status_code == 200 and moved["HX-Trigger"] == "calendar-changed"
    assert "Harrogate show moved to 11 Jan to 24 Jan 2027." in moved.content.decode()
    show.refresh_from_db()
    assert (show.starts_on, show.ends_on, show.uid) == (date(2027, 1, 11), date(2027, 1, 24), uid)
    assert show.sequence == sequence + 1


def test_a_second_editor_gets_a_conflict_naming_what_changed(client, org, plan):
    show = plan["show"]
    seen = show.version
    campaigns.reschedule(
        actor=org.marketer, campaign=show, starts_on=date(2027, 2, 1), ends_on=date(2027, 2, 5)
    )
    client.force_login(org.marketer)
    late = client.post(
        f"/calendar/items/{show.pk}/move/",
        {"starts_on": "2027-03-01", "ends_on": "2027-03-05", "version": seen},
        **HTMX,
    )
    assert late.status_code == 422
    assert "Someone else changed Harrogate show (dates) while you were looking at it" in (
        late.content.decode()
    )
    show.refresh_from_db()
    assert show.starts_on == date(2027, 2, 1)


@pytest.mark.parametrize(
    ("starts", "ends", "says"),
    [
        ("2020-01-01", "2027-01-01", "A planned campaign cannot start in the past."),
        ("2027-02-10", "2027-02-01", "The campaign cannot end before it starts."),
        ("", "2027-02-01", "This field is required."),
        ("yesterday", "2027-02-01", "Enter a valid date."),
    ],
)
def test_a_move_into_the_past_or_backwards_is_refused(client, org, plan, starts, ends, says):
    show = plan["show"]
    client.force_login(org.marketer)
    refused = client.post(
        f"/calendar/items/{show.pk}/move/",
        {"starts_on": starts, "ends_on": ends, "version": show.version},
        **HTMX,
    )
    assert refused.status_code == 422 and says in refused.content.decode()
    show.refresh_from_db()
    assert show.starts_on == date(2026, 12, 7)


def test_who_may_move_what(client, org, plan):
    client.force_login(org.sales_rep)
    show = plan["show"]
    form = {"starts_on": "2027-01-11", "ends_on": "2027-01-12", "version": show.version}
    assert client.post(f"/calendar/items/{show.pk}/move/", form).status_code == 403
    client.force_login(org.outsider)
    assert client.post(f"/calendar/items/{show.pk}/move/", form).status_code == 404
    with pytest.raises(DomainError) as ended:
        campaigns.reschedule(
            actor=org.marketer,
            campaign=plan["press"],
            starts_on=date(2027, 1, 1),
            ends_on=date(2027, 1, 2),
        )
    assert ended.value.code == "campaign_ended"


def test_a_live_campaign_keeps_its_start(org, plan):
    email = plan["email"]
    campaigns.set_status(actor=org.marketing_head, campaign=email, status="live")
    with pytest.raises(DomainError, match="is live: it keeps its start date"):
        campaigns.reschedule(
            actor=org.marketing_head,
            campaign=email,
            starts_on=date(2027, 1, 2),
            ends_on=date(2027, 1, 31),
            today=TODAY,
        )
    campaigns.reschedule(
        actor=org.marketing_head,
        campaign=email,
        starts_on=email.starts_on,
        ends_on=date(2027, 1, 15),
        today=TODAY,
    )
    assert email.ends_on == date(2027, 1, 15)


def _spread(org, n, start):
    Campaign.objects.bulk_create(
        [
            Campaign(
                name=f"Bulk {i}",
                type="email",
                channel="email",
                starts_on=date(2026, 12, 1) + timedelta(days=i % 28),
                ends_on=date(2026, 12, 1) + timedelta(days=i % 28 + i % 5),
                owner=org.marketer,
                team_id=org.marketer.home_team_id(),
                form_key=f"bulk-{start}-{i}",
            )
            for i in range(start, start + n)
        ]
    )


@pytest.mark.parametrize("view", ["month", "week", "quarter", "timeline"])
def test_the_calendar_reads_in_a_constant_number_of_queries(client, org, view):
    client.force_login(org.marketer)
    url = f"/calendar/?view={view}&on=2026-12-05"
    _spread(org, 5, 0)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _spread(org, 80, 5)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), [q["sql"][:100] for q in many.captured_queries]
