"""The joint scorecard of a period: every KPI of the catalogue per month so far, the
year to date, its target and how far it is reached; team views are filters of it.

Each KPI is one or two grouped queries whatever the data's size; the months come back
as numpy arrays, so a month's value and the year to date are the same sum(num)/sum(den).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from tandem.core.errors import invalid
from tandem.core.permissions import Action, require
from tandem.core.services import record_event
from tandem.core.validation import decimal_number
from tandem.people.models import User
from tandem.planning import fiscal
from tandem.planning.kpis import CATALOGUE, Kpi, Span
from tandem.planning.models import KpiTarget, PlanPeriod
from tandem.planning.services import check_open

SIDES = ("shared", "marketing", "sales")
MAX_TARGET = "999999999999"


@dataclass
class Score:
    kpi: Kpi
    months: list[date]
    values: list[float | None]  # per month so far
    to_date: float | None
    target: Decimal | None
    target_to_date: float | None
    attainment: float | None  # % of the target to date (lower-is-better inverted)

    @property
    def met(self) -> bool | None:
        return None if self.attainment is None else self.attainment >= 100

    def chart(self) -> dict[str, Any]:
        return {
            "type": "line",
            "labels": [fiscal.month_label(m) for m in self.months],
            "datasets": [{"label": self.kpi.label, "values": self.values}],
        }


def months_so_far(period: PlanPeriod, as_of: date | None = None) -> list[date]:
    today = as_of or timezone.localdate()
    return [m for m in period.months if m <= today]


def scorecard(period: PlanPeriod, *, as_of: date | None = None, side: str = "") -> list[Score]:
    """Every KPI (or one side's and the shared ones) for ``period`` up to ``as_of``."""
    months = months_so_far(period, as_of)
    targets = dict(KpiTarget.objects.filter(period=period).values_list("key", "value"))
    chosen = [k for k in CATALOGUE.values() if not side or k.side in (side, "shared")]
    scores = []
    span = Span(period, months) if months else None  # one for all: KPIs share its reads
    for kpi in chosen:
        target = targets.get(kpi.key)
        if target is None and kpi.default_target is not None:
            target = Decimal(str(kpi.default_target))
        if span is None:
            scores.append(Score(kpi, [], [], None, target, None, None))
            continue
        num, den = kpi.compute(span)
        values = _ratio(num, den)
        to_date = _total(num, den)
        share = len(months) / 12 if kpi.summed else 1
        target_to_date = float(target) * share if target is not None else None
        scores.append(
            Score(
                kpi,
                months,
                values,
                to_date,
                target,
                target_to_date,
                _attained(kpi, to_date, target_to_date),
            )
        )
    return scores


def _ratio(num: np.ndarray, den: np.ndarray | None) -> list[float | None]:
    if den is None:
        return [round(float(v), 2) for v in num]
    return [round(float(n / d), 2) if d else None for n, d in zip(num, den, strict=True)]


def _total(num: np.ndarray, den: np.ndarray | None) -> float | None:
    if den is None:
        return float(num.sum())
    total = float(den.sum())
    return float(num.sum()) / total if total else None


def _attained(kpi: Kpi, actual: float | None, target: float | None) -> float | None:
    if actual is None or target is None:
        return None
    if kpi.better == "lower":
        return 100.0 * target / actual if actual else None
    return 100.0 * actual / target if target else None


def set_kpi_target(*, actor: User, period: PlanPeriod, key: str, value: Any) -> KpiTarget:
    """A KPI's target for the period (a year's total for pipeline; a % or days else)."""
    return set_kpi_targets(actor=actor, period=period, values={key: value})[0]


def set_kpi_targets(*, actor: User, period: PlanPeriod, values: dict[str, Any]) -> list[KpiTarget]:
    """Several KPIs' targets at once: all are checked before any is saved, so a bad one
    (named by its key) leaves every target as it was."""
    require(actor, Action.CHANGE, KpiTarget(period=period))
    check_open(period)
    cleaned = {}
    for key, value in values.items():
        if key not in CATALOGUE:
            raise invalid("key", "Choose a KPI of the catalogue.")
        high = "1000" if CATALOGUE[key].unit == "percent" else MAX_TARGET
        field = "value" if len(values) == 1 else key
        cleaned[key] = decimal_number(value, field, "0", high)
    saved = []
    now = timezone.now()
    with transaction.atomic():
        for key, number in cleaned.items():
            target, _ = KpiTarget.objects.update_or_create(
                period=period, key=key, defaults={"value": number, "set_by": actor, "set_at": now}
            )
            saved.append(target)
        record_event(
            "kpi_target.set",
            subject=period,
            data={key: str(number) for key, number in cleaned.items()},
        )
    return saved
