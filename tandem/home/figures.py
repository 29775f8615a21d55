"""The figures home pages answer "how are we doing?" with, each one aggregate query.

Home sits above every domain app, so it reads their models directly; nothing here
writes. Money is summed per currency by the database, then shown in the reporting
currency: the other currencies' sums converted at the exchange rates in force today
(``core.exchange_rates``), and what has no rate named beside the figure, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from tandem.campaigns.models import Campaign
from tandem.core.exchange_rates import Converted, Rates, add_up
from tandem.crm.models import Activity, Opportunity
from tandem.handoff.models import (
    NURTURE_STAGES,
    OPEN_STAGES,
    Lead,
    LifecycleEvent,
    Referral,
    Stage,
)
from tandem.handoff.reports import SlaReport, sla_report
from tandem.people.models import User


@dataclass
class Money:
    """Amounts per currency: {"GBP": 120000, "EUR": 5000}."""

    by_currency: dict[str, Decimal] = field(default_factory=dict)

    def in_home(self, rates: Rates) -> Converted:
        """One figure in the reporting currency (what had no rate in ``left_out``)."""
        return add_up(self.by_currency.items(), rates.home, rates)


def _money(rows: Any, amount: str = "total") -> Money:
    return Money({r["currency"]: r[amount] or Decimal("0") for r in rows})


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=timezone.get_current_timezone())


# --- Pipeline ------------------------------------------------------------------------
OPEN_DEAL_STAGES = [
    Opportunity.Stage.QUALIFICATION,
    Opportunity.Stage.PROPOSAL,
    Opportunity.Stage.NEGOTIATION,
]


def pipeline(deals: Any) -> Money:
    """Open opportunities' amounts, per currency."""
    open_deals = deals.filter(stage__in=OPEN_DEAL_STAGES)
    return _money(open_deals.values("currency").annotate(total=Sum("amount")).order_by())


def weighted_pipeline(deals: Any) -> Money:
    """Open opportunities weighted by their stage's chance to close (crm.probability),
    per currency: the database sums amount x percent, one grouped read."""
    rows = deals.filter(stage__in=OPEN_DEAL_STAGES).stage_totals()
    weighted: dict[str, Decimal] = {}
    for row in rows:
        share = (row["weighted_x100"] or Decimal("0")) / 100
        weighted[row["currency"]] = weighted.get(row["currency"], Decimal("0")) + share
    return Money({c: a.quantize(Decimal("0.01")) for c, a in weighted.items()})


def pipeline_by_stage(deals: Any, rates: Rates) -> list[dict[str, Any]]:
    """Open opportunities per stage: how many, and their amount in the reporting
    currency (deals in a currency without a rate counted, their amount not)."""
    rows = (
        deals.filter(stage__in=OPEN_DEAL_STAGES)
        .values("stage", "currency")
        .annotate(n=Count("id"), total=Sum("amount"))
        .order_by()
    )
    amounts: dict[str, list[tuple[str, Decimal]]] = {s: [] for s in OPEN_DEAL_STAGES}
    counts: dict[str, int] = dict.fromkeys(OPEN_DEAL_STAGES, 0)
    for row in rows:
        amounts[row["stage"]].append((row["currency"], row["total"]))
        counts[row["stage"]] += row["n"]
    labels = dict(Opportunity.Stage.choices)
    return [
        {
            "stage": labels[s],
            "n": counts[s],
            "total": add_up(amounts[s], rates.home, rates).amount,
        }
        for s in OPEN_DEAL_STAGES
    ]


def won_since(deals: Any, start: date) -> Money:
    """Revenue won (opportunities closed as won) since ``start``, per currency."""
    won = deals.filter(stage=Opportunity.Stage.WON, closed_at__gte=_local_midnight(start))
    return _money(won.values("currency").annotate(total=Sum("amount")).order_by())


def won_by_month(rates: Rates, months: int = 6) -> dict[str, Any]:
    """Revenue won per calendar month in the reporting currency, the last ``months``:
    one read, summed per currency and month, then converted."""
    today = timezone.localdate()
    firsts = []
    first = today.replace(day=1)
    for _ in range(months):
        firsts.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    firsts.reverse()
    won = Opportunity.objects.filter(
        stage=Opportunity.Stage.WON, closed_at__gte=_local_midnight(firsts[0])
    )
    rows = (
        won.order_by()
        .values("currency")
        .annotate(
            **{
                str(i): Sum(
                    "amount",
                    filter=Q(closed_at__gte=_local_midnight(f))
                    & (
                        Q(closed_at__lt=_local_midnight(firsts[i + 1]))
                        if i + 1 < len(firsts)
                        else Q()
                    ),
                )
                for i, f in enumerate(firsts)
            }
        )
    )
    values = [
        add_up([(r["currency"], r[str(i)]) for r in rows], rates.home, rates).amount
        for i in range(len(firsts))
    ]
    return {
        "labels": [f.strftime("%b %Y") for f in firsts],
        "values": [float(v) for v in values],
        "money": rates.home,
    }


# --- The hand-off ----------------------------------------------------------------------
def this_month() -> SlaReport:
    return sla_report(timezone.localdate().strftime("%Y-%m"))


def sla_adherence(report: SlaReport) -> int | None:
    """Of the leads handed to sales this month, the share accepted without an SLA
    breach (whole per cent); None when nothing was handed over."""
    handed = sum(r["handed"] for r in report.reps)
    if not handed:
        return None
    breached = sum(r["accept_breaches"] for r in report.reps)
    return round(100 * (handed - breached) / handed)


