"""Campaign performance: every campaign's funnel, money and flag state in a handful of
grouped reads, whatever the number of campaigns (never a query per campaign, never a
loop per touch). The performance page, its export, its API and the daily evaluation of
the kill criteria all read these figures, so they never disagree.

What each figure counts, per campaign:

- touches: its touchpoints; leads: the distinct known people those touches reached;
- MQLs, accepted, SQLs: the distinct leads that reached each stage with the campaign as
  their source (``handoff.LifecycleEvent.campaign``, the campaign of the latest touch
  when the lead was handed to sales);
- opportunities: the distinct opportunities those SQLs were converted to; pipeline:
  their amount, won revenue: the amount of those won (each converted into the
  campaign's currency through the organisation's exchange rates; an amount in a
  currency without a rate is left out and counted in ``left_out``);
- spend: its costs; cost per MQL and per SQL: spend divided by them;
- ROI: (attributed revenue - spend) / spend, in %, where attributed revenue is the
  revenue credited to the campaign by the attribution model the heads chose
  (``attribution.AttributionChoice``, linear until they choose), over the twelve months
  to the end of this month, as the campaign page's "Return" panel reads it; None until
  that report has been computed (the daily evaluation computes it) or with no spend.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Sum
from django.utils import timezone

from tandem.attribution import reports
from tandem.attribution.journeys import NO_CAMPAIGN, REVENUE
from tandem.attribution.models import MODELS, current_choice
from tandem.calendar.models import KillDecision, KillFlag
from tandem.campaigns.models import Campaign, CampaignCost, Touchpoint
from tandem.core.exchange_rates import rates_on
from tandem.crm.models import Opportunity
from tandem.handoff.models import Lead, LifecycleEvent, Stage

ZERO = Decimal("0")
CENT = Decimal("0.01")
FLAG_STATES = {
    "flagged": "Flagged: decision needed",
    "continued": "Continued",
    "cut": "Cut",
    "": "Not flagged",
}


@dataclass
class Row:
    """One campaign's figures (money in ``currency``)."""

    id: int
    name: str
    type: str
    type_label: str
    status: str
    status_label: str
    currency: str
    planned_budget: Decimal
    owner: str
    starts_on: date
    ends_on: date
    expected_leads_per_week: int
    touches: int = 0
    leads: int = 0
    mqls: int = 0
    accepted: int = 0
    sqls: int = 0
    opportunities: int = 0
    pipeline: Decimal = ZERO
    won: Decimal = ZERO
    spend: Decimal = ZERO
    left_out: int = 0  # opportunities in a currency without a rate
    attributed_revenue: Decimal | None = None
    flag_state: str = ""
    flagged: list[str] = field(default_factory=list)  # the criteria open flags name
    review_on: date | None = None

    @property
    def cost_per_mql(self) -> Decimal | None:
        return (self.spend / self.mqls).quantize(CENT) if self.mqls else None

    @property
    def cost_per_sql(self) -> Decimal | None:
        return (self.spend / self.sqls).quantize(CENT) if self.sqls else None

    @property
    def roi(self) -> Decimal | None:
        """(attributed revenue - spend) / spend, in %, to one decimal place."""
        if self.attributed_revenue is None or not self.spend:
            return None
        return ((self.attributed_revenue - self.spend) / self.spend * 100).quantize(Decimal("0.1"))

    @property
    def freed_budget(self) -> Decimal | None:
        """A cut campaign's planned budget not spent (never below nothing)."""
        if self.status != Campaign.Status.CUT:
            return None
        return max(self.planned_budget - self.spend, ZERO)

    @property
    def flag_label(self) -> str:
        return FLAG_STATES[self.flag_state]

    def days_live(self, today: date) -> int:
        return max((today - self.starts_on).days, 0)


