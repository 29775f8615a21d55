"""Changing an opportunity: its properties and its stage, through one set of rules.

``update_opportunity`` (the record page, its inline edits, PATCH in the API) and
``tandem.crm.services.move_opportunity`` (the stage form, the pipeline board, the stage
API) both close, reopen and move a deal through ``apply_stage``, so a card dragged to
"Lost" is refused for the same reason as the form: it needs to say why.
"""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any

from django.db import transaction
from django.utils import timezone

from tandem.core.currencies import currency_code
from tandem.core.dates import check_date
from tandem.core.errors import DomainError, invalid
from tandem.core.money import parse_amount
from tandem.core.permissions import Action, require
from tandem.core.services import record_event
from tandem.crm.errors import CrmError
from tandem.crm.models import Opportunity
from tandem.crm.probability import CLOSED_STAGES
from tandem.people.models import User


class Keep(Enum):
    """A property the edit leaves as it is (``None`` is a value: no close date)."""

    KEEP = "keep"


KEEP = Keep.KEEP
# What an edit may change; the stage goes through apply_stage, the rest is set.
PROPERTIES = ("name", "amount", "currency", "close_date", "owner_id", "team_id")


def check_name(value: Any) -> str:
    name = str(value or "").strip()
    if not name:
        raise invalid("name", "Name the opportunity.")
    if len(name) > 200:
        raise invalid("name", f"At most 200 characters, please ({len(name)} given).")
    return name


def check_currency(value: Any) -> str:
    """An ISO 4217 code of money in use (upper-cased), or UNKNOWN_CURRENCY."""
    code = currency_code(value)
    if code is None:
        raise DomainError(
            CrmError.UNKNOWN_CURRENCY,
            f"{str(value or '').strip()[:12]!r} is not a currency code we know: "
            "use one such as GBP, EUR or USD.",
            field="currency",
        )
    return code


def check_owner(owner: User | None) -> tuple[User, int]:
    """The new owner and the team the deal moves to with them (their home team). An
    owner works here: an active account in at least one team."""
    team_id = owner.home_team_id() if owner is not None and owner.is_active else None
    if owner is None or team_id is None:
        who = "Nobody" if owner is None else str(owner)
        raise DomainError(
            CrmError.OWNER_NOT_MEMBER,
            f"{who} cannot own deals: choose an active member of a team.",
            field="owner",
        )
    return owner, team_id


def check_reason(value: Any) -> str:
    reason = str(value or "").strip()
    if len(reason) > 300:
        raise invalid("reason", f"At most 300 characters, please ({len(reason)} given).")
    return reason


def apply_stage(
    opportunity: Opportunity, stage: str, reason: str, *, dated: bool = False
) -> str | None:
    """Set the stage on ``opportunity`` (not saved); returns the stage it left, or None
    when it stays. Closing as won or lost records when and why (lost needs a reason)
    and dates the deal to the day it closed, as HubSpot does, unless the same edit gives
    the close date (``dated``); reopening clears both."""
    if stage not in Opportunity.Stage.values:
        raise DomainError(CrmError.UNKNOWN_STAGE, "Choose a stage from the list.", field="stage")
    reason = check_reason(reason)
    closing = stage in CLOSED_STAGES
    if stage == Opportunity.Stage.LOST and not reason:
        raise DomainError(
            CrmError.LOST_WITHOUT_REASON,
            "Say why it was lost: marketing learns from it.",
            field="reason",
        )
    old = opportunity.stage
    opportunity.outcome_reason = reason if closing else ""
    if stage == old:
        return None
    opportunity.stage = stage
    opportunity.closed_at = timezone.now() if closing else None
    if closing and not dated:
        opportunity.close_date = timezone.localdate()
    return old


def _value(value: Any) -> Any:
    """A property's value as an event stores it: text, ids and ISO dates."""
    if isinstance(value, date):
        return value.isoformat()
    return None if value is None else str(value)


def update_opportunity(
    *,
    actor: User,
    opportunity: Opportunity,
    name: Any = KEEP,
    amount: Any = KEEP,
    currency: Any = KEEP,
    close_date: date | Keep | None = KEEP,
    stage: Any = KEEP,
    reason: Any = KEEP,
    owner: User | Keep | None = KEEP,
) -> Opportunity:
    """Change any of the deal's properties in one transaction. The owner, the team's
    members and heads and administrators may (the permission table's CHANGE). Each value
    is checked and refused naming its field: an amount as ``parse_amount`` reads it, an
    ISO 4217 currency, a date in range, an owner who is an active member of a team (the
    deal moves to their team), a stage from the list (lost with a reason). Field history
    records every change; the events say which fields changed (a stage change is its own
    event, as a move is), so the timeline can tell."""
    require(actor, Action.CHANGE, opportunity)
    given: dict[str, Any] = {}
    if name is not KEEP:
        given["name"] = check_name(name)
    if amount is not KEEP:
        given["amount"] = parse_amount(amount, "amount")
    if currency is not KEEP:
        given["currency"] = check_currency(currency)
    if close_date is not KEEP:
        given["close_date"] = None if close_date is None else check_date(close_date, "close_date")
    if owner is not KEEP:
        new_owner, given["team_id"] = check_owner(owner)
        given["owner_id"] = new_owner.pk
    with transaction.atomic():
        locked = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
        before = {field: getattr(locked, field) for field in (*PROPERTIES, "outcome_reason")}
        for field, value in given.items():
            setattr(locked, field, value)
        left = None
        if stage is not KEEP or reason is not KEEP:
            to = locked.stage if stage is KEEP else str(stage)
            why = locked.outcome_reason if reason is KEEP and to == locked.stage else reason
            left = apply_stage(locked, to, "" if why is KEEP else why, dated="close_date" in given)
        changed = [f for f in (*PROPERTIES, "outcome_reason") if getattr(locked, f) != before[f]]
        if not changed and left is None:
            return locked
        locked.save()
        shown = [f for f in changed if f != "team_id"]
        if shown:
            record_event(
                "opportunity.updated",
                subject=locked,
                data={
                    "fields": shown,
                    # Old and new values, except free text: the log keeps ids, codes and
                    # figures (a deal's name may be a person's; field history holds it).
                    "changes": {
                        f: [_value(before[f]), _value(getattr(locked, f))]
                        for f in shown
                        if f not in ("name", "outcome_reason")
                    },
                },
            )
        if left is not None:
            record_event(
                "opportunity.stage_changed",
                subject=locked,
                data={"from": left, "to": locked.stage},
            )
    return locked
