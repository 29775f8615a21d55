"""The shared incentive pool: paid only on shared KPIs, by a formula both teams see.

    payout = pool * sum(weight * factor),   factor = 0 below the threshold,
                                            else min(attainment, cap)

Attainment is the KPI's year to date against its target (inverted where lower is
better). The weights add up to 100 %. The formula (pool, weights, thresholds, caps) is a
joint contract: in force once a head of marketing and a head of sales approve it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from tandem.approvals import contracts
from tandem.core.errors import invalid
from tandem.core.money import parse_amount
from tandem.core.services import record_event
from tandem.core.validation import decimal_number, optional_text
from tandem.people.models import User
from tandem.planning.kpis import CATALOGUE
from tandem.planning.models import IncentiveMeasure, IncentivePlan, PlanPeriod
from tandem.planning.scorecard import Score, scorecard
from tandem.planning.services import PeriodContractKind, check_open

INCENTIVE_KIND = "planning.incentive"
MAX_MEASURES = 10


class IncentiveKind(PeriodContractKind):
    name, label, subject_model = (
        INCENTIVE_KIND,
        "Shared incentive formula",
        "planning.incentiveplan",
    )
    url_name = "planning:incentive"

    def describe(self, subject: Any) -> str:
        from tandem.core.money import format_money

        pool = format_money(subject.pool, subject.currency)
        return f"{subject.period} shared incentive: a pool of {pool}"


def propose_incentive(
    *, actor: User, period: PlanPeriod, pool: Any, measures: Any, note: str = ""
) -> IncentivePlan:
    """A formula for the period's shared pool: ``measures`` [{key, weight, threshold,
    cap}] of shared KPIs whose weights add up to 100 (thresholds and caps in % of target)."""
    check_open(period)
    plan = IncentivePlan(period=period, currency=period.currency)
    contracts.start(actor, plan, optional_text(note, "note", 500))
    plan.pool = parse_amount(pool, "pool")
    rows = _measures(measures)
    with transaction.atomic():
        plan.save()
        for row in rows:
            row.plan = plan
        IncentiveMeasure.objects.bulk_create(rows)
        record_event("incentive.proposed", subject=plan)
        contracts.propose(actor, INCENTIVE_KIND, plan)
    plan.refresh_from_db()
    return plan


def _measures(measures: Any) -> list[IncentiveMeasure]:
    if not isinstance(measures, list) or not measures:
        raise invalid("measures", "Give at least one shared KPI the pool pays on.")
    if len(measures) > MAX_MEASURES:
        raise invalid("measures", f"Pay on at most {MAX_MEASURES} KPIs.")
    rows, seen, total = [], set(), Decimal("0")
    for i, row in enumerate(measures):
        field = f"measures[{i}]"
        if not isinstance(row, dict):
            raise invalid(field, "Give each measure's KPI, weight, threshold and cap.")
        key = str(row.get("key", ""))
        kpi = CATALOGUE.get(key)
        if kpi is None:
            raise invalid(f"{field}.key", "Choose a KPI of the catalogue.")
        if kpi.side != "shared":
            raise invalid(
                f"{field}.key",
                f"Only shared KPIs pay the shared pool: {kpi.label} is {kpi.side}' alone."
                if kpi.side == "sales"
                else f"Only shared KPIs pay the shared pool: {kpi.label} is {kpi.side}'s alone.",
            )
        if key in seen:
            raise invalid(f"{field}.key", f"{kpi.label} is given twice.")
        seen.add(key)
        weight = decimal_number(row.get("weight"), f"{field}.weight", "0.01", "100")
        threshold = decimal_number(row.get("threshold", 0), f"{field}.threshold", "0", "200")
        cap = decimal_number(row.get("cap", 100), f"{field}.cap", "1", "300")
        if cap < threshold:
            raise invalid(f"{field}.cap", "The cap must be at or above the threshold.")
        total += weight
        rows.append(IncentiveMeasure(key=key, weight=weight, threshold=threshold, cap=cap))
    if total != 100:
        raise invalid("measures", f"The weights add up to {total.normalize():f} %, not 100 %.")
    return rows


@dataclass
class Line:
    measure: IncentiveMeasure
    score: Score | None
    factor: float  # % of the weight paid: 0 below the threshold, else min(attainment, cap)

    @property
    def paid(self) -> float:
        return float(self.measure.weight) * self.factor / 100


@dataclass
class Statement:
    plan: IncentivePlan
    lines: list[Line]
    as_of: date | None

    @property
    def share(self) -> float:
        """% of the pool earned."""
        return sum(line.paid for line in self.lines)

    @property
    def payout(self) -> Decimal:
        return (self.plan.pool * Decimal(str(self.share)) / 100).quantize(Decimal("0.01"))


def statement(plan: IncentivePlan, *, as_of: date | None = None) -> Statement:
    """What the formula pays on the shared KPIs to date."""
    scores = {s.kpi.key: s for s in scorecard(plan.period, as_of=as_of, side="shared")}
    lines = []
    for measure in plan.measures.all():
        score = scores.get(measure.key)
        attained = score.attainment if score else None
        if attained is None or attained < float(measure.threshold):
            factor = 0.0
        else:
            factor = min(attained, float(measure.cap))
        lines.append(Line(measure, score, factor))
    return Statement(plan, lines, as_of)
