"""Writes of the attribution app: the heads' joint choice of model (a proposal both
approve, as for the SLA) and on-demand refreshes of a report."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from tandem.attribution import reports
from tandem.attribution.journeys import Scope
from tandem.attribution.models import MAX_LOOKBACK_DAYS, MODELS, AttributionChoice
from tandem.core.errors import DomainError, ErrorCode
from tandem.core.models import Job
from tandem.core.permissions import is_staff
from tandem.core.services import record_event
from tandem.core.validation import whole_number
from tandem.handoff.contracts import approve_side, start_proposal
from tandem.people.models import User


def propose_attribution_model(
    *, actor: User, model: str, lookback_days: Any, note: str = ""
) -> AttributionChoice:
    """Propose the model campaign ROI is measured by; in force once a marketing head and
    a sales head have both approved (the proposer's approval counts for their side)."""
    if model not in MODELS:
        raise DomainError(ErrorCode.INVALID, "Choose one of the models listed.", field="model")
    days = whole_number(
        lookback_days,
        "lookback_days",
        1,
        MAX_LOOKBACK_DAYS,
        message=f"Give a lookback of 1 to {MAX_LOOKBACK_DAYS} days.",
    )
    choice = AttributionChoice(model=model, lookback_days=days)
    start_proposal(actor, choice, note)
    with transaction.atomic():
        choice.save()
        record_event("attribution.proposed", subject=choice, data={"model": model})
        approve_side(actor, choice)
    return choice


def refresh_report(*, actor: User, scope: Scope) -> Job:
    """Recompute a report now (a person asked): every staff member may."""
    if not is_staff(actor):
        raise DomainError(ErrorCode.FORBIDDEN, "Only people in a team see attribution.")
    return reports.refresh(reports.report_for(scope, user=actor), user=actor)
