"""Settings the heads edit: rejection reasons, routing rules, reps' capacity and
absence, business hours and holidays.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from tandem.core.dates import check_date, check_time_of_day
from tandem.core.errors import DomainError, invalid
from tandem.core.permissions import Action, require
from tandem.core.services import record_event
from tandem.core.validation import required_text, whole_number
from tandem.handoff.errors import HandoffError
from tandem.handoff.models import (
    REASON_CODE_PATTERN,
    BusinessHours,
    Holiday,
    RejectionReason,
    RoutingRule,
)
from tandem.people.models import Membership, Team, User
from tandem.people.services import clean_time_zone


# --- Rejection reasons ------------------------------------------------------------------
def save_rejection_reason(
    *, actor: User, code: str, label: str, active: bool = True, position: Any = 0
) -> RejectionReason:
    """Add a reason, or change the one with this code (given as typed: "No Budget" is
    the code no-budget). Reasons are retired, never deleted: past rejections keep them."""
    slug = slugify(code or "")[:40]
    if not (slug and re.search(REASON_CODE_PATTERN, code)):
        raise invalid("code", "Give the reason a short code (letters, digits, dashes).")
    reason = RejectionReason.objects.filter(code=slug).first() or RejectionReason(code=slug)
    require(actor, Action.CHANGE, reason)
    label = required_text(
        label, "label", 120, message="Give the reason a label of at most 120 characters."
    )
    position = whole_number(position, "position", low=0, high=1000)
    with transaction.atomic():
        reason.label, reason.active, reason.position = label, active, position
        reason.save()
        record_event("rejection_reason.saved", subject=reason)
    return reason


# --- Routing rules, capacity, business hours ---------------------------------------------
def save_routing_rule(
    *,
    actor: User,
    team: Team,
    name: str,
    region: str = "",
    segment: str = "",
    reps: list[User] | None = None,
    position: int = 0,
    active: bool = True,
    prefer_owner: bool = True,
    rule: RoutingRule | None = None,
) -> RoutingRule:
    """Add or change a rule: the heads of the team it routes to (or an administrator).
    Every rep it names must be in that team. ``prefer_owner``: the customer's own sales
    owner gets the lead first, when free (``router.Router``)."""
    rule = rule or RoutingRule()
    if rule.pk:
        require(actor, Action.CHANGE, rule)  # the team it routed to so far
    if team.function != Team.Function.SALES:
        raise invalid("team", f"{team} is not a sales team.")
    rule.team = team
    require(actor, Action.CHANGE, rule)
    name = required_text(
        name, "name", 120, message="Give the rule a name of at most 120 characters."
    )
    reps = reps or []
    members = set(Membership.objects.filter(team=team).values_list("user_id", flat=True))
    outside = [r for r in reps if r.pk not in members or not r.is_active]
    if outside:
        raise invalid("reps", f"{outside[0]} is not in {team}.")
    if not 0 <= position <= 1000:
        raise invalid("position", "Use a position from 0 to 1000.")
    with transaction.atomic():
        rule.name, rule.position, rule.active = name, position, active
        rule.prefer_owner = prefer_owner
        rule.region, rule.segment = (region or "").strip()[:100], (segment or "").strip()[:100]
        rule.save()
        rule.reps.set(reps)
        record_event("routing_rule.saved", subject=rule)
    return rule


def set_business_hours(
    *, actor: User, team: Team, time_zone: str, opens_at: Any, closes_at: Any, weekdays: str
) -> BusinessHours:
    """When the team's SLA clocks run (its heads or an administrator)."""
    require(actor, Action.CHANGE, team)
    time_zone = clean_time_zone(time_zone)
    opens_at = check_time_of_day(opens_at, "opens_at")
    closes_at = check_time_of_day(closes_at, "closes_at")
    if closes_at <= opens_at:
        raise invalid("closes_at", "The day must close after it opens.")
    days = "".join(sorted({d for d in str(weekdays) if d in "1234567"}))
    if not days:
        raise invalid("weekdays", "Choose at least one working day.")
    with transaction.atomic():
        hours, _ = BusinessHours.objects.update_or_create(
            team=team,
            defaults={
                "time_zone": time_zone,
                "opens_at": opens_at,
                "closes_at": closes_at,
                "weekdays": days,
            },
        )
        record_event("business_hours.saved", subject=team)
    return hours


def add_holiday(*, actor: User, team: Team, day: Any, name: str) -> Holiday:
    require(actor, Action.CHANGE, team)
    name = required_text(name, "name", 120, message="Name the holiday (at most 120 characters).")
    if day is None:
        raise invalid("day", "Give the date.")
    day = check_date(day, "day")
    try:
        with transaction.atomic():
            holiday = Holiday.objects.create(team=team, day=day, name=name)
            record_event("holiday.added", subject=team, data={"day": str(day)})
    except IntegrityError:  # the unique (team, day) constraint, also under a race
        raise DomainError(
            HandoffError.HOLIDAY_EXISTS, f"{day} is already a holiday.", field="day"
        ) from None
    return holiday


def remove_holiday(*, actor: User, holiday: Holiday) -> None:
    require(actor, Action.CHANGE, holiday.team)
    with transaction.atomic():
        holiday.delete()
        record_event("holiday.removed", subject=holiday.team, data={"day": str(holiday.day)})
