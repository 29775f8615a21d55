"""Joint contracts of marketing and sales: the SLA policy and the scoring model.

A head proposes; it is in force once a marketing head and a sales head (two people)
have approved it. A scoring model coming into force rescores everyone in the background.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from tandem.core.errors import DomainError, ErrorCode, invalid
from tandem.core.permissions import Action, require
from tandem.core.services import record_event, start_job
from tandem.core.validation import decimal_number, whole_number
from tandem.handoff import scoring
from tandem.handoff.models import (
    JointProposal,
    ScoringModel,
    ScoringRule,
    SlaPolicy,
    SlaTier,
    Tier,
)
from tandem.people.models import Membership, Team, User

# The ranges a joint contract's figures are held to; the API's schemas read them.
MQLS_PER_MONTH = (1, 1_000_000)
ACCEPTANCE_RATE = ("0", "100")
TIER_MIN_SCORE = (-(10**6), 10**6)
TIER_HOURS = ("0.25", "720")
THRESHOLD = (1, 100_000)
HALF_LIFE_DAYS = ("0.1", "3650")


def head_sides(user: Any) -> set[str]:
    """Which side(s) of the contracts ``user`` signs for: "marketing" and/or "sales"."""
    if not user.is_authenticated:
        return set()
    functions = Team.objects.filter(
        memberships__user=user,
        memberships__role=Membership.Role.HEAD,
        function__in=(Team.Function.MARKETING, Team.Function.SALES),
    ).values_list("function", flat=True)
    return set(functions)


def start_proposal(actor: User, proposal: JointProposal, note: str) -> None:
    require(actor, Action.APPROVE, proposal)  # heads of marketing and sales teams only
    proposal.note = (note or "").strip()[:500]
    proposal.proposed_by = actor
    proposal.proposed_at = timezone.now()


def propose_sla_policy(
    *,
    actor: User,
    mqls_per_month: Any,
    min_acceptance_rate: Any,
    tiers: list[dict[str, Any]],
    note: str = "",
) -> SlaPolicy:
    """A new SLA: marketing's promise and, per priority tier, sales'. It is in force once
    a marketing head and a sales head (two people) have approved it; the proposer's own
    approval counts for their side."""
    low_mqls, high_mqls = MQLS_PER_MONTH
    policy = SlaPolicy(
        mqls_per_month=whole_number(mqls_per_month, "mqls_per_month", low=low_mqls, high=high_mqls),
        min_acceptance_rate=decimal_number(
            min_acceptance_rate,
            "min_acceptance_rate",
            low=ACCEPTANCE_RATE[0],
            high=ACCEPTANCE_RATE[1],
        ),
    )
    start_proposal(actor, policy, note)
    cleaned: list[SlaTier] = []
    seen: set[str] = set()
    for index, row in enumerate(tiers):
        tier = str(row.get("tier", ""))
        if tier not in Tier.values:
            raise invalid(f"tiers[{index}].tier", "Choose high, medium or low.")
        if tier in seen:
            raise invalid(f"tiers[{index}].tier", f"The {tier} tier is given twice.")
        seen.add(tier)
        cleaned.append(
            SlaTier(
                tier=tier,
                min_score=whole_number(
                    row.get("min_score"),
                    f"tiers[{index}].min_score",
                    low=TIER_MIN_SCORE[0],
                    high=TIER_MIN_SCORE[1],
                ),
                accept_within_hours=decimal_number(
                    row.get("accept_within_hours"),
                    f"tiers[{index}].accept_within_hours",
                    low=TIER_HOURS[0],
                    high=TIER_HOURS[1],
                ),
                follow_up_within_hours=decimal_number(
                    row.get("follow_up_within_hours"),
                    f"tiers[{index}].follow_up_within_hours",
                    low=TIER_HOURS[0],
                    high=TIER_HOURS[1],
                ),
            )
        )
    if not cleaned:
        raise invalid("tiers", "Give sales' promise for at least one priority tier.")
    with transaction.atomic():
        policy.save()
        for tier_row in cleaned:
            tier_row.policy = policy
        SlaTier.objects.bulk_create(cleaned)
        record_event("sla.proposed", subject=policy)
        approve_side(actor, policy)
    return policy


def propose_scoring_model(
    *,
    actor: User,
    threshold: Any,
    half_life_days: Any,
    rules: list[dict[str, Any]],
    note: str = "",
) -> ScoringModel:
    """A new definition of "qualified": rules, decay and MQL threshold, approved like the
    SLA. Every rule is checked first; one naming a field that does not exist is refused."""
    model = ScoringModel(
        threshold=whole_number(threshold, "threshold", low=THRESHOLD[0], high=THRESHOLD[1]),
        half_life_days=decimal_number(
            half_life_days, "half_life_days", low=HALF_LIFE_DAYS[0], high=HALF_LIFE_DAYS[1]
        ),
    )
    start_proposal(actor, model, note)
    checked = []
    for index, row in enumerate(rules):
        try:
            checked.append(
                scoring.check_rule(
                    kind=str(row.get("kind", "")),
                    field=str(row.get("field", "")),
                    operator=str(row.get("operator", "") or ""),
                    value=str(row.get("value", "") or ""),
                    points=row.get("points"),
                )
            )
        except DomainError as exc:
            raise invalid(f"rules[{index}].{exc.field}", exc.message) from exc
    if not checked:
        raise invalid("rules", "Give at least one rule.")
    if len(checked) > 200:
        raise invalid("rules", "At most 200 rules.")
    with transaction.atomic():
        model.save()
        ScoringRule.objects.bulk_create(
            [
                ScoringRule(
                    model=model,
                    kind=r.kind,
                    field=r.field,
                    operator=r.operator,
                    value=r.value,
                    points=r.points,
                )
                for r in checked
            ]
        )
        record_event("scoring.proposed", subject=model)
        approve_side(actor, model)
    return model


def approve(*, actor: User, proposal: JointProposal) -> JointProposal:
    """The actor's side approves; with both sides approved the proposal comes into force
    (and a new scoring model rescores everyone in the background)."""
    require(actor, Action.APPROVE, proposal)
    with transaction.atomic():
        locked = type(proposal).objects.select_for_update().get(pk=proposal.pk)
        if locked.status != JointProposal.Status.PROPOSED:
            raise DomainError(
                ErrorCode.CONFLICT, f"This proposal is {locked.get_status_display().lower()}."
            )
        approve_side(actor, locked)
    return locked


def approve_side(actor: User, proposal: JointProposal) -> None:
    sides = head_sides(actor)
    now = timezone.now()
    signed = {proposal.marketing_approved_by_id, proposal.sales_approved_by_id} - {None}
    pending = [
        s
        for s in ("marketing", "sales")
        if s in sides and getattr(proposal, f"{s}_approved_by_id") is None
    ]
    if not sides:
        raise DomainError(ErrorCode.FORBIDDEN, "Only the heads of marketing and sales approve.")
    if not pending or actor.pk in signed:
        raise DomainError(
            ErrorCode.CONFLICT,
            "You have approved this already; it needs the other side's head.",
        )
    side = pending[0]  # one person signs for one side: both sides need two people
    setattr(proposal, f"{side}_approved_by", actor)
    setattr(proposal, f"{side}_approved_at", now)
    proposal.save()
    record_event(f"{proposal._meta.model_name}.approved", subject=proposal, data={"side": side})
    if proposal.marketing_approved_by_id and proposal.sales_approved_by_id:
        _bring_into_force(actor, proposal, now)


def _bring_into_force(actor: User, proposal: JointProposal, now: datetime) -> None:
    model = type(proposal)
    model.objects.filter(status=JointProposal.Status.ACTIVE).update(
        status=JointProposal.Status.SUPERSEDED
    )
    proposal.status = JointProposal.Status.ACTIVE
    proposal.activated_at = now
    proposal.save()
    record_event(f"{model._meta.model_name}.in_force", subject=proposal)
    if isinstance(proposal, ScoringModel):
        start_job(
            owner=actor,
            kind="handoff.rescore",
            title="Rescore every lead under the new scoring rules",
            params={"model_id": proposal.pk},
        )


def withdraw(*, actor: User, proposal: JointProposal) -> JointProposal:
    require(actor, Action.APPROVE, proposal)
    if proposal.status != JointProposal.Status.PROPOSED:
        raise DomainError(ErrorCode.CONFLICT, "Only a proposal waiting for approval is withdrawn.")
    with transaction.atomic():
        proposal.status = JointProposal.Status.WITHDRAWN
        proposal.save(update_fields=["status"])
        record_event(f"{proposal._meta.model_name}.withdrawn", subject=proposal)
    return proposal