def mqls_by_week(weeks: int = 12) -> dict[str, Any]:
    """MQLs handed over and leads accepted per week: one grouped read of the lifecycle
    events (indexed by stage and time)."""
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    start = monday - timedelta(weeks=weeks - 1)
    zone = timezone.get_current_timezone()
    rows = (
        LifecycleEvent.objects.filter(
            at__gte=_local_midnight(start), to_stage__in=[Stage.MQL, Stage.ACCEPTED]
        )
        .annotate(week=TruncWeek("at", tzinfo=zone))
        .values("week")
        .annotate(
            mqls=Count("id", filter=Q(to_stage=Stage.MQL, from_stage__in=NURTURE_STAGES)),
            accepted=Count("id", filter=Q(to_stage=Stage.ACCEPTED, from_stage=Stage.MQL)),
        )
        .order_by()
    )
    by_week = {_as_date(r["week"]): r for r in rows}
    labels, mqls, accepted = [], [], []
    for i in range(weeks):
        week = start + timedelta(weeks=i)
        labels.append(week.strftime("%d %b"))
        mqls.append(by_week.get(week, {}).get("mqls", 0))
        accepted.append(by_week.get(week, {}).get("accepted", 0))
    return {
        "type": "line",
        "labels": labels,
        "datasets": [
            {"label": "MQLs handed to sales", "values": mqls},
            {"label": "Accepted by sales", "values": accepted},
        ],
    }


def _as_date(value: Any) -> date:
    return value.date() if isinstance(value, datetime) else value


def leads_waiting(team_ids: list[int] | None = None) -> int:
    """MQLs not yet accepted (for these sales teams, or all)."""
    waiting = Lead.objects.filter(stage=Stage.MQL)
    if team_ids is not None:
        waiting = waiting.filter(team_id__in=team_ids)
    return waiting.count()


def reps_load(team_ids: list[int]) -> list[dict[str, Any]]:
    """Each member of these teams: open leads against their capacity, fullest first.
    Two reads: the people, and their open leads counted per rep."""
    reps = list(User.objects.active().filter(memberships__team_id__in=team_ids).distinct())
    open_leads = dict(
        Lead.objects.filter(stage__in=OPEN_STAGES, rep_id__in=[r.pk for r in reps])
        .values("rep")
        .annotate(n=Count("pk"))
        .values_list("rep", "n")
    )
    today = timezone.localdate()
    rows = [
        {
            "pk": r.pk,
            "name": str(r),
            "open": open_leads.get(r.pk, 0),
            "capacity": r.lead_capacity,
            "percent": round(100 * open_leads.get(r.pk, 0) / r.lead_capacity)
            if r.lead_capacity
            else 100,
            "away": r.away_until is not None and r.away_until >= today,
        }
        for r in reps
    ]
    return sorted(rows, key=lambda r: (-r["percent"], r["name"]))


# --- Marketing -------------------------------------------------------------------------
def acceptance_rate(report: SlaReport) -> int | None:
    decided = report.accepted + report.rejected
    return round(100 * report.accepted / decided) if decided else None


def rejection_reasons(report: SlaReport, limit: int = 5) -> list[dict[str, Any]]:
    """This month's reasons sales gave for rejecting leads, most given first."""
    totals: dict[str, int] = {}
    for row in report.by_source:
        totals[row["reason"]] = totals.get(row["reason"], 0) + row["count"]
    return [
        {"reason": reason, "count": n}
        for reason, n in sorted(totals.items(), key=lambda kv: -kv[1])[:limit]
    ]


def campaigns_live(limit: int = 6) -> tuple[int, list[Campaign]]:
    live = Campaign.objects.filter(status=Campaign.Status.LIVE)
    return live.count(), list(live.select_related("owner").order_by("ends_on", "id")[:limit])


# --- A rep's day -----------------------------------------------------------------------
def tasks_due_today(user: User) -> Any:
    """Open tasks of theirs due by the end of today (overdue ones included), soonest
    first: served by the (owner, kind, done_at) index."""
    end_of_today = _local_midnight(timezone.localdate() + timedelta(days=1))
    return (
        Activity.objects.filter(
            owner=user, kind=Activity.Kind.TASK, done_at__isnull=True, due_at__lt=end_of_today
        )
        .select_related("contact", "account")
        .order_by("due_at", "id")
    )


def open_leads_of(user: User) -> int:
    return Lead.objects.filter(rep=user, stage__in=OPEN_STAGES).count()


# --- The front line's referrals --------------------------------------------------------
def referral_counts(referrals: Any) -> dict[str, int]:
    """What became of these referrals, in one aggregate: referred this month, taken on
    by sales (accepted or made an opportunity), sent back, opportunities, and won."""
    month_start = _local_midnight(timezone.localdate().replace(day=1))
    outcome = Referral.Outcome
    counts: dict[str, int] = referrals.order_by().aggregate(
        month=Count("id", filter=Q(created_at__gte=month_start)),
        taken=Count("id", filter=Q(outcome__in=[outcome.ACCEPTED, outcome.CONVERTED])),
        sent_back=Count("id", filter=Q(outcome=outcome.REJECTED)),
        opportunities=Count("id", filter=Q(outcome=outcome.CONVERTED)),
        won=Count("id", filter=Q(opportunity__stage=Opportunity.Stage.WON)),
    )
    return counts
