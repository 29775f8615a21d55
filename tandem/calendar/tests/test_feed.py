"""Calendar feeds: the ICS a calendar app subscribes to (parsed back with icalendar, as a
client would), who it shows what, its secret, its answers to "anything new?", and the
page where people make and revoke feeds."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import http_date
from icalendar import Calendar

from tandem.calendar import feeds, ics, readiness
from tandem.calendar.models import EventText, FeedToken
from tandem.campaigns import services as campaigns
from tandem.campaigns.models import Campaign
from tandem.core.errors import DomainError
from tandem.people.passwords import password_changed


def _day(n):
    return timezone.localdate() + timedelta(days=n)


@pytest.fixture
def plan(org):
    """Mia's webinar in ten days (three days long), her e-mails next month, and Hana's
    trade show in the North; a press release long past the feed's window."""

    def made(name, first, last, type="webinar", owner=None):
        return campaigns.create_campaign(
            actor=owner or org.marketer,
            name=name,
            type=type,
            channel="events" if type in ("webinar", "trade_show") else "email",
            starts_on=first,
            ends_on=last,
        )

    found = {
        "webinar": made("Heat-pump webinar", _day(10), _day(12)),
        "email": made("January e-mails", _day(30), _day(60), "email"),
        "show": made("Harrogate show", _day(20), _day(22), "trade_show", org.marketing_head),
    }
    Campaign.objects.filter(pk=found["show"].pk).update(region="North")
    found["old"] = Campaign.objects.create(
        name="Old press release",
        type="press",
        channel="content",
        starts_on=_day(-400),
        ends_on=_day(-300),
        owner=org.marketer,
    )
    return found


def _feed(org, user=None, name="Outlook", **filters):
    token, secret = feeds.create_feed(actor=user or org.marketer, name=name, filters=filters)
    return token, f"/calendar/feed/{secret}.ics"


def _events(response):
    assert response.status_code == 200, response.content[:200]
    calendar = Calendar.from_ical(response.content)
    return calendar, {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}


# --- The calendar, as a client reads it ---------------------------------------------------
def test_the_feed_is_a_published_calendar_clients_refresh_hourly(client, org, plan):
    _, url = _feed(org, name="Outlook at work")
    response = client.get(url)  # no one signed in: calendar apps cannot
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar, _ = _events(response)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"] == ics.PRODID
    assert calendar["CALSCALE"] == "GREGORIAN"
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["NAME"] == calendar["X-WR-CALNAME"] == "Tandem: Outlook at work"
    text = response.content.decode()
    assert "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in text
    assert "\r\nX-PUBLISHED-TTL:PT1H\r\n" in text
    assert "BEGIN:VTIMEZONE" not in text and "TZID" not in text  # all-day: no zone needed


def test_each_campaign_is_an_all_day_event_with_its_uid_and_sequence(client, org, plan):
    _, url = _feed(org)
    _, events = _events(client.get(url))
    assert set(events) == {"Heat-pump webinar", "January e-mails", "Harrogate show"}
    webinar, campaign = events["Heat-pump webinar"], plan["webinar"]
    assert webinar["UID"] == f"{campaign.uid}@tandem"
    assert webinar["SEQUENCE"] == 0
    assert webinar["STATUS"] == "TENTATIVE"
    assert webinar.decoded("DTSTART") == _day(10)
    assert webinar.decoded("DTEND") == _day(13)  # exclusive: the day after the last
    assert webinar["DTSTART"].params["VALUE"] == "DATE"
    stamp = webinar.decoded("DTSTAMP")
    assert stamp.tzinfo is not None and stamp.utcoffset() == timedelta(0)
    assert stamp == campaign.updated_at.replace(microsecond=0)
    assert webinar.decoded("LAST-MODIFIED") == stamp
    said = str(webinar["DESCRIPTION"])
    assert "Type: Webinar" in said and "Channel: Events" in said
    assert "Owner: Mia Marketer (Marketing)" in said
    assert "Sales readiness: not marked yet" in said
    assert str(webinar["URL"]).endswith(f"/calendar/items/{campaign.pk}/")
    assert str(webinar["URL"]).startswith("http")
    assert [str(c) for c in webinar["CATEGORIES"].cats] == ["Webinar", "Events"]
    assert "Region: North" in str(events["Harrogate show"]["DESCRIPTION"])
    assert "not needed for this type" in str(events["January e-mails"]["DESCRIPTION"])


