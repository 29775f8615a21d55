"""Joint contracts of marketing and sales: the SLA policy and the scoring model.

A head proposes; it is in force once a marketing head and a sales head (two people)
have approved it through the approvals app (the proposer's approval counts for their
side); deciding happens there, on the Decisions page or ``/api/v1/approvals/``. A scoring
model coming into force rescores everyone in the background.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from tandem.approvals import contracts
from tandem.core.errors import DomainError, invalid
from tandem.core.services import record_event, start_job
from tandem.core.validation import decimal_number, whole_number
from tandem.handoff import scoring
from tandem.handoff.models import (
    ScoringModel,
    ScoringRule,
    SlaPolicy,
    SlaTier,
    Tier,
)
from tandem.people.models import User

# The ranges a joint contract's figures are held to; the API's schemas read them.
MQLS_PER_MONTH = (1, 1_000_000)
ACCEPTANCE_RATE = ("0", "100")
TIER_MIN_SCORE = (-(10**6), 10**6)
TIER_HOURS = ("0.25", "720")
THRESHOLD = (1, 100_000)
HALF_LIFE_DAYS = ("0.1", "3650")
SLA_KIND, SCORING_KIND = "handoff.sla", "handoff.scoring"


class SlaKind(contracts.ContractKind):
    name, label, subject_model = SLA_KIND, "SLA change", "handoff.slapolicy"
    url_name = "handoff:contract"

    def describe(self, subject: Any) -> str:
        return (
            f"SLA: {subject.mqls_per_month:,} MQLs a month, at least "
            f"{subject.min_acceptance_rate.normalize():f} % accepted"
        )


class ScoringKind(contracts.ContractKind):
    name, label, subject_model = SCORING_KIND, "Scoring rules change", "handoff.scoringmodel"
    url_name = "handoff:contract"

    def describe(self, subject: Any) -> str:
        return f"Scoring rules: qualified at {subject.threshold:,} points"

    def in_force(self, contract: Any, actor: Any) -> None:
        """New rules: everyone is rescored in the background."""
        start_job(
            owner=actor,
            kind="handoff.rescore",
            title="Rescore every lead under the new scoring rules",
            params={"model_id": contract.pk},
        )


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
    contracts.start(actor, policy, note)
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
        contracts.propose(actor, SLA_KIND, policy)
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
    contracts.start(actor, model, note)
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
        contracts.propose(actor, SCORING_KIND, model)
    return model
