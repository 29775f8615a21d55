"""Where capacity meets scheduling: the warning before a campaign's dates are saved, the
request to a head of sales when someone goes ahead anyway, and the heads' rule that such
a campaign waits for that approval before it goes live.

The warning is a schedule check registered with campaigns
(``campaigns.services.register_schedule_check``), not a call from the calendar's views:
the new-campaign form lives in campaigns, which may not import the calendar, and one
check serves it and the calendar's move alike. It warns, never refuses: the move or the
new campaign is saved whenever the person confirms.

The rule is a ``CapacityRule`` row in the calendar (Tandem keeps no organisation
settings store; Django settings are the deployment's, not the heads'), changed only by a
head of a sales team through ``set_rule``, its history kept. With it on, a launch check
(``campaigns.services.register_launch_check``) holds back a campaign still over capacity
whose latest request was not approved.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tandem.approvals.models import ApprovalRequest
from tandem.approvals.services import request_approval
from tandem.calendar.capacity import WeekLoad
from tandem.calendar.capacity_warnings import warnings_for
from tandem.calendar.kinds import OVER_CAPACITY
from tandem.calendar.models import CapacityRule
from tandem.calendar.readiness import heads_sales
from tandem.campaigns.models import Campaign
from tandem.campaigns.services import ScheduleWarning
from tandem.core.errors import DomainError, ErrorCode
from tandem.core.services import record_event


def _n(value: float) -> str:
    """A figure as people read it: whole numbers without a point, else one decimal."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _leads(value: float) -> str:
    return f"{_n(value)} lead{'' if value == 1 else 's'}"


def said(week: WeekLoad, name: str = "") -> str:
    """One over-capacity week in words, with its figures."""
    part = f" ({_n(week.own)} from {name})" if name and week.own else ""
    region = f" in {week.label}" if week.region is not None else ""
    load = f" ({_n(week.capacity)} capacity less {_n(week.load)} open)" if week.load else ""
    return (
        f"Week of {week.monday:%-d %b %Y}{region}: {_leads(week.inflow)} coming{part} "
        f"against {_n(week.available)} sales can take{load}: {_n(-week.difference)} over."
    )


def warnings(campaign: Campaign, starts_on: date, ends_on: date) -> list[ScheduleWarning]:
    """The schedule check: a warning per week and region it would leave over capacity."""
    page = reverse("calendar:capacity")
    return [
        ScheduleWarning(
            message=said(week, campaign.name),
            lines=tuple(
                f"{c.name}: {_leads(c.leads)}"
                + (f" (measured on {c.sample} finished campaigns)" if c.sample else "")
                for c in week.causes
            )
            + ((f"and {week.more} more",) if week.more else ()),
            url=f"{page}?region={week.param}" if week.param else page,
        )
        for week in warnings_for(campaign, starts_on, ends_on)
    ]


def confirmed(actor: Any, campaign: Campaign, said_before: list[ScheduleWarning]) -> None:
    """Someone went ahead over capacity: a head of sales is asked (and notified)."""
    reason = " ".join(w.message for w in said_before[:3])
    if len(said_before) > 3:
        reason += f" And {len(said_before) - 3} more week{'s' if len(said_before) > 4 else ''}."
    request_approval(actor=actor, kind=OVER_CAPACITY, subject=campaign, reason=reason)


def rule() -> CapacityRule:
    return CapacityRule.objects.order_by("pk").first() or CapacityRule()


def set_rule(*, actor: Any, approval_before_launch: bool) -> CapacityRule:
    """A head of sales turns "approve over-capacity campaigns before launch" on or off."""
    if not heads_sales(actor):
        raise DomainError(ErrorCode.FORBIDDEN, "Only a head of a sales team sets this rule.")
    with transaction.atomic():
        found = CapacityRule.objects.select_for_update().order_by("pk").first() or CapacityRule()
        found.approval_before_launch = bool(approval_before_launch)
        found.changed_by, found.changed_at = actor, timezone.now()
        found.save()
        record_event(
            "calendar.capacity_rule_set",
            data={"approval_before_launch": found.approval_before_launch},
        )
    return found


def launch_check(campaign: Campaign) -> str:
    """With the heads' rule on: a campaign still over capacity goes live only once a
    head of sales approved its latest over-capacity request (or an override did)."""
    if not rule().approval_before_launch:
        return ""
    latest = (
        ApprovalRequest.objects.about(campaign)
        .filter(kind=OVER_CAPACITY)
        .exclude(status=ApprovalRequest.Status.SUPERSEDED)
        .order_by("-requested_at", "-id")
        .first()
    )
    if latest is not None and latest.status in (
        ApprovalRequest.Status.APPROVED,
        ApprovalRequest.Status.OVERRIDDEN,
    ):
        return ""
    over = warnings_for(campaign, campaign.starts_on, campaign.ends_on)
    if not over:
        return ""
    if latest is None:
        return (
            f"it puts sales over capacity ({said(over[0])[:-1]}) and a head of sales has not "
            "approved it: move it on the calendar and confirm, to ask them"
        )
    return (
        f"it puts sales over capacity and a head of sales has not approved it yet "
        f"({latest.get_status_display().lower()})"
    )
