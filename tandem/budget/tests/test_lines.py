from datetime import date
from decimal import Decimal

import pytest

from tandem.budget import services
from tandem.budget.models import Budget, LineMonth
from tandem.core.errors import DomainError
from tandem.planning.services import close_period


def test_a_line_opens_the_budget_in_the_periods_currency_with_twelve_months(org, period, mline):
    budget = Budget.objects.get(period=period)
    assert budget.currency == period.currency == mline.currency
    months = list(LineMonth.objects.filter(line=mline).values_list("month", "planned"))
    assert [m for m, _ in months] == period.months
    assert all(p == Decimal("100.00") for _, p in months)
    assert mline.planned == Decimal("1200.00")


def test_spread_puts_the_leftover_pennies_in_the_last_month(org, period, mline):
    line = services.spread_plan(
        actor=org.marketer, line=mline, total="100", months=period.months[:3]
    )
    planned = dict(LineMonth.objects.filter(line=line).values_list("month", "planned"))
    assert [planned[m] for m in period.months[:4]] == [
        Decimal("33.33"),
        Decimal("33.33"),
        Decimal("33.34"),
        Decimal("0.00"),
    ]
    assert line.planned == Decimal("100.00")


def test_a_profile_splits_by_weight_and_set_plan_changes_only_given_months(org, period, mline):
    first, second = period.months[:2]
    line = services.plan_by_profile(
        actor=org.marketer, line=mline, total="300", weights={first.isoformat()[:7]: 2, second: 1}
    )
    assert line.planned == Decimal("300.00")
    line = services.set_plan(actor=org.marketer, line=line, amounts={second: "50"})
    planned = dict(LineMonth.objects.filter(line=line).values_list("month", "planned"))
    assert planned[first] == Decimal("200.00") and planned[second] == Decimal("50.00")
    assert line.planned == Decimal("250.00")


@pytest.mark.parametrize(
    ("amounts", "field"),
    [
        ({"2027-01": "-5"}, "planned for Jan 2027"),
        ({"2027-01": "NaN"}, "planned for Jan 2027"),
        ({"2027-01": "1e20"}, "planned for Jan 2027"),
        ({"2031-01": "5"}, "amounts"),
        ({"not a month": "5"}, "amounts"),
        ({}, "amounts"),
    ],
)
def test_bad_plans_are_refused_naming_the_field_and_nothing_changes(org, mline, amounts, field):
    with pytest.raises(DomainError) as caught:
        services.set_plan(actor=org.marketer, line=mline, amounts=amounts)
    assert caught.value.field == field
    mline.refresh_from_db()
    assert mline.planned == Decimal("1200.00")


def test_a_month_outside_the_period_has_its_own_code(org, mline):
    with pytest.raises(DomainError) as caught:
        services.set_plan(actor=org.marketer, line=mline, amounts={date(2026, 12, 1): "5"})
    assert caught.value.code == "budget_month_outside"


def test_only_the_lines_team_and_admins_change_it(org, period, mline):
    for outsider in (org.sales_rep, org.front_liner, org.executive):
        with pytest.raises(DomainError) as caught:
            services.set_plan(actor=outsider, line=mline, amounts={period.months[0]: "1"})
        assert caught.value.code == "forbidden"
    services.set_plan(actor=org.marketing_head, line=mline, amounts={period.months[0]: "1"})
    services.set_plan(actor=org.admin, line=mline, amounts={period.months[0]: "2"})


def test_a_line_belongs_to_marketing_or_sales_and_only_sales_funds_people(org, period):
    with pytest.raises(DomainError) as caught:
        services.add_line(
            actor=org.admin, period=period, team=org.front_line, name="X", category="tools"
        )
    assert caught.value.field == "team"
    with pytest.raises(DomainError) as caught:
        services.add_line(
            actor=org.marketer, period=period, team=org.marketing, name="X",
            category="tools", funds=[org.marketer],
        )  # fmt: skip
    assert caught.value.field == "funds"
    with pytest.raises(DomainError) as caught:
        services.add_line(
            actor=org.marketer, period=period, team=org.marketing, name="X", category="?"
        )
    assert caught.value.field == "category"


def test_a_closed_periods_budget_no_longer_changes(org, period, mline):
    close_period(actor=org.executive, period=period)
    with pytest.raises(DomainError) as caught:
        services.set_plan(actor=org.marketer, line=mline, amounts={period.months[0]: "1"})
    assert caught.value.code == "budget_period_closed"


def test_a_lines_owner_is_one_of_its_team(org, period):
    with pytest.raises(DomainError) as caught:
        services.add_line(
            actor=org.marketing_head, period=period, team=org.marketing, name="X",
            category="tools", owner=org.sales_rep,
        )  # fmt: skip
    assert caught.value.field == "owner"
    line = services.add_line(
        actor=org.marketing_head, period=period, team=org.marketing, name="X",
        category="tools", owner=org.marketer,
    )  # fmt: skip
    assert line.owner == org.marketer