def test_a_move_keeps_the_uid_and_raises_the_sequence(client, org, plan):
    _, url = _feed(org)
    before = _events(client.get(url))[1]["Heat-pump webinar"]
    campaigns.reschedule(
        actor=org.marketer, campaign=plan["webinar"], starts_on=_day(14), ends_on=_day(14)
    )
    after = _events(client.get(url))[1]["Heat-pump webinar"]
    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert (after.decoded("DTSTART"), after.decoded("DTEND")) == (_day(14), _day(15))


def test_a_cut_campaign_stays_as_cancelled_and_a_live_one_is_confirmed(client, org, plan):
    _, url = _feed(org)
    campaigns.set_status(actor=org.marketer, campaign=plan["webinar"], status="cut")
    campaigns.set_status(actor=org.marketer, campaign=plan["email"], status="live")
    events = _events(client.get(url))[1]
    cut = events["Heat-pump webinar (cut)"]
    assert cut["STATUS"] == "CANCELLED" and cut["SEQUENCE"] == 1
    assert cut["UID"] == f"{plan['webinar'].uid}@tandem"
    assert events["January e-mails"]["STATUS"] == "CONFIRMED"


def test_sales_readiness_shows_and_changes_the_feed(client, org, plan):
    _, url = _feed(org)
    first = client.get(url)
    readiness.mark(
        actor=org.sales_head, campaign=plan["webinar"], status="need_help", note="Two reps away"
    )
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and again["ETag"] != first["ETag"]
    said = str(_events(again)[1]["Heat-pump webinar"]["DESCRIPTION"])
    assert "Sales readiness: Need help" in said


def test_the_saved_filters_apply(client, org, plan):
    by_type = _events(client.get(_feed(org, type="webinar")[1]))[1]
    assert set(by_type) == {"Heat-pump webinar"}
    by_owner = _events(client.get(_feed(org, owner=str(org.marketing_head.pk))[1]))[1]
    assert set(by_owner) == {"Harrogate show"}
    by_region = _events(client.get(_feed(org, region="North")[1]))[1]
    assert set(by_region) == {"Heat-pump webinar", "January e-mails", "Harrogate show"}
    Campaign.objects.filter(pk=plan["email"].pk).update(region="South")
    by_region = _events(client.get(_feed(org, region="North")[1]))[1]
    assert set(by_region) == {"Heat-pump webinar", "Harrogate show"}  # "" runs everywhere
    token, url = _feed(org, team=str(org.marketing.pk), status="planned")
    assert len(_events(client.get(url))[1]) == 3
    assert feeds.describe_filters([token])[token.pk] == "Team Marketing · Status Planned"


# --- Who sees what ------------------------------------------------------------------------
def test_a_feed_shows_only_what_its_owner_may_see_now(client, org, plan):
    _, url = _feed(org, user=org.front_liner)
    assert len(_events(client.get(url))[1]) == 3
    org.front_liner.memberships.all().delete()  # left the organisation's teams
    assert _events(client.get(url))[1] == {}
    org.front_liner.is_active = False
    org.front_liner.save()
    assert client.get(url).status_code == 404


def test_only_people_who_work_here_make_feeds(org):
    with pytest.raises(DomainError) as refused:
        feeds.create_feed(actor=org.outsider, name="Mine", filters={})
    assert refused.value.status == 403


def test_the_secret_is_not_stored(client, org, plan):
    token, url = _feed(org)
    secret = url.removeprefix("/calendar/feed/").removesuffix(".ics")
    key_id, rest = secret.split("_", 1)
    assert token.key_id == key_id and len(rest) >= 40
    stored = repr(list(FeedToken.objects.values_list()))
    stored += repr(list(FeedToken.history.values_list()))
    assert rest not in stored
    assert FeedToken.objects.get().secret_hash == feeds.hash_secret(rest)