# ?sort= key -> (column heading, how rows compare). A figure not there (None) sorts last.
SORTS: dict[str, str] = {
    "name": "Campaign",
    "status": "Status",
    "touches": "Touches",
    "leads": "Leads",
    "mqls": "MQLs",
    "accepted": "Accepted",
    "sqls": "SQLs",
    "opportunities": "Opportunities",
    "pipeline": "Pipeline",
    "won": "Won revenue",
    "spend": "Spend",
    "cost_per_mql": "Cost per MQL",
    "cost_per_sql": "Cost per SQL",
    "roi": "ROI",
    "flag": "Flag",
}
FLAG_ORDER = {"flagged": 0, "continued": 1, "cut": 2, "": 3}


def sort_rows(rows: list[Row], key: str, descending: bool) -> list[Row]:
    """Rows by ``key`` (a key of SORTS), ties by name then id; a missing figure last
    whichever the direction."""
    if key == "name":
        return sorted(rows, key=lambda r: (r.name.casefold(), r.id), reverse=descending)
    if key == "flag":
        value: Any = lambda r: FLAG_ORDER[r.flag_state]  # noqa: E731
    elif key == "status":
        value = lambda r: r.status_label  # noqa: E731
    else:
        value = lambda r: getattr(r, key)  # noqa: E731
    present = [r for r in rows if value(r) is not None]
    missing = [r for r in rows if value(r) is None]
    present.sort(key=lambda r: (r.name.casefold(), r.id))
    present.sort(key=value, reverse=descending)
    missing.sort(key=lambda r: (r.name.casefold(), r.id))
    return present + missing


def campaign_rows(campaigns: Any, *, every: bool = False) -> list[Row]:
    """The campaigns of the queryset, each with its figures. ``every``: the queryset is
    every campaign (no filter), so the grouped reads need no ``IN (...)`` of ids."""
    found = campaigns.order_by().values_list(
        "id", "name", "type", "status", "currency", "planned_budget", "owner__full_name",
        "starts_on", "ends_on", "expected_leads_per_week",
    )  # fmt: skip
    types, statuses = dict(Campaign.Type.choices), dict(Campaign.Status.choices)
    rows = {}
    for pk, name, kind, status, currency, budget, owner, starts, ends, expected in found:
        rows[pk] = Row(
            id=pk, name=name, type=kind, type_label=str(types.get(kind, "")), status=status,
            status_label=str(statuses.get(status, "")), currency=currency,
            planned_budget=budget, owner=owner or "", starts_on=starts, ends_on=ends,
            expected_leads_per_week=expected,
        )  # fmt: skip
    if not rows:
        return []
    ids = None if every else campaigns.order_by().values("id")
    _touches(rows, ids)
    _funnel(rows, ids)
    _opportunities(rows, ids)
    _spend(rows, ids)
    _flags(rows, ids)
    _attributed(rows)
    return list(rows.values())


def _of(queryset: Any, ids: Any, name: str = "campaign_id") -> Any:
    return queryset if ids is None else queryset.filter(**{f"{name}__in": ids})


