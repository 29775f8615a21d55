"""Editing an opportunity (``update_opportunity``): each property, each refusal with its
code and field, who may, and what history, events and the timeline keep."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from tandem.core.errors import DomainError
from tandem.core.models import DomainEvent
from tandem.crm import services
from tandem.crm.models import Opportunity
from tandem.crm.probability import STAGE_PROBABILITY
from tandem.crm.timeline import timeline
from tandem.factories.people import UserFactory
from tandem.notifications.services import post_comment


@pytest.fixture
def deal(org):
    """Sam's £10,000 proposal at Acme, closing on 30 June 2026."""
    acme = services.create_account(actor=org.sales_rep, name="Acme")
    made = services.create_opportunity(
        actor=org.sales_rep,
        name="Rooftop array",
        account=acme,
        amount="10000",
        close_date=date(2026, 6, 30),
    )
    return services.move_opportunity(actor=org.sales_rep, opportunity=made, stage="proposal")


def edit(org, deal, actor=None, **changes):
    return services.update_opportunity(actor=actor or org.sales_rep, opportunity=deal, **changes)


def test_the_probability_table_covers_every_stage_once():
    assert set(STAGE_PROBABILITY) == set(Opportunity.Stage.values)
    assert STAGE_PROBABILITY == {
        "qualification": 10,
        "proposal": 75,
        "negotiation": 90,
        "won": 100,
        "lost": 0,
    }


@pytest.mark.parametrize(
    ("changes", "stored"),
    [
        ({"name": "  Rooftop array, phase 2 "}, {"name": "Rooftop array, phase 2"}),
        ({"amount": "12500.5"}, {"amount": Decimal("12500.50")}),
        ({"amount": 0}, {"amount": Decimal("0.00")}),
        ({"currency": "eur"}, {"currency": "EUR"}),
        ({"close_date": date(2026, 9, 1)}, {"close_date": date(2026, 9, 1)}),
        ({"close_date": None}, {"close_date": None}),
        ({"stage": "negotiation"}, {"stage": "negotiation", "closed_at": None}),
    ],
)
def test_each_property_is_changed_and_nothing_else(org, deal, changes, stored):
    before = Opportunity.objects.values().get(pk=deal.pk)
    edit(org, deal, **changes)
    after = Opportunity.objects.values().get(pk=deal.pk)
    assert {k: after[k] for k in stored} == stored
    untouched = set(before) - set(stored) - {"updated_at"}
    assert {k: after[k] for k in untouched} == {k: before[k] for k in untouched}


def test_a_new_owner_takes_the_deal_to_their_team(org, deal):
    edit(org, deal, owner=org.marketer)
    deal.refresh_from_db()
    assert deal.owner == org.marketer and deal.team == org.marketing
    # Sam no longer owns it nor is in its team: he may not change it back.
    with pytest.raises(DomainError) as refused:
        edit(org, deal, owner=org.sales_rep)
    assert refused.value.status == 403


def test_closing_dates_the_deal_unless_the_edit_gives_the_date(org, deal):
    won = edit(org, deal, stage="won")
    assert won.closed_at is not None and won.close_date == timezone.localdate()
    lost = edit(org, deal, stage="lost", reason="Budget cut", close_date=date(2026, 5, 2))
    assert lost.close_date == date(2026, 5, 2) and lost.outcome_reason == "Budget cut"
    reopened = edit(org, deal, stage="proposal")
    assert reopened.closed_at is None and reopened.outcome_reason == ""
    # A lost deal's other properties change without saying again why it was lost.
    edit(org, deal, stage="lost", reason="Went quiet")
    assert edit(org, deal, amount="9000").outcome_reason == "Went quiet"


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"name": "   "}, "invalid", "name"),
        ({"name": "x" * 201}, "invalid", "name"),
        ({"amount": "-1"}, "invalid", "amount"),
        ({"amount": "1e20"}, "invalid", "amount"),
        ({"amount": "999999999999.999"}, "invalid", "amount"),
        ({"amount": "twelve"}, "invalid", "amount"),
        ({"amount": "NaN"}, "invalid", "amount"),
        ({"amount": True}, "invalid", "amount"),
        ({"currency": "XYZ"}, "unknown_currency", "currency"),
        ({"currency": "pounds"}, "unknown_currency", "currency"),
        ({"currency": ""}, "unknown_currency", "currency"),
        ({"close_date": date(1850, 1, 1)}, "invalid", "close_date"),
        ({"close_date": "2026-06-30"}, "invalid", "close_date"),
        ({"stage": "closed"}, "unknown_stage", "stage"),
        ({"stage": "lost"}, "lost_without_reason", "reason"),
        ({"stage": "lost", "reason": "  "}, "lost_without_reason", "reason"),
        ({"stage": "won", "reason": "x" * 301}, "invalid", "reason"),
        ({"owner": None}, "owner_not_member", "owner"),
    ],
)
def test_bad_values_are_refused_naming_the_field_and_change_nothing(
    org, deal, changes, code, field
):
    before = Opportunity.objects.values().get(pk=deal.pk)
    events = DomainEvent.objects.count()
    valid = {} if "amount" in changes else {"amount": "20000"}  # refused with the bad one
    with pytest.raises(DomainError) as refused:
        edit(org, deal, **valid, **changes)
    assert (refused.value.code, refused.value.field) == (code, field)
    assert refused.value.status == 422
    assert Opportunity.objects.values().get(pk=deal.pk) == before
    assert DomainEvent.objects.count() == events