# (A NUL is refused with a 400 before any view, by core.middleware.RefuseNulMiddleware.)
NOT_SECRETS = ["x", "_", "a_b", "0" * 12, "x" * 5000, "<script>", "%3Cb%3E", "..", "x.ics"]


def test_revoked_and_guessed_secrets_get_the_same_404(client, org, plan):
    token, url = _feed(org)
    key_id = token.key_id
    feeds.revoke_feed(actor=org.marketer, token=token)
    revoked = client.get(url)
    wrong_secret = client.get(f"/calendar/feed/{key_id}_{'A' * 43}.ics")
    guessed = [client.get(f"/calendar/feed/{s}.ics") for s in NOT_SECRETS]
    for answer in [revoked, wrong_secret, *guessed]:
        assert answer.status_code == 404
        assert answer.content == revoked.content == feeds.NOT_FOUND_BODY
        assert answer["Content-Type"] == revoked["Content-Type"]
        assert "ETag" not in answer


def test_only_get_and_head(client, org, plan):
    _, url = _feed(org)
    assert client.post(url).status_code == 405
    head = client.head(url)
    assert head.status_code == 200 and head["ETag"] and not head.content


# --- "Anything new?" ----------------------------------------------------------------------
def test_a_current_copy_gets_a_304_and_a_change_a_new_etag(client, org, plan):
    _, url = _feed(org)
    first = client.get(url)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('"') and modified
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"stale"').status_code == 200
    long_ago = http_date(datetime(2020, 1, 1, tzinfo=UTC).timestamp())
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=long_ago).status_code == 200

    campaigns.reschedule(
        actor=org.marketer, campaign=plan["email"], starts_on=_day(31), ends_on=_day(61)
    )
    moved = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert moved.status_code == 200 and moved["ETag"] != etag
    assert client.get(url, HTTP_IF_NONE_MATCH=moved["ETag"]).status_code == 304
    plan["show"].delete()  # gone: the count changes, so does the ETag
    assert client.get(url, HTTP_IF_NONE_MATCH=moved["ETag"]).status_code == 200


def _lists_items(asked):
    """Whether a query read the items' list (their names), not just the aggregate."""
    return [q["sql"] for q in asked.captured_queries if '"campaigns_campaign"."name"' in q["sql"]]


def test_the_304_is_answered_from_the_aggregate_alone(client, org, plan):
    _, url = _feed(org)
    etag = client.get(url)["ETag"]
    with CaptureQueriesContext(connection) as asked:
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert not _lists_items(asked)
    assert len(asked) <= 3, [q["sql"][:120] for q in asked.captured_queries]


def test_last_used_is_written_at_most_once_an_hour(client, org, plan):
    token, url = _feed(org)
    assert token.last_used_at is None
    client.get(url)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    with CaptureQueriesContext(connection) as asked:
        client.get(url)
    assert not [q for q in asked.captured_queries if q["sql"].startswith("UPDATE")]
    FeedToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(hours=2))
    client.get(url)
    token.refresh_from_db()
    assert token.last_used_at > first


# --- Size ---------------------------------------------------------------------------------
def _bulk(org, n, start=0):
    Campaign.objects.bulk_create(
        [
            Campaign(
                name=f"Bulk {i}",
                type="email" if i % 2 else "webinar",
                channel="email",
                status="cut" if i % 7 == 0 else "planned",
                starts_on=_day(i % 300),
                ends_on=_day(i % 300 + i % 5),
                owner=org.marketer,
                team=org.marketing,
                form_key=f"bulk-{start}-{i}",
            )
            for i in range(start, start + n)
        ],
        batch_size=1000,
    )


