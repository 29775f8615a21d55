"""Reallocations: moving planned money from one line to another, in the same budget or
into the next period's (carrying unspent money forward), as a joint decision.

Kind ``budget.reallocation``: a head of marketing and a head of sales approve it; the
proposer never counts as an approver (not even for their own side); the executive may
override with a recorded reason. People decide on the Decisions page. When the last
approval (or the override) lands, ``on_approved`` locks both lines in id order,
re-checks what the from-line has left and refuses (rolling the decision back) if the
move would take it below zero, then moves the planned amounts month by month.

Which months: the chosen months of the from-line (all of them when none are chosen),
latest first, each giving up to its planned amount; the to-line gets each amount in the
same month (or the same month a year on, in the next period's budget).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tandem.approvals import contracts, needs
from tandem.approvals.kinds import Override
from tandem.approvals.services import request_approval
from tandem.budget.errors import BudgetError
from tandem.budget.models import ZERO, BudgetLine, LineMonth, Reallocation
from tandem.budget.services import ensure_open, lock_lines, overdrawn, parse_month
from tandem.core.errors import DomainError, invalid
from tandem.core.money import format_money, parse_amount
from tandem.core.permissions import Action, require
from tandem.core.services import record_event
from tandem.core.validation import required_text
from tandem.people.models import Team, User
from tandem.planning import fiscal

KIND = "budget.reallocation"


class ReallocationKind(contracts.ContractKind):
    name, label, subject_model = KIND, "Budget reallocation", "budget.reallocation"
    requester_approves = False
    requester_may_decide = False
    override = Override(needs.executive(), "overridden by the executive")

    def requirements(self, subject: Any) -> list[needs.Need]:
        return [needs.head_of(Team.Function.MARKETING), needs.head_of(Team.Function.SALES)]

    def describe(self, subject: Any) -> str:
        return (
            f"Move {format_money(subject.amount, subject.from_line.currency)} from "
            f"{subject.from_line} to {subject.to_line}"
        )

    def url(self, subject: Any) -> str:
        return reverse("budget:line", args=[subject.from_line_id])

    def peers(self, contract: Any) -> Any:
        return Reallocation.objects.none()  # each move stands alone

    def in_force(self, contract: Any, actor: Any) -> None:
        move(contract)


def _months_of(line: BudgetLine, months: Any) -> list[date]:
    period = line.budget.period
    if not months:
        return list(period.months)
    if isinstance(months, str):
        months = [m for m in months.replace(",", " ").split() if m]
    return sorted({parse_month(m, period, "months") for m in months})


def _check_pair(from_line: BudgetLine, to_line: BudgetLine) -> None:
    if from_line.pk == to_line.pk:
        raise invalid("to_line", "Move the money to another line.")
    if from_line.currency != to_line.currency:
        raise DomainError(
            BudgetError.CURRENCY_MISMATCH,
            f"{from_line.name} is in {from_line.currency} and {to_line.name} in "
            f"{to_line.currency}: move money between lines of one currency.",
            field="to_line",
        )
    here, there = from_line.budget.period, to_line.budget.period
    if there.pk != here.pk and there.starts_on != fiscal.add_months(here.starts_on, 12):
        raise invalid(
            "to_line", "Move money within the budget, or into the next period's (carry forward)."
        )


def propose_reallocation(
    *,
    actor: User,
    from_line: BudgetLine,
    to_line: BudgetLine,
    amount: Any,
    rationale: str,
    months: Any = None,
) -> Reallocation:
    """Propose moving ``amount`` of ``from_line``'s plan to ``to_line``, for a head of
    each side to approve on the Decisions page."""
    proposal = Reallocation(from_line=from_line, to_line=to_line, proposed_by=actor)
    require(actor, Action.PROPOSE, proposal)
    proposal.amount = parse_amount(amount, "amount")
    if proposal.amount <= 0:
        raise invalid("amount", "amount must be above zero.")
    proposal.note = required_text(
        rationale, "rationale", 500, message="Say why the money should move."
    )
    _check_pair(from_line, to_line)
    proposal.months = [m.isoformat() for m in _months_of(from_line, months)]
    ensure_open(from_line.budget.period)
    ensure_open(to_line.budget.period)
    if from_line.available < proposal.amount:
        raise overdrawn(from_line, proposal.amount, "Moving")
    proposal.proposed_at = timezone.now()
    with transaction.atomic():
        proposal.save()
        record_event("budget_reallocation.proposed", subject=proposal)
        request_approval(actor=actor, kind=KIND, subject=proposal, reason=proposal.note)
    return proposal


def move(proposal: Reallocation) -> None:
    """Move the planned money (inside the deciding transaction): lock both lines in id
    order, re-check, then take month by month."""
    lines = lock_lines(proposal.from_line_id, proposal.to_line_id)
    source, target = lines[proposal.from_line_id], lines[proposal.to_line_id]
    ensure_open(source.budget.period)
    ensure_open(target.budget.period)
    amount = proposal.amount
    if source.available < amount:
        raise overdrawn(source, amount, "Moving")
    chosen = [date.fromisoformat(m) for m in proposal.months]
    # Every write to a line's months holds the line's lock first, so these are stable.
    source_rows = {r.month: r for r in LineMonth.objects.filter(line=source, month__in=chosen)}
    target_rows = {r.month: r for r in LineMonth.objects.filter(line=target)}
    offset = 0 if target.budget_id == source.budget_id else 12
    left = amount
    moved: list[LineMonth] = []
    for month in sorted(chosen, reverse=True):
        row = source_rows[month]
        take = min(left, row.planned)
        if take <= 0:
            continue
        row.planned -= take
        there = target_rows[fiscal.add_months(month, offset)]
        there.planned += take
        moved += [row, there]
        left -= take
        if left == 0:
            break
    if left > 0:
        raise DomainError(
            BudgetError.OVERDRAWN,
            f"The chosen months of {source.name} plan only "
            f"{format_money(amount - left, source.currency)}: "
            f"{format_money(amount, source.currency)} cannot be moved from them.",
            field="months",
        )
    LineMonth.objects.bulk_update(moved, ["planned"])
    source.planned -= amount
    target.planned += amount
    source.save(update_fields=["planned"])
    target.save(update_fields=["planned"])
    record_event("budget_reallocation.moved", subject=proposal, data={"amount": str(amount)})


def planned_total(budget_id: int) -> Decimal:
    """The sum of a budget's lines' plans."""
    from django.db.models import Sum

    found = BudgetLine.objects.filter(budget_id=budget_id).aggregate(t=Sum("planned"))["t"]
    return found or ZERO
