"""The heads' choices in the funnel: an override of a measured figure (with the reason,
shown wherever the figure is) or the default used where the data are too few. And the
one step from the plan to the SLA: marketing's monthly MQL promise proposed from it."""

from __future__ import annotations

import math
from typing import Any

from django.db import transaction
from django.utils import timezone

from tandem.core.errors import DomainError, invalid
from tandem.core.money import parse_amount
from tandem.core.permissions import Action, require
from tandem.core.services import record_event
from tandem.core.validation import decimal_number, optional_text
from tandem.people.models import User
from tandem.planning.errors import PlanningError
from tandem.planning.funnel import ASSUMPTIONS, plan_for
from tandem.planning.models import Assumption, PlanPeriod
from tandem.planning.services import check_open

MAX_LAG_DAYS = "730"


def clean_value(key: str, value: Any) -> Any:
    """``value`` as stored for ``key`` (rates in percent), or an error naming "value"."""
    spec = ASSUMPTIONS[key]
    if spec.kind == "money":
        amount = parse_amount(value, "value")
        if amount <= 0:
            raise invalid("value", "The average deal must be worth more than nothing.")
        return amount
    if spec.kind == "days":
        return decimal_number(value, "value", "0", MAX_LAG_DAYS)
    number = decimal_number(value, "value", "0", "100")
    if spec.kind == "rate" and number == 0:
        raise DomainError(
            PlanningError.RATE_UNUSABLE,
            f"A {spec.label.lower()} of 0 % means nothing ever converts: no plan can be "
            "built on it. Give the rate you expect.",
            field="value",
        )
    if spec.kind == "rate" and number == 100:
        raise DomainError(
            PlanningError.RATE_UNUSABLE,
            f"A {spec.label.lower()} of 100 % assumes every one converts. Give the rate "
            "you expect.",
            field="value",
        )
    return number


def set_assumption(
    *, actor: User, period: PlanPeriod, key: str, applies: str, value: Any, reason: str = ""
) -> Assumption:
    """Override a figure (``applies="override"``, a reason required) or change the
    default used when the data are too few (``"default"``)."""
    require(actor, Action.CHANGE, Assumption(period=period))
    check_open(period)
    if key not in ASSUMPTIONS:
        raise invalid("key", "Choose one of the plan's figures.")
    if applies not in Assumption.Applies.values:
        raise invalid("applies", "Choose an override or a default.")
    stored = clean_value(key, value)
    reason = optional_text(reason, "reason", 500)
    if applies == Assumption.Applies.OVERRIDE and not reason:
        raise invalid("reason", "Say why you override the measured figure.")
    with transaction.atomic():
        assumption, _ = Assumption.objects.update_or_create(
            period=period,
            key=key,
            applies=applies,
            defaults={
                "value": stored,
                "reason": reason,
                "set_by": actor,
                "set_at": timezone.now(),
            },
        )
        record_event(
            "plan_assumption.set",
            subject=period,
            data={"key": key, "applies": applies, "value": str(stored), "reason": reason},
        )
    return assumption


def clear_assumption(*, actor: User, period: PlanPeriod, key: str, applies: str) -> None:
    """Back to the measured figure (or the built-in default)."""
    require(actor, Action.CHANGE, Assumption(period=period))
    check_open(period)
    with transaction.atomic():
        Assumption.objects.filter(period=period, key=key, applies=applies).delete()
        record_event("plan_assumption.cleared", subject=period, data={"key": key})


def mqls_per_month(period: PlanPeriod) -> int:
    """The MQLs a month the plan needs, as a steady promise: every MQL the period's
    target needs (some due before it starts, lags respected), over twelve months."""
    return max(1, math.ceil(plan_for(period).totals()["mqls"] / 12))


def propose_sla_from_plan(*, actor: User, period: PlanPeriod) -> Any:
    """Propose the SLA in force with marketing's MQL promise taken from the plan; sales'
    promises (acceptance rate, tiers) stay as they are. Both heads approve it, as any
    SLA change."""
    from tandem.handoff.contracts import propose_sla_policy
    from tandem.handoff.models import SlaPolicy

    require(actor, Action.APPROVE, SlaPolicy())
    current = SlaPolicy.objects.in_force()
    if current is None:
        raise DomainError(
            PlanningError.NO_SLA,
            "No SLA is in force to take sales' promises from: propose one on the SLA page.",
        )
    needed = mqls_per_month(period)
    tiers = [
        {
            "tier": t.tier,
            "min_score": t.min_score,
            "accept_within_hours": t.accept_within_hours,
            "follow_up_within_hours": t.follow_up_within_hours,
        }
        for t in current.tiers.all()
    ]
    return propose_sla_policy(
        actor=actor,
        mqls_per_month=needed,
        min_acceptance_rate=current.min_acceptance_rate,
        tiers=tiers,
        note=f"From the {period} plan: {needed:,} MQLs a month meet its revenue target.",
    )
