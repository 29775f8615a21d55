"""Spend and commitments (purchase orders) on a line, campaign costs posted as spend,
and the alerts at 80 % and 100 % of planned.

The rule for "no double-spend" is the line's: what a line has left over its whole period
(planned - committed - actual) never goes below zero. Each write locks the line, reads
its stored totals, refuses what would overdraw it, and updates the line's and the
month's totals in the same transaction as the entry, so the totals are always the sum
of the entries (a test proves it).
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.urls import reverse

from tandem.budget.errors import BudgetError
from tandem.budget.models import BudgetLine, Commitment, LineMonth, Spend
from tandem.budget.services import ensure_open, lock_lines, overdrawn, parse_month
from tandem.campaigns.models import Campaign, CampaignCost
from tandem.core.dates import check_date
from tandem.core.errors import DomainError, invalid
from tandem.core.exchange_rates import RATE_PLACES, rates_on
from tandem.core.money import PENNY, format_money, parse_amount
from tandem.core.permissions import Action, require
from tandem.core.services import record_event
from tandem.core.validation import optional_text, required_text
from tandem.notifications.services import notify
from tandem.people.models import Membership, User

ATTACHMENT_KINDS = {"pdf", "png", "jpeg"}
ALERT_LEVELS = (100, 80)


def _month_row(line: BudgetLine, month: date) -> LineMonth:
    return LineMonth.objects.select_for_update().get(line=line, month=month)


def _converted(
    amount: Decimal, currency: str, line: BudgetLine, day: date
) -> tuple[Decimal, Decimal | None]:
    """``amount`` of ``currency`` in the line's currency by the rate in force on ``day``,
    and the rate used (None when no conversion)."""
    if currency == line.currency:
        return amount, None
    converted = rates_on(day).convert(amount, currency, line.currency)
    if converted is None:
        raise DomainError(
            BudgetError.CURRENCY_MISMATCH,
            f"{line.name} is kept in {line.currency} and there is no exchange rate from "
            f"{currency} on {day:%-d %b %Y}: enter the amount in {line.currency}, or ask an "
            "administrator to add the rate (Exchange rates).",
            field="currency",
        )
    value = converted.quantize(PENNY, rounding=ROUND_HALF_UP)
    if value <= 0:
        raise invalid("amount", "amount is less than a penny once converted.")
    rate = (converted / amount).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)
    return value, rate


def _attachment(upload: Any) -> tuple[Any, str]:
    """A PDF, PNG or JPEG, judged by its content (as collateral's files are)."""
    from tandem.collateral.files import check_upload

    try:
        checked = check_upload(upload)
    except DomainError as exc:
        exc.field = "attachment"  # the form's name for the file
        raise
    if checked.kind not in ATTACHMENT_KINDS:
        raise invalid("attachment", "Attach the invoice or receipt as a PDF, PNG or JPEG.")
    return File(upload, name=f"{uuid.uuid4().hex}{checked.extension}"), checked.content_type


def record_spend(
    *,
    actor: User,
    line: BudgetLine,
    amount: Any,
    spent_on: date,
    currency: str = "",
    supplier: str = "",
    note: str = "",
    attachment: Any = None,
    commitment: Commitment | None = None,
    campaign_cost: CampaignCost | None = None,
) -> Spend:
    """Spend from ``line`` in the month of ``spent_on``. In another currency it is
    converted by the rate in force that day (refused without one). Settling a
    ``commitment`` moves that much of it from committed to actual."""
    require(actor, Action.CHANGE, line)
    period = line.budget.period
    spent_on = check_date(spent_on, "spent_on")
    month = parse_month(spent_on, period, "spent_on")
    original = parse_amount(amount, "amount")
    if original <= 0:
        raise invalid("amount", "amount must be above zero.")
    currency = (currency or line.currency).strip().upper()
    value, rate = _converted(original, currency, line, spent_on)
    supplier = optional_text(supplier, "supplier", 200)
    note = optional_text(note, "note", 500)
    stored, content_type = _attachment(attachment) if attachment else (None, "")
    if commitment is not None and commitment.line_id != line.pk:
        raise invalid("commitment", "That purchase order is on another line.")
    with transaction.atomic():
        locked = lock_lines(line.pk)[line.pk]
        ensure_open(locked.budget.period)
        settle = Decimal("0.00")
        if commitment is not None:
            commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
            if commitment.status != Commitment.Status.OPEN:
                raise DomainError(
                    BudgetError.COMMITMENT_CLOSED,
                    f"PO {commitment.number} is {commitment.get_status_display().lower()}.",
                    field="commitment",
                )
            settle = min(value, commitment.open_amount)
        if locked.available + settle - value < 0:
            raise overdrawn(locked, value, "Spending")
        spend = Spend(
            line=locked,
            month=month,
            spent_on=spent_on,
            amount=value,
            original_amount=original,
            original_currency=currency,
            rate=rate,
            supplier=supplier,
            note=note,
            commitment=commitment,
            campaign_cost=campaign_cost,
            created_by=actor,
            attachment_type=content_type,
        )
        if stored is not None:
            spend.attachment = stored
        spend.save()
        row = _month_row(locked, month)
        row.actual += value
        row.save(update_fields=["actual"])
        locked.actual += value
        if commitment is not None:
            _settle(
                locked, commitment, settle, close=commitment.amount == commitment.settled + settle
            )
        locked.save(update_fields=["actual", "committed"])
        record_event("budget_spend.recorded", subject=locked, data={"spend_id": spend.pk})
        _alert(locked)
    return spend


def _settle(line: BudgetLine, commitment: Commitment, amount: Decimal, *, close: bool) -> None:
    """Take ``amount`` of an open commitment off committed (the line is locked); close it
    once settled in full."""
    commitment.settled += amount
    if close:
        commitment.status = Commitment.Status.CLOSED
    commitment.save(update_fields=["settled", "status"])
    if amount:
        row = _month_row(line, commitment.month)
        row.committed -= amount
        row.save(update_fields=["committed"])
        line.committed -= amount


def add_commitment(
    *,
    actor: User,
    line: BudgetLine,
    number: str,
    supplier: str,
    amount: Any,
    month: Any,
    note: str = "",
) -> Commitment:
    """A purchase order against ``line`` in ``month``: committed until spent or closed."""
    require(actor, Action.CHANGE, line)
    period = line.budget.period
    value = parse_amount(amount, "amount")
    if value <= 0:
        raise invalid("amount", "amount must be above zero.")
    commitment = Commitment(
        line=line,
        month=parse_month(month, period, "month"),
        number=required_text(number, "number", 60, message="Give the PO number."),
        supplier=required_text(supplier, "supplier", 200, message="Name the supplier."),
        amount=value,
        note=optional_text(note, "note", 500),
        created_by=actor,
    )
    with transaction.atomic():
        locked = lock_lines(line.pk)[line.pk]
        ensure_open(locked.budget.period)
        if locked.available < value:
            raise overdrawn(locked, value, "Committing")
        commitment.line = locked
        commitment.save()
        row = _month_row(locked, commitment.month)
        row.committed += value
        row.save(update_fields=["committed"])
        locked.committed += value
        locked.save(update_fields=["committed"])
        record_event("budget_commitment.added", subject=locked, data={"po": commitment.number})
        _alert(locked)
    return commitment


def close_commitment(*, actor: User, commitment: Commitment, release: bool = True) -> Commitment:
    """Close a purchase order: what is not settled stops counting as committed.
    ``release`` says the money was not needed (released) rather than done with (closed)."""
    require(actor, Action.CHANGE, commitment)
    with transaction.atomic():
        locked = lock_lines(commitment.line_id)[commitment.line_id]
        ensure_open(locked.budget.period)
        found = Commitment.objects.select_for_update().get(pk=commitment.pk)
        if found.status != Commitment.Status.OPEN:
            raise DomainError(
                BudgetError.COMMITMENT_CLOSED,
                f"PO {found.number} is {found.get_status_display().lower()} already.",
            )
        remainder = found.open_amount
        found.status = Commitment.Status.RELEASED if release else Commitment.Status.CLOSED
        found.save(update_fields=["status"])
        if remainder:
            row = _month_row(locked, found.month)
            row.committed -= remainder
            row.save(update_fields=["committed"])
            locked.committed -= remainder
        locked.save(update_fields=["committed"])
        record_event(f"budget_commitment.{found.status}", subject=locked, data={"po": found.number})
    return found


def post_campaign_costs(*, actor: User, campaign: Campaign) -> list[Spend]:
    """Post each of ``campaign``'s costs not posted yet as spend on the line that funds
    it in the cost's period (the first such line). Posting again changes nothing."""
    lines = list(
        BudgetLine.objects.filter(campaigns=campaign)
        .select_related("budget__period")
        .order_by("pk")
    )
    if not lines:
        raise DomainError(
            BudgetError.NOT_A_CAMPAIGN_LINE,
            f"No budget line funds {campaign}: link it to a line first.",
            field="campaign",
        )
    posted: list[Spend] = []
    costs = CampaignCost.objects.filter(campaign=campaign, budget_spend__isnull=True)
    for cost in costs.order_by("incurred_on", "pk"):
        line = next(
            (x for x in lines if cost.incurred_on.replace(day=1) in x.budget.period.months), None
        )
        if line is None:
            continue
        with transaction.atomic():
            if Spend.objects.select_for_update().filter(campaign_cost=cost).exists():
                continue
            posted.append(
                record_spend(
                    actor=actor,
                    line=line,
                    amount=cost.amount,
                    spent_on=cost.incurred_on,
                    currency=campaign.currency,
                    supplier=campaign.name,
                    note=cost.description,
                    campaign_cost=cost,
                )
            )
    return posted


def _alert(line: BudgetLine) -> None:
    """Tell the owner and the team's heads when the line first uses 80 %, then 100 %,
    of its plan (once each; the line is locked by the caller)."""
    used = line.committed + line.actual
    empty = Decimal(100) if used else Decimal(0)
    share = used * 100 / line.planned if line.planned > 0 else empty
    level = next((lvl for lvl in ALERT_LEVELS if share >= lvl), 0)
    if level <= line.alerted_at:
        return
    line.alerted_at = level
    line.save(update_fields=["alerted_at"])
    heads = User.objects.filter(
        memberships__team_id=line.team_id, memberships__role=Membership.Role.HEAD, is_active=True
    )
    people = {line.owner_id: line.owner, **{u.pk: u for u in heads}}
    notify(
        recipients=list(people.values()),
        kind="system",
        text=f"{line.name} has used {level} % of its plan: "
        f"{format_money(used, line.currency)} of {format_money(line.planned, line.currency)}.",
        url=reverse("budget:line", args=[line.pk]),
    )
