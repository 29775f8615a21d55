"""Writes of the budget's lines and their plan. Spend and commitments are in
``spending``, reallocations in ``reallocation``.

Every write locks the line (``select_for_update``) before it reads the line's totals,
so two people writing to one line at once are taken one after the other, and checks
the line's period is still open. A plan may be given per month, spread evenly over
chosen months, or by a profile (weights per month); a plan never goes below what the
line has committed and spent (the line's total, not each month's).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from tandem.budget.errors import BudgetError
from tandem.budget.models import ZERO, Budget, BudgetLine, LineMonth
from tandem.core.errors import DomainError, invalid
from tandem.core.money import PENNY, format_money, parse_amount
from tandem.core.permissions import Action, require, require_staff
from tandem.core.services import record_event
from tandem.core.validation import required_text
from tandem.people.models import Team, User
from tandem.planning import fiscal
from tandem.planning.models import PlanPeriod
from tandem.planning.services import check_open

SIDES = (Team.Function.MARKETING, Team.Function.SALES)
MAX_WEIGHT = Decimal("1000000")


def ensure_open(period: PlanPeriod) -> None:
    """Refuse a change to a closed period's budget (the planning app's rule)."""
    try:
        check_open(period)
    except DomainError:
        raise DomainError(
            BudgetError.PERIOD_CLOSED, f"{period} is closed: its budget can no longer change."
        ) from None


def parse_month(value: Any, period: PlanPeriod, field: str = "month") -> date:
    """A month of ``period`` ("2027-03", "2027-03-01", a date): its first day, or an
    error naming ``field`` for a month outside the period."""
    if isinstance(value, date):
        day = value
    else:
        text = str(value or "").strip()
        try:
            day = date.fromisoformat(text if len(text) > 7 else f"{text}-01")
        except ValueError:
            raise invalid(field, f"{field} must be a month such as 2027-03.") from None
    first = day.replace(day=1)
    if first not in period.months:
        raise DomainError(
            BudgetError.MONTH_OUTSIDE,
            f"{fiscal.month_label(first)} is not in {period} "
            f"({fiscal.month_label(period.months[0])} to {fiscal.month_label(period.months[-1])}).",
            field=field,
        )
    return first


def lock_lines(*ids: int) -> dict[int, BudgetLine]:
    """The lines, locked in id order (so two writers never wait on each other in a circle)."""
    found = BudgetLine.objects.select_for_update().filter(pk__in=sorted(set(ids))).order_by("pk")
    return {line.pk: line for line in found.select_related("budget__period")}


def overdrawn(line: BudgetLine, amount: Decimal, what: str, field: str = "amount") -> DomainError:
    left = line.available
    cur = line.currency
    return DomainError(
        BudgetError.OVERDRAWN,
        f"{what} {format_money(amount, cur)} would take {line.name} below zero: it has "
        f"{format_money(left, cur)} left (planned {format_money(line.planned, cur)}, "
        f"committed {format_money(line.committed, cur)}, spent {format_money(line.actual, cur)}).",
        field=field,
    )


# --- Lines --------------------------------------------------------------------------------
def add_line(
    *,
    actor: User,
    period: PlanPeriod,
    team: Team,
    name: str,
    category: str,
    owner: User | None = None,
    currency: str = "",
    campaigns: Iterable[Any] = (),
    funds: Iterable[User] = (),
) -> BudgetLine:
    """A line of ``team``'s (a marketing or sales team) in the period's budget, with its
    twelve months at zero. The budget is opened with its first line."""
    require_staff(actor)
    ensure_open(period)
    if team.function not in SIDES:
        raise invalid("team", "A budget line belongs to a marketing or a sales team.")
    line = BudgetLine(team=team)
    require(actor, Action.CHANGE, line)  # the team's members and heads, or administrators
    line = BudgetLine(
        team=team,
        owner=owner or actor,
        name=required_text(name, "name", 200, message="Give the line a name."),
        category=category,
        currency=(currency or period.currency).strip().upper(),
    )
    if category not in BudgetLine.Category.values:
        raise invalid("category", "Choose one of the budget's categories.")
    if len(line.currency) != 3 or not line.currency.isalpha():
        raise invalid("currency", "Give a three-letter currency code such as GBP.")
    if owner is not None and not owner.memberships.filter(team=team).exists():
        raise invalid("owner", f"{owner} is not in {team}: a line's owner is one of its team.")
    people = list(funds)
    if people and team.function != Team.Function.SALES:
        raise invalid("funds", "Only a sales line funds reps and other resources.")
    with transaction.atomic():
        line.budget, _ = Budget.objects.get_or_create(
            period=period, defaults={"currency": period.currency}
        )
        line.save()
        LineMonth.objects.bulk_create(LineMonth(line=line, month=m) for m in period.months)
        if campaigns:
            line.campaigns.set(list(campaigns))
        if people:
            line.funds.set(people)
        record_event("budget_line.added", subject=line)
    return line


def set_plan(*, actor: User, line: BudgetLine, amounts: dict[Any, Any]) -> BudgetLine:
    """Planned amounts per month, entered directly ({"2027-03": "1500.00", ...}); months
    not given keep theirs."""
    if not isinstance(amounts, dict) or not amounts:
        raise invalid("amounts", "Give the planned amount of at least one month.")
    period = line.budget.period
    plan: dict[date, Decimal] = {}
    for raw, value in amounts.items():
        month = parse_month(raw, period, "amounts")
        plan[month] = parse_amount(value, f"planned for {fiscal.month_label(month)}")
    return _apply_plan(actor, line, plan, replace=False)


def spread_plan(*, actor: User, line: BudgetLine, total: Any, months: Iterable[Any]) -> BudgetLine:
    """``total`` spread evenly over ``months`` (the pennies left over go to the last);
    every other month of the line is planned at zero."""
    period = line.budget.period
    chosen = sorted({parse_month(m, period, "months") for m in months})
    if not chosen:
        raise invalid("months", "Choose the months to spread the amount over.")
    amount = parse_amount(total, "total")
    return _apply_plan(actor, line, _split(amount, dict.fromkeys(chosen, Decimal(1))), replace=True)


def plan_by_profile(
    *, actor: User, line: BudgetLine, total: Any, weights: dict[Any, Any]
) -> BudgetLine:
    """``total`` split by a profile: a weight per month ({"2027-01": 2, "2027-02": 1});
    months without a weight are planned at zero."""
    if not isinstance(weights, dict) or not weights:
        raise invalid("weights", "Give a weight for at least one month.")
    period = line.budget.period
    shares: dict[date, Decimal] = {}
    for raw, value in weights.items():
        month = parse_month(raw, period, "weights")
        try:
            weight = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            raise invalid("weights", f"The weight of {raw} must be a number.") from None
        if not weight.is_finite() or weight < 0 or weight > MAX_WEIGHT:
            raise invalid("weights", f"The weight of {raw} must be from 0 to {MAX_WEIGHT:,}.")
        shares[month] = weight
    if not sum(shares.values()):
        raise invalid("weights", "At least one month needs a weight above zero.")
    amount = parse_amount(total, "total")
    return _apply_plan(actor, line, _split(amount, shares), replace=True)


def _split(total: Decimal, weights: dict[date, Decimal]) -> dict[date, Decimal]:
    whole = sum(weights.values())
    shares = {
        m: (total * w / whole).quantize(PENNY, rounding=ROUND_DOWN) for m, w in weights.items()
    }
    last = max(m for m, w in weights.items() if w)
    shares[last] += total - sum(shares.values())
    return shares


def _apply_plan(
    actor: User, line: BudgetLine, plan: dict[date, Decimal], *, replace: bool
) -> BudgetLine:
    require(actor, Action.CHANGE, line)
    with transaction.atomic():
        locked = lock_lines(line.pk)[line.pk]
        ensure_open(locked.budget.period)
        months = {m.month: m for m in LineMonth.objects.select_for_update().filter(line=locked)}
        changed = []
        for month, row in months.items():
            wanted = plan.get(month, ZERO if replace else row.planned)
            if wanted != row.planned:
                row.planned = wanted
                changed.append(row)
        planned = sum((m.planned for m in months.values()), ZERO)
        used = locked.committed + locked.actual
        if planned < used:
            raise DomainError(
                BudgetError.OVERDRAWN,
                f"{locked.name} has {format_money(used, locked.currency)} committed and spent; "
                f"a plan of {format_money(planned, locked.currency)} would leave it below zero.",
                field="amounts",
            )
        LineMonth.objects.bulk_update(changed, ["planned"])
        locked.planned = planned
        locked.save(update_fields=["planned"])
        record_event("budget_line.planned", subject=locked, data={"planned": str(planned)})
    return locked