def test_ten_thousand_items_build_and_parse(client, org):
    _bulk(org, 10_000)
    _, url = _feed(org)
    calendar, _ = _events(client.get(url))
    found = calendar.walk("VEVENT")
    assert len(found) == 10_000
    assert len({str(e["UID"]) for e in found}) == 10_000
    assert sum(e["STATUS"] == "CANCELLED" for e in found) == len(range(0, 10_000, 7))


def test_a_feed_reads_in_a_constant_number_of_queries(client, org):
    _, url = _feed(org, name="All", type="")
    _bulk(org, 5)
    client.get(url)  # notes the use: the next reads write nothing
    cache.clear()  # built, not the body kept from the last request
    EventText.objects.all().delete()  # and every event serialised (and kept) anew
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _bulk(org, 200, start=5)
    cache.clear()
    EventText.objects.all().delete()
    with CaptureQueriesContext(connection) as many:
        assert len(_events(client.get(url))[1]) == 205
    assert len(many) == len(few), [q["sql"][:100] for q in many.captured_queries]
    assert _lists_items(many)  # built: the list read once


def test_a_poll_without_if_none_match_gets_the_body_kept_for_its_etag(client, org, plan):
    _, url = _feed(org)
    first = client.get(url)
    with CaptureQueriesContext(connection) as asked:
        again = client.get(url)
    assert again.content == first.content and again["ETag"] == first["ETag"]
    assert not _lists_items(asked)
    campaigns.reschedule(
        actor=org.marketer, campaign=plan["email"], starts_on=_day(31), ends_on=_day(61)
    )
    moved = client.get(url)
    assert moved["ETag"] != first["ETag"]
    assert _events(moved)[1]["January e-mails"].decoded("DTSTART") == _day(31)


# --- The feeds page -----------------------------------------------------------------------
def test_the_calendar_offers_to_subscribe_with_its_filters(client, org, plan):
    client.force_login(org.sales_rep)
    page = client.get("/calendar/?type=webinar&region=North").content.decode()
    assert 'href="/calendar/feeds/?view=month&amp;on=' in page
    assert "type=webinar&amp;region=North" in page
    shown = client.get("/calendar/feeds/?type=webinar&region=North&team=<b>").content.decode()
    assert '<option value="webinar" selected>' in shown
    assert '<option value="North" selected>' in shown
    assert "You have no feeds yet" in shown and "Google Calendar" in shown


def test_making_a_feed_shows_its_url_once(client, org, plan):
    client.force_login(org.sales_rep)
    made = client.post("/calendar/feeds/", {"name": "Phone", "type": "webinar"})
    assert made.status_code == 200 and made["Cache-Control"] == "no-store"
    page = made.content.decode()
    token = FeedToken.objects.get(owner=org.sales_rep)
    assert token.filters == {"type": "webinar"}
    start = page.index('id="feed-url">') + len('id="feed-url">')
    url = page[start : page.index("</p>", start)]
    assert url.startswith("http") and f"/calendar/feed/{token.key_id}_" in url
    webcal = "webcal://" + url.split("://", 1)[1]
    assert webcal in page
    client.logout()
    path = "/calendar/feed/" + url.split("/calendar/feed/", 1)[1]
    assert set(_events(client.get(path))[1]) == {"Heat-pump webinar"}

    client.force_login(org.sales_rep)
    again = client.get("/calendar/feeds/").content.decode()
    assert url not in again and token.key_id not in again
    assert "Phone" in again and "Type Webinar" in again and "never" not in again


