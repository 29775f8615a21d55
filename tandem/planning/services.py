"""Writes of the revenue plan: fiscal periods and the target.

Opening and closing a period is the executive's (a head of leadership) or an
administrator's. A target is a ``JointContract`` of kind ``planning.target``: the
executive's own proposal is in force at once (asking counts as their approval); a head
of marketing or sales proposes one, in force once the executive approves it on the
Decisions page.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from tandem.approvals import contracts, needs
from tandem.core.errors import DomainError, invalid
from tandem.core.money import parse_amount
from tandem.core.permissions import Action, require
from tandem.core.services import record_event
from tandem.core.validation import optional_text
from tandem.people.models import User
from tandem.planning import fiscal
from tandem.planning.errors import PlanningError
from tandem.planning.models import PlanPeriod, RevenueTarget, TargetAmount

TARGET_KIND = "planning.target"
MAX_SPLIT_KEYS = 50


class PeriodContractKind(contracts.ContractKind):
    """A contract of one fiscal period (its target, its incentive formula): it supersedes
    only that period's, is shown on ``url_name`` of the period, and cannot come into force
    once the period is closed."""

    def url(self, subject: Any) -> str:
        from django.urls import reverse

        return reverse(self.url_name, args=[subject.period_id])

    def peers(self, contract: Any) -> Any:
        model = type(contract)
        return model.objects.filter(period_id=contract.period_id).exclude(pk=contract.pk)

    def on_approved(self, subject: Any, actor: Any) -> None:
        check_open(subject.period)
        super().on_approved(subject, actor)


class TargetKind(PeriodContractKind):
    """The executive sets the target; a head's proposal waits for the executive."""

    name, label, subject_model = TARGET_KIND, "Revenue target", "planning.revenuetarget"
    url_name = "planning:plan"

    def requirements(self, subject: Any) -> list[needs.Need]:
        return [needs.executive()]

    def describe(self, subject: Any) -> str:
        from tandem.core.money import format_money

        total = sum(subject.quarter_totals().values(), Decimal("0"))
        return f"{subject.period} revenue target: {format_money(total, subject.currency)}"


def check_open(period: PlanPeriod) -> None:
    """Refuse a change to a closed period."""
    if PlanPeriod.objects.filter(pk=period.pk, status=PlanPeriod.Status.CLOSED).exists():
        raise DomainError(
            PlanningError.PERIOD_CLOSED, f"{period} is closed: its plan can no longer change."
        )


def open_period(*, actor: User, starts_on: Any = None, year: Any = None) -> PlanPeriod:
    """Open the fiscal year that starts on ``starts_on`` (or contains today, or starts in
    ``year``), in the organisation's currency."""
    period = PlanPeriod(currency=settings.TANDEM_CURRENCY, created_by=actor)
    require(actor, Action.CHANGE, period)
    if year not in (None, ""):
        try:
            first = date(int(year), fiscal.start_month(), 1)
        except (TypeError, ValueError):
            raise invalid(
                "year", "Give the year the fiscal year starts in, such as 2027."
            ) from None
    elif starts_on:
        first = fiscal.year_containing(starts_on)
    else:
        first = fiscal.year_containing(timezone.localdate())
    if not 2000 <= first.year <= 2100:
        raise invalid("year", "Give a year from 2000 to 2100.")
    period.starts_on, period.name = first, fiscal.year_name(first)
    try:
        with transaction.atomic():
            period.save()
            record_event("plan_period.opened", subject=period)
    except IntegrityError:
        raise DomainError(
            PlanningError.PERIOD_EXISTS, f"{period.name} is already open.", field="year"
        ) from None
    return period


def close_period(*, actor: User, period: PlanPeriod) -> PlanPeriod:
    """Close a period: its plan, target and budget stop changing."""
    require(actor, Action.CHANGE, period)
    with transaction.atomic():
        locked = PlanPeriod.objects.select_for_update().get(pk=period.pk)
        check_open(locked)
        locked.status, locked.closed_at = PlanPeriod.Status.CLOSED, timezone.now()
        locked.save(update_fields=["status", "closed_at"])
        record_event("plan_period.closed", subject=locked)
    return locked