def _fetch(queryset: Any) -> list[tuple[Any, ...]]:
    """A grouped read's rows as the database gives them: the ORM composes the SQL, and
    the few columns (ids, counts, sums) skip its per-value converters, which cost more
    than the read itself for thousands of groups (bench/calendar_performance.py)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _touches(rows: dict[int, Row], ids: Any) -> None:
    touches = _of(Touchpoint.objects.filter(campaign__isnull=False), ids)
    grouped = (
        touches.order_by()
        .values("campaign_id")
        .annotate(n=Count("id"), people=Count("contact_id", distinct=True))
        .values_list("campaign_id", "n", "people")
    )
    for campaign_id, n, people in _fetch(grouped):
        row = rows.get(campaign_id)
        if row is not None:
            row.touches, row.leads = n, people


STAGE_FIELDS = {Stage.MQL: "mqls", Stage.ACCEPTED: "accepted", Stage.SQL: "sqls"}


def _funnel(rows: dict[int, Row], ids: Any) -> None:
    events = _of(
        LifecycleEvent.objects.filter(campaign__isnull=False, to_stage__in=list(STAGE_FIELDS)),
        ids,
    )
    grouped = (
        events.order_by()
        .values("campaign_id", "to_stage")
        .annotate(n=Count("lead_id", distinct=True))
        .values_list("campaign_id", "to_stage", "n")
    )
    for campaign_id, stage, n in _fetch(grouped):
        row = rows.get(campaign_id)
        if row is not None:
            setattr(row, STAGE_FIELDS[stage], n)


def _opportunities(rows: dict[int, Row], ids: Any) -> None:
    """The distinct opportunities each campaign's SQLs were converted to, summed per
    campaign and currency by the database, then converted (a few sums, not every row)."""
    tables = {
        "event": LifecycleEvent._meta.db_table,
        "lead": Lead._meta.db_table,
        "opp": Opportunity._meta.db_table,
    }
    where, params = "", []
    if ids is not None:
        sql, given = ids.query.sql_with_params()
        where, params = f"AND e.campaign_id IN ({sql})", list(given)
    query = f"""
        SELECT p.campaign_id, o.currency, COUNT(*),
               SUM(o.amount), SUM(CASE WHEN o.stage = %s THEN o.amount ELSE 0 END)
        FROM (SELECT DISTINCT e.campaign_id, l.opportunity_id
              FROM {tables["event"]} e JOIN {tables["lead"]} l ON l.contact_id = e.lead_id
              WHERE e.to_stage = %s AND e.campaign_id IS NOT NULL
                AND l.opportunity_id IS NOT NULL {where}) p
        JOIN {tables["opp"]} o ON o.id = p.opportunity_id
        GROUP BY p.campaign_id, o.currency
    """  # noqa: S608 - table names from the models, values as parameters
    with connection.cursor() as cursor:
        cursor.execute(query, [Opportunity.Stage.WON, Stage.SQL, *params])
        found = cursor.fetchall()
    if not found:
        return
    rates = rates_on(timezone.localdate())
    for campaign_id, currency, count, pipeline, won in found:
        row = rows.get(campaign_id)
        if row is None:
            continue
        row.opportunities += count
        as_pipeline = rates.convert(Decimal(str(pipeline or 0)), currency, row.currency)
        as_won = rates.convert(Decimal(str(won or 0)), currency, row.currency)
        if as_pipeline is None or as_won is None:
            row.left_out += count
            continue
        row.pipeline = (row.pipeline + as_pipeline).quantize(CENT)
        row.won = (row.won + as_won).quantize(CENT)


def _spend(rows: dict[int, Row], ids: Any) -> None:
    costs = _of(CampaignCost.objects.all(), ids)
    grouped = (
        costs.order_by()
        .values("campaign_id")
        .annotate(total=Sum("amount"))
        .values_list("campaign_id", "total")
    )
    for campaign_id, total in _fetch(grouped):
        row = rows.get(campaign_id)
        if row is not None:
            row.spend = Decimal(str(total or 0)).quantize(CENT)


def _flags(rows: dict[int, Row], ids: Any) -> None:
    """Open flags name their criteria; otherwise the latest decision says cut or
    continued (and when to look again)."""
    labels = dict(KillFlag.Criterion.choices)
    for f in (
        _of(KillFlag.objects.open(), ids).order_by("criterion").values("campaign_id", "criterion")
    ):
        if f["campaign_id"] in rows:
            rows[f["campaign_id"]].flagged.append(str(labels[f["criterion"]]))
    decisions = (
        _of(KillDecision.objects.all(), ids)
        .order_by("campaign_id", "-decided_at", "-id")
        .values("campaign_id", "outcome", "review_on")
    )
    latest: dict[int, dict[str, Any]] = {}
    for d in decisions:
        latest.setdefault(d["campaign_id"], d)
    for row in rows.values():
        if row.flagged:
            row.flag_state = "flagged"
        elif row.id in latest:
            decided = latest[row.id]
            row.flag_state = "cut" if decided["outcome"] == "cut" else "continued"
            row.review_on = decided["review_on"]


def attributed_revenue(
    currencies: set[str], *, fresh: bool = False
) -> tuple[str, dict[int, Decimal], set[str]]:
    """The revenue the model in force credits each campaign with, from the stored
    revenue-by-campaign report of each currency: (the model's name, campaign id ->
    revenue, the currencies whose report has been computed). ``fresh`` (background work
    only): compute a report that is missing or old first."""
    model, lookback = current_choice()
    credit: dict[int, Decimal] = defaultdict(lambda: ZERO)
    computed: set[str] = set()
    for currency in sorted(currencies):
        scope = reports.campaign_scope(REVENUE, currency, lookback)
        report = reports.fresh_report(scope) if fresh else reports.stored_report(scope)
        if report is None or report.computed_at is None:
            continue
        computed.add(currency)
        for name, _label, _conversions, value, *code in report.rows:
            if name == model and code and code[0] != NO_CAMPAIGN:
                credit[int(code[0])] += Decimal(str(value))
    return MODELS[model][0], credit, computed


def _attributed(rows: dict[int, Row]) -> None:
    _model, credit, computed = attributed_revenue({r.currency for r in rows.values()})
    for row in rows.values():
        if row.currency in computed:
            row.attributed_revenue = credit.get(row.id, ZERO).quantize(CENT)


def model_in_force() -> str:
    """The name of the attribution model ROI is by."""
    return MODELS[current_choice()[0]][0]


@dataclass
class Shown:
    """The performance list as asked for: filters, sort, and every matching row sorted
    (the page and the API cut their page from it; the export streams it all)."""

    status: str
    type: str
    sort: str
    descending: bool
    rows: list[Row]


def read(user: Any, params: Any) -> Shown:
    """Every campaign ``user`` sees, filtered by ``status`` and ``type`` (codes; any other
    value filters nothing), sorted by ``sort`` (a key of SORTS, "-" first for
    descending; by default the flagged first, then by name)."""
    status = str(params.get("status", ""))
    status = status if status in Campaign.Status.values else ""
    kind = str(params.get("type", ""))
    kind = kind if kind in Campaign.Type.values else ""
    sort = str(params.get("sort", "") or "flag")[:30]
    descending = sort.startswith("-")
    sort = sort.removeprefix("-")
    if sort not in SORTS:
        sort, descending = "flag", False
    campaigns = Campaign.objects.visible_to(user)
    if status:
        campaigns = campaigns.filter(status=status)
    if kind:
        campaigns = campaigns.filter(type=kind)
    rows = campaign_rows(campaigns, every=not (status or kind))
    return Shown(status, kind, sort, descending, sort_rows(rows, sort, descending))


EXPORT_HEADERS = [
    "campaign", "type", "status", "owner", "starts_on", "ends_on", "currency", "touches",
    "leads", "mqls", "accepted", "sqls", "opportunities", "pipeline", "won_revenue", "spend",
    "cost_per_mql", "cost_per_sql", "attributed_revenue", "roi_percent", "planned_budget",
    "freed_budget", "flag", "review_on",
]  # fmt: skip


def export_row(r: Row) -> list[Any]:
    return [
        r.name, r.type_label, r.status_label, r.owner, r.starts_on.isoformat(),
        r.ends_on.isoformat(), r.currency, r.touches, r.leads, r.mqls, r.accepted, r.sqls,
        r.opportunities, r.pipeline, r.won, r.spend, r.cost_per_mql, r.cost_per_sql,
        r.attributed_revenue, r.roi, r.planned_budget, r.freed_budget,
        ", ".join(r.flagged) if r.flagged else r.flag_label,
        r.review_on.isoformat() if r.review_on else "",
    ]  # fmt: skip