def test_an_owner_must_be_an_active_member_of_a_team(org, deal):
    gone = UserFactory(is_active=False)
    for owner in (org.outsider, gone, org.admin):  # no team, closed account, no team
        with pytest.raises(DomainError) as refused:
            edit(org, deal, owner=owner)
        assert refused.value.code == "owner_not_member"
        assert refused.value.field == "owner"
    deal.refresh_from_db()
    assert deal.owner == org.sales_rep


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("sales_rep", True),  # the owner
        ("sales_head", True),  # heads the deal's team
        ("admin", True),
        ("marketer", False),  # another team
        ("marketing_head", False),  # heads another team
        ("front_liner", False),
        ("executive", False),
        ("outsider", False),
    ],
)
def test_who_may_edit(org, deal, persona, allowed):
    actor = getattr(org, persona)
    if allowed:
        assert edit(org, deal, actor=actor, amount="11000").amount == Decimal("11000.00")
    else:
        with pytest.raises(DomainError) as refused:
            edit(org, deal, actor=actor, amount="11000")
        assert refused.value.status == 403
        deal.refresh_from_db()
        assert deal.amount == Decimal("10000.00")


def test_a_team_member_who_is_not_the_owner_may_edit(org, deal):
    colleague = UserFactory()
    org.sales.memberships.create(user=colleague, role="member")
    assert edit(org, deal, actor=colleague, name="Renamed").name == "Renamed"


def test_history_and_events_say_what_changed(org, deal):
    history = deal.history.count()
    edit(org, deal, amount="12000", currency="EUR", owner=org.sales_head, stage="negotiation")
    assert deal.history.count() == history + 1
    latest = deal.history.first()
    assert (latest.amount, latest.currency, latest.stage) == (
        Decimal("12000.00"),
        "EUR",
        "negotiation",
    )
    updated = DomainEvent.objects.filter(name="opportunity.updated", subject_id=deal.pk).get()
    assert updated.data == {
        "fields": ["amount", "currency", "owner_id"],
        "changes": {
            "amount": ["10000.00", "12000.00"],
            "currency": ["GBP", "EUR"],
            "owner_id": [str(org.sales_rep.pk), str(org.sales_head.pk)],
        },
    }
    moved = DomainEvent.objects.filter(name="opportunity.stage_changed", subject_id=deal.pk)
    assert moved.latest("id").data == {"from": "proposal", "to": "negotiation"}
    # An edit that changes nothing saves nothing and says nothing.
    edit(org, deal, amount="12000.00", currency="eur")
    assert deal.history.count() == history + 1
    assert DomainEvent.objects.filter(name="opportunity.updated").count() == 1


def test_a_renamed_deal_keeps_its_names_out_of_the_event_log(org, deal):
    edit(org, deal, name="Smith household heat pump")
    event = DomainEvent.objects.get(name="opportunity.updated")
    assert event.data == {"fields": ["name"], "changes": {}}
    assert "Smith" not in str(event.data)


def test_the_timeline_holds_changes_activities_and_comments(org, deal):
    services.log_activity(
        actor=org.sales_rep, kind="call", subject="Pricing call", opportunity=deal
    )
    post_comment(actor=org.sales_head, record=deal, body="Push for June.")
    edit(org, deal, amount="15000", stage="negotiation")
    entries = list(timeline(opportunity_id=deal.pk))
    kinds = [(e["side"], e["entry_kind"]) for e in entries]
    assert set(kinds) == {
        ("change", "opportunity.created"),
        ("change", "opportunity.stage_changed"),  # twice: proposal, then negotiation
        ("change", "opportunity.updated"),
        ("activity", "call"),
        ("comment", "comment"),
    }
    assert len(entries) == 6
    assert [e["entry_kind"] for e in timeline(opportunity_id=deal.pk, side="comment")] == [
        "comment"
    ]
    # A contact's and an account's timelines hold no changes or comments of deals.
    assert {e["side"] for e in timeline(account_id=deal.account_id)} == {"activity"}