def propose_target(
    *,
    actor: User,
    period: PlanPeriod,
    quarters: Any,
    dimension: str = "",
    split: Any = None,
    note: str = "",
) -> RevenueTarget:
    """A revenue target: ``quarters`` {1: amount, ... 4: amount} (a quarter left out is 0)
    and, with a ``dimension``, ``split`` {key: {quarter: amount}} whose keys add up to
    each quarter's total. In force at once when the executive sets it."""
    check_open(period)
    if dimension not in RevenueTarget.Dimension.values:
        raise invalid("dimension", "Split by region, segment or product, or not at all.")
    target = RevenueTarget(period=period, dimension=dimension, currency=period.currency)
    contracts.start(actor, target, optional_text(note, "note", 500))
    amounts = _quarter_amounts(quarters)
    rows = [TargetAmount(quarter=q, key="", amount=a) for q, a in amounts.items()]
    if dimension:
        rows += _split_rows(split, amounts, target)
    elif split:
        raise invalid("split", "Choose what the target is split by (region, segment or product).")
    if not any(a > 0 for a in amounts.values()):
        raise invalid("quarters", "Give a target above zero for at least one quarter.")
    with transaction.atomic():
        target.save()
        for row in rows:
            row.target = target
        TargetAmount.objects.bulk_create(rows)
        record_event("revenue_target.proposed", subject=target)
        contracts.propose(actor, TARGET_KIND, target)
    target.refresh_from_db()
    return target


def _quarter_amounts(quarters: Any) -> dict[int, Decimal]:
    if not isinstance(quarters, dict):
        raise invalid("quarters", "Give the target for each quarter, Q1 to Q4.")
    amounts: dict[int, Decimal] = {}
    for raw, value in quarters.items():
        quarter = _quarter(raw, "quarters")
        if value in (None, ""):
            continue
        amounts[quarter] = parse_amount(value, f"Q{quarter} target")
    return {q: amounts.get(q, Decimal("0.00")) for q in range(1, 5)}


def _quarter(raw: Any, field: str) -> int:
    text = str(raw).strip().upper().removeprefix("Q")
    if text not in {"1", "2", "3", "4"}:
        raise invalid(field, f"{raw!r} is not a quarter: use 1 to 4.")
    return int(text)


def _split_rows(
    split: Any, totals: dict[int, Decimal], target: RevenueTarget
) -> list[TargetAmount]:
    name = target.get_dimension_display().lower()
    if not isinstance(split, dict) or not split:
        raise invalid("split", f"Give each {name}'s share of the target.")
    if len(split) > MAX_SPLIT_KEYS:
        raise invalid("split", f"Split into at most {MAX_SPLIT_KEYS} parts.")
    rows: list[TargetAmount] = []
    sums = dict.fromkeys(totals, Decimal("0"))
    for raw_key, per_quarter in split.items():
        key = str(raw_key).strip()[:80]
        if not key:
            raise invalid("split", f"Each part needs the {name}'s name.")
        if not isinstance(per_quarter, dict):
            raise invalid(f"split.{key}", f"Give {key}'s target per quarter.")
        for raw, value in per_quarter.items():
            quarter = _quarter(raw, f"split.{key}")
            if value in (None, ""):
                continue
            amount = parse_amount(value, f"{key} Q{quarter}")
            sums[quarter] += amount
            rows.append(TargetAmount(quarter=quarter, key=key, amount=amount))
    for quarter, total in totals.items():
        if sums[quarter] != total:
            from tandem.core.money import format_money

            raise DomainError(
                PlanningError.TARGET_SPLIT,
                f"The {name}s' Q{quarter} targets add up to "
                f"{format_money(sums[quarter], target.currency)}, not the quarter's "
                f"{format_money(total, target.currency)}.",
                field="split",
            )
    return rows