@pytest.mark.parametrize(
    ("form", "field", "says"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"name": "   "}, "name", "This field is required."),
        ({"name": "x" * 101}, "name", "at most 100 characters"),
        ({"name": "ok", "type": "<script>"}, "type", "Select a valid choice"),
        ({"name": "ok", "team": "99999999999999999999"}, "team", "Select a valid choice"),
        ({"name": "ok", "region": "Atlantis"}, "region", "Select a valid choice"),
    ],
)
def test_bad_input_is_named_and_stores_nothing(client, org, plan, form, field, says):
    client.force_login(org.marketer)
    answer = client.post("/calendar/feeds/", form)
    assert answer.status_code == 422
    assert says in answer.content.decode()
    assert not FeedToken.objects.exists()


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"team": "999999"}, "team"),
        ({"owner": "abc"}, "owner"),
        ({"channel": "fax"}, "channel"),
        ({"status": "PLANNED"}, "status"),
        ({"region": "x" * 101}, "region"),
        ({"region": "North\x00"}, "region"),
        ({"colour": "team"}, "filters"),
        (["team"], "filters"),
    ],
)
def test_the_service_names_a_filter_that_would_filter_nothing(org, filters, field):
    with pytest.raises(DomainError) as refused:
        feeds.create_feed(actor=org.marketer, name="Mine", filters=filters)
    assert refused.value.field == field
    assert not FeedToken.objects.exists()
    with pytest.raises(DomainError) as refused:
        feeds.create_feed(actor=org.marketer, name="Two\nlines", filters={})
    assert refused.value.field == "name"


def test_a_person_has_at_most_twenty_live_feeds(org):
    for n in range(feeds.MAX_LIVE_FEEDS):
        feeds.create_feed(actor=org.marketer, name=f"Feed {n}", filters={})
    with pytest.raises(DomainError) as refused:
        feeds.create_feed(actor=org.marketer, name="One more", filters={})
    assert refused.value.status == 409


def test_revoking_a_feed_and_nobody_elses(client, org, plan):
    token, url = _feed(org)
    client.force_login(org.admin)  # even an administrator: a feed is its owner's alone
    assert client.post(f"/calendar/feeds/{token.pk}/revoke/").status_code == 404
    client.force_login(org.sales_rep)
    assert client.post(f"/calendar/feeds/{token.pk}/revoke/").status_code == 404
    assert client.get(url).status_code == 200
    client.force_login(org.marketer)
    done = client.post(f"/calendar/feeds/{token.pk}/revoke/", follow=True)
    assert "is revoked" in done.content.decode()
    assert client.get(url).status_code == 404
    with pytest.raises(DomainError):
        feeds.revoke_feed(actor=org.sales_rep, token=token)


def test_a_new_password_revokes_every_feed(client, org, plan):
    _, url = _feed(org)
    assert password_changed(user=org.marketer, how="change") == ["1 calendar feed"]
    assert client.get(url).status_code == 404


def test_the_window_and_a_day_later(org, plan):
    token, _ = _feed(org)
    today = timezone.localdate()
    later = feeds.feed_state(token, today + timedelta(days=1))
    now = feeds.feed_state(token, today)
    assert later.etag != now.etag  # the window moved
    assert now.last_modified >= timezone.make_aware(datetime.combine(today, datetime.min.time()))
    assert feeds.window(date(2027, 1, 1)) == (date(2026, 10, 3), date(2028, 2, 5))


def test_kept_event_texts_are_reused_and_never_stale(org, plan, monkeypatch):
    """After a change only the changed event is serialised again, and whatever an event
    shows (even its owner's name, which no campaign column holds) makes a new text."""
    token, _ = _feed(org)
    serialised = []
    made = ics._event

    def counted(row, url):
        serialised.append(row[2])
        return made(row, url)

    monkeypatch.setattr(ics, "_event", counted)
    feeds.feed_ics(token)
    assert sorted(serialised) == ["Harrogate show", "Heat-pump webinar", "January e-mails"]
    serialised.clear()
    campaigns.reschedule(
        actor=org.marketer, campaign=plan["webinar"], starts_on=_day(11), ends_on=_day(13)
    )
    org.marketing_head.full_name = "Hana Renamed"
    org.marketing_head.save(update_fields=["full_name"])
    events = {
        str(e["SUMMARY"]): e for e in Calendar.from_ical(feeds.feed_ics(token)).walk("VEVENT")
    }
    assert sorted(serialised) == ["Harrogate show", "Heat-pump webinar"]  # not the e-mails
    assert "Owner: Hana Renamed" in str(events["Harrogate show"]["DESCRIPTION"])
    assert events["Heat-pump webinar"]["DTSTART"].dt == _day(11)
