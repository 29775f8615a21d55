"""Routing rules, reps' capacity and absence, and each sales team's hours and holidays."""

from datetime import date, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.core.errors import DomainError
from tandem.factories.people import MembershipFactory, UserFactory
from tandem.handoff import clock, configuration, routing
from tandem.handoff.models import BusinessHours, Holiday, RoutingRule
from tandem.handoff.tests.conftest import hot_lead
from tandem.people import services as people_services


def test_a_rule_names_only_reps_of_its_sales_team_and_only_its_heads_write_it(org):
    with pytest.raises(DomainError) as caught:
        configuration.save_routing_rule(
            actor=org.sales_head, team=org.sales, name="North", reps=[org.marketer]
        )
    assert caught.value.field == "reps"
    with pytest.raises(DomainError) as caught:
        configuration.save_routing_rule(actor=org.sales_head, team=org.marketing, name="Oops")
    assert caught.value.field == "team"
    for who in (org.sales_rep, org.marketing_head, org.outsider):
        with pytest.raises(DomainError) as caught:
            configuration.save_routing_rule(actor=who, team=org.sales, name="North")
        assert caught.value.code == "forbidden"
    rule = configuration.save_routing_rule(
        actor=org.sales_head, team=org.sales, name="North", region="North", reps=[org.sales_rep]
    )
    assert list(rule.reps.all()) == [org.sales_rep]
    configuration.save_routing_rule(actor=org.admin, rule=rule, team=org.sales, name="North 2")
    assert RoutingRule.objects.get().name == "North 2"


def test_capacity_is_the_heads_and_absence_the_reps_too(org):
    with pytest.raises(DomainError):
        people_services.set_capacity(actor=org.sales_rep, rep=org.sales_rep, lead_capacity=500)
    back = timezone.localdate() + timedelta(days=7)
    people_services.set_capacity(actor=org.sales_rep, rep=org.sales_rep, away_until=back)
    people_services.set_capacity(actor=org.sales_head, rep=org.sales_rep, lead_capacity=12)
    org.sales_rep.refresh_from_db()
    assert (org.sales_rep.lead_capacity, org.sales_rep.away_until) == (12, back)
    with pytest.raises(DomainError) as caught:
        people_services.set_capacity(actor=org.marketing_head, rep=org.sales_rep, lead_capacity=1)
    assert caught.value.code == "forbidden"
    with pytest.raises(DomainError) as caught:
        people_services.set_capacity(actor=org.sales_head, rep=org.sales_rep, lead_capacity=-1)
    assert caught.value.field == "lead_capacity"


def test_hours_and_holidays_decide_the_due_times(org, contract):
    with pytest.raises(DomainError) as caught:
        configuration.set_business_hours(
            actor=org.sales_head,
            team=org.sales,
            time_zone="Mars/Olympus",
            opens_at=time(9),
            closes_at=time(17),
            weekdays="12345",
        )
    assert caught.value.field == "time_zone"
    with pytest.raises(DomainError) as caught:
        configuration.set_business_hours(
            actor=org.sales_head,
            team=org.sales,
            time_zone="UTC",
            opens_at=time(17),
            closes_at=time(9),
            weekdays="12345",
        )
    assert caught.value.field == "closes_at"
    with pytest.raises(DomainError) as caught:
        configuration.set_business_hours(
            actor=org.sales_rep,
            team=org.sales,
            time_zone="UTC",
            opens_at=time(0),
            closes_at=time(23, 59),
            weekdays="1234567",
        )
    assert caught.value.code == "forbidden"
    # Open round the clock every day except tomorrow: a 4-hour clock skips tomorrow
    # whenever it would run into it.
    configuration.set_business_hours(
        actor=org.sales_head,
        team=org.sales,
        time_zone="UTC",
        opens_at=time(0),
        closes_at=time(23, 59, 59),
        weekdays="1234567",
    )
    tomorrow = timezone.now().date() + timedelta(days=1)
    configuration.add_holiday(actor=org.sales_head, team=org.sales, day=tomorrow, name="Day off")
    with pytest.raises(DomainError) as caught:
        configuration.add_holiday(actor=org.sales_head, team=org.sales, day=tomorrow, name="Again")
    assert caught.value.code == "holiday_exists"
    lead = hot_lead(org)  # medium: accept within 4 business hours
    hours = clock.business_hours_between(
        lead.mql_at, lead.accept_due_at, routing.calendar_of(org.sales.pk)
    )
    assert hours == pytest.approx(4, abs=0.01)
    assert lead.accept_due_at.date() != tomorrow
    assert BusinessHours.objects.get(team=org.sales).weekdays == "1234567"


def test_the_routing_page_for_heads_and_reps(client, org, contract):
    client.force_login(org.sales_head)
    page = client.get(reverse("handoff:routing"))
    assert page.status_code == 200 and "No rules yet" in page.content.decode()
    answer = client.post(
        reverse("handoff:routing"),
        {
            "name": "North",
            "position": "1",
            "region": "North",
            "team": org.sales.pk,
            "reps": [org.marketer.pk],
            "active": "on",
        },
    )
    assert answer.status_code == 422 and "Select a valid choice" in answer.content.decode()
    answer = client.post(
        reverse("handoff:routing"),
        {
            "name": "North",
            "position": "1",
            "region": "North",
            "team": org.sales.pk,
            "reps": [org.sales_rep.pk],
            "active": "on",
        },
    )
    assert answer.status_code == 302 and RoutingRule.objects.get().region == "North"
    client.post(
        reverse("handoff:team_hours", args=[org.sales.pk]),
        {
            "what": "holiday",
            f"holiday-{org.sales.pk}-day": "2026-12-25",
            f"holiday-{org.sales.pk}-name": "Christmas Day",
        },
    )
    assert Holiday.objects.get().day == date(2026, 12, 25)
    client.post(
        reverse("handoff:capacity", args=[org.sales_rep.pk]),
        {"lead_capacity": "15", "away_until": ""},
    )
    org.sales_rep.refresh_from_db()
    assert org.sales_rep.lead_capacity == 15

    client.force_login(org.sales_rep)
    assert (
        client.post(
            reverse("handoff:team_hours", args=[org.sales.pk]),
            {
                "what": "holiday",
                f"holiday-{org.sales.pk}-day": "2026-12-26",
                f"holiday-{org.sales.pk}-name": "Boxing Day",
            },
        ).status_code
        == 403
    )
    client.force_login(org.outsider)
    assert client.get(reverse("handoff:routing")).status_code == 404
    # A second colleague shows with their load on the page.
    other = UserFactory(full_name="Rae Rep")
    MembershipFactory(user=other, team=org.sales)
    client.force_login(org.sales_head)
    assert "Rae Rep" in client.get(reverse("handoff:routing")).content.decode()
