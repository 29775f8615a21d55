"""The figures of a home page as cards: a label, the figure as read, and a line saying
what it means (met or missed where there is a promise). Built here, not in templates,
so every figure is written the same way (money by Babel, per cents whole)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tandem.core.exchange_rates import Rates
from tandem.core.money import format_money
from tandem.handoff.reports import SlaReport
from tandem.home.figures import Money


@dataclass(frozen=True)
class Stat:
    label: str
    value: str
    note: str = ""
    state: str = ""  # "met", "missed" or "" (no promise to measure against)


def money(label: str, amount: Money, rates: Rates, note: str = "") -> Stat:
    """The amounts in the reporting currency; the note says what was converted, and
    what could not be (no rate) is named, not added."""
    total = amount.in_home(rates)
    said = []
    if total.converted:
        parts = ", ".join(format_money(amount.by_currency[c], c) for c in total.converted)
        said.append(f"incl. {parts} converted")
    if total.left_out:
        parts = ", ".join(format_money(a, c) for c, a in sorted(total.left_out.items()))
        said.append(f"and {parts} with no exchange rate")
    return Stat(label, format_money(total.amount, rates.home), "; ".join(said) or note)


def per_cent(label: str, value: int | None, note: str, empty: str) -> Stat:
    return Stat(label, f"{value} %", note) if value is not None else Stat(label, "—", empty)


def mqls(report: SlaReport) -> Stat:
    if report.policy is None:
        return Stat("MQLs this month", str(report.mqls), "No SLA in force yet")
    promised = report.policy.mqls_per_month
    if report.mqls_met:
        return Stat("MQLs this month", str(report.mqls), f"of {promised} promised: met", "met")
    short = f"of {promised} promised: {report.mqls_short} short"
    return Stat("MQLs this month", str(report.mqls), short, "missed")


def acceptance(report: SlaReport, rate: int | None) -> Stat:
    if rate is None:
        return Stat("Accepted by sales", "—", "Sales has decided on no MQL yet")
    floor = report.policy.min_acceptance_rate if report.policy else None
    if floor is None:
        return Stat("Accepted by sales", f"{rate} %", "of the MQLs sales decided on")
    met = rate >= floor
    return Stat(
        "Accepted by sales",
        f"{rate} %",
        f"at least {floor.normalize():f} % promised: {'met' if met else 'missed'}",
        "met" if met else "missed",
    )


def breaches(report: SlaReport, label: str = "SLA breaches this month") -> Stat:
    n = report.breaches
    return Stat(
        label,
        str(n),
        "No clock ran out" if not n else "Accept or follow-up clocks ran out",
        "met" if not n else "missed",
    )


def count(label: str, n: int, note: str) -> Stat:
    return Stat(label, f"{n:,}", note)


def as_context(stats: list[Stat]) -> list[dict[str, Any]]:
    return [s.__dict__ for s in stats]
