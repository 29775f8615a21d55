"""Cutting what fails: kill criteria per campaign type, the daily evaluation that flags a
live campaign meeting one, and the owner's recorded decision (cut, or continue with a
reason and a date to look again).

The criteria are a joint contract (``approvals.contracts``): a head proposes them for
one campaign type; they are in force once a marketing head and a sales head (two
people) approved them on the Decisions page, the proposer's approval counting for their
own side only. Each type has its own criteria in force, so approving one type's
proposal supersedes only that type's criteria.

The evaluation reads every live campaign's figures at once (``calendar.performance``,
a handful of grouped reads) and flags each campaign once per criterion: while a flag is
open nothing new is flagged for it, and a campaign its owner let continue is looked at
again only after the review date. A cut goes through ``campaigns.services.set_status``,
so the campaign ends, takes no more spend or members, and shows as cut (cancelled) on
the calendar; the planned budget it did not spend is recorded as freed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from tandem.approvals import contracts
from tandem.approvals.errors import ApprovalError
from tandem.calendar import performance
from tandem.calendar.errors import CalendarError
from tandem.calendar.models import KillCriteria, KillDecision, KillFlag
from tandem.campaigns import services as campaigns
from tandem.campaigns.models import Campaign
from tandem.core.currencies import currency_code
from tandem.core.dates import check_date
from tandem.core.errors import DomainError, invalid
from tandem.core.exchange_rates import home_currency, rates_on
from tandem.core.money import parse_amount
from tandem.core.permissions import Action, can, require
from tandem.core.services import record_event
from tandem.core.validation import decimal_number, whole_number
from tandem.notifications.services import notify
from tandem.people.models import User

KILL_KIND = "calendar.kill_criteria"
# The ranges a threshold is held to; the API's schemas read them.
DAYS = (1, 730)  # at least a day live, at most two years
SHARE = ("0", "100")  # a percentage of the forecast
ROI = ("-100", "100000")  # a return below -100 % would be money lost beyond the spend
MAX_REASON = 500
MAX_REVIEW_DAYS = 366  # "continue" is looked at again within a year
Criterion = KillFlag.Criterion


class KillKind(contracts.ContractKind):
    name, label, subject_model = KILL_KIND, "Kill criteria change", "calendar.killcriteria"
    url_name = "calendar:kill_criteria"

    def describe(self, subject: Any) -> str:
        return f"Kill criteria for {subject.get_campaign_type_display()} campaigns: {said(subject)}"

    def on_approved(self, subject: Any, actor: Any) -> None:
        """As every joint contract, except that only the criteria in force for the same
        campaign type are superseded: each type keeps its own."""
        locked = KillCriteria.objects.select_for_update().get(pk=subject.pk)
        if locked.status != KillCriteria.Status.PROPOSED:
            raise DomainError(
                ApprovalError.ALREADY_DECIDED,
                f"This proposal is {locked.get_status_display().lower()}.",
            )
        KillCriteria.objects.filter(
            status=KillCriteria.Status.ACTIVE, campaign_type=locked.campaign_type
        ).update(status=KillCriteria.Status.SUPERSEDED)
        locked.status, locked.activated_at = KillCriteria.Status.ACTIVE, timezone.now()
        locked.save(update_fields=["status", "activated_at"])
        record_event("killcriteria.in_force", subject=locked)


def said(criteria: KillCriteria) -> str:
    """The criteria in words: "cost per SQL above £400 after 14 days; ..."."""
    from tandem.core.money import format_money

    parts = []
    if criteria.cost_per_sql_max is not None:
        parts.append(
            f"cost per SQL above {format_money(criteria.cost_per_sql_max, criteria.currency)} "
            f"after {criteria.cost_per_sql_days} days live"
        )
    if criteria.mql_share_min is not None:
        parts.append(
            f"fewer than {criteria.mql_share_min.normalize():f} % of forecast MQLs "
            f"after {criteria.mql_share_days} days live"
        )
    if criteria.roi_min is not None:
        parts.append(f"ROI below {criteria.roi_min.normalize():f} % at the end")
    return "; ".join(parts) or "none (nothing is flagged)"


def _given(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def _pair(
    threshold: Any, days: Any, name: str, days_name: str, check: Any
) -> tuple[Any, int | None]:
    """A threshold and the days after which it applies: both, or neither."""
    if not _given(threshold):
        if _given(days):
            raise invalid(name, "Give the threshold too, or leave the days empty.")
        return None, None
    value = check(threshold)
    if not _given(days):
        raise invalid(days_name, "Say after how many days live it applies.")
    return value, whole_number(
        days, days_name, low=DAYS[0], high=DAYS[1],
        message=f"Enter a whole number of days from {DAYS[0]} to {DAYS[1]}.",
    )  # fmt: skip


def propose_kill_criteria(
    *,
    actor: User,
    campaign_type: str,
    cost_per_sql_max: Any = None,
    cost_per_sql_days: Any = None,
    mql_share_min: Any = None,
    mql_share_days: Any = None,
    roi_min: Any = None,
    currency: str = "",
    note: str = "",
) -> KillCriteria:
    """New kill criteria for one campaign type, in force once a marketing head and a
    sales head (two people) have approved them. A criterion left empty is off. Each
    threshold must be possible: no negative cost, a share from 0 to 100 %, days from 1
    to 730, a return from -100 %; the refusal names the field."""
    if campaign_type not in Campaign.Type.values:
        raise invalid("campaign_type", "Choose a campaign type from the list.")
    money = currency_code(currency or home_currency())
    if money is None:
        raise invalid("currency", "Use a currency code such as GBP.")
    cost, cost_days = _pair(
        cost_per_sql_max, cost_per_sql_days, "cost_per_sql_max", "cost_per_sql_days",
        lambda v: parse_amount(v, "cost_per_sql_max"),
    )  # fmt: skip
    share, share_days = _pair(
        mql_share_min, mql_share_days, "mql_share_min", "mql_share_days",
        lambda v: decimal_number(v, "mql_share_min", low=SHARE[0], high=SHARE[1]),
    )  # fmt: skip
    roi = decimal_number(roi_min, "roi_min", ROI[0], ROI[1]) if _given(roi_min) else None
    criteria = KillCriteria(
        campaign_type=campaign_type,
        currency=money,
        cost_per_sql_max=cost,
        cost_per_sql_days=cost_days,
        mql_share_min=share.quantize(Decimal("0.01")) if share is not None else None,
        mql_share_days=share_days,
        roi_min=roi.quantize(Decimal("0.01")) if roi is not None else None,
    )
    contracts.start(actor, criteria, note)
    with transaction.atomic():
        criteria.save()
        record_event("killcriteria.proposed", subject=criteria)
        contracts.propose(actor, KILL_KIND, criteria)
    return criteria


def in_force() -> dict[str, KillCriteria]:
    """campaign type -> the criteria in force for it (one read)."""
    found: dict[str, KillCriteria] = {}
    for c in KillCriteria.objects.filter(status=KillCriteria.Status.ACTIVE).order_by(
        "-activated_at", "-id"
    ):
        found.setdefault(c.campaign_type, c)
    return found


# --- The evaluation -------------------------------------------------------------------------
@dataclass(frozen=True)
class Failing:
    """One criterion a campaign meets, with what was measured."""

    campaign_id: int
    criterion: str
    measured: Decimal
    threshold: Decimal
    currency: str  # "" for a percentage
    days_live: int


def failing(row: performance.Row, criteria: KillCriteria, today: date, rates: Any) -> list[Failing]:
    """The criteria ``row`` (a live campaign's figures) meets today.

    - cost per SQL: spend (converted into the criteria's currency) per SQL, after the
      days; with no SQL yet the whole spend counts as the cost of the first. A campaign
      in a currency without a rate is not judged on cost.
    - share of forecast MQLs: MQLs against the campaign's expected leads a week over the
      days it has run, after the days; a campaign forecasting none is not judged on it.
    - ROI: once the campaign reached its last day, with some spend, and the attributed
      revenue computed (``performance.Row.roi``).
    """
    days = row.days_live(today)
    found = []
    if criteria.cost_per_sql_max is not None and days >= (criteria.cost_per_sql_days or 0):
        spend = rates.convert(row.spend, row.currency, criteria.currency)
        if spend is not None and spend > 0:
            cost = (spend / max(row.sqls, 1)).quantize(Decimal("0.01"))
            if cost > criteria.cost_per_sql_max:
                found.append(
                    Failing(
                        row.id,
                        Criterion.COST_PER_SQL,
                        cost,
                        criteria.cost_per_sql_max,
                        criteria.currency,
                        days,
                    )
                )
    if criteria.mql_share_min is not None and days >= (criteria.mql_share_days or 0):
        ran = min(today, row.ends_on + timedelta(days=1)) - row.starts_on
        forecast = Decimal(row.expected_leads_per_week) * ran.days / 7
        if forecast > 0:
            share = (Decimal(row.mqls) / forecast * 100).quantize(Decimal("0.01"))
            if share < criteria.mql_share_min:
                found.append(
                    Failing(row.id, Criterion.MQL_SHARE, share, criteria.mql_share_min, "", days)
                )
    roi = row.roi
    ended = row.ends_on <= today
    if criteria.roi_min is not None and ended and roi is not None and roi < criteria.roi_min:
        found.append(Failing(row.id, Criterion.ROI, roi, criteria.roi_min, "", days))
    return found


def evaluate(*, today: date | None = None, campaign_ids: list[int] | None = None) -> list[KillFlag]:
    """Flag every live campaign (or those of ``campaign_ids``) that meets a criterion of
    its type's criteria in force; returns the new flags and tells each owner. Safe to run
    again: a campaign is flagged once per criterion until its owner decides, and one let
    continue only after its review date."""
    today = today or timezone.localdate()
    criteria = in_force()
    if not criteria:
        return []
    live = Campaign.objects.filter(status=Campaign.Status.LIVE, type__in=list(criteria))
    if campaign_ids is not None:
        live = live.filter(pk__in=campaign_ids)
    if any(c.roi_min is not None for c in criteria.values()):  # compute what ROI reads
        currencies = set(live.order_by().values_list("currency", flat=True).distinct())
        performance.attributed_revenue(currencies, fresh=True)
    rows = performance.campaign_rows(live)
    rates = rates_on(today)
    candidates = [
        f for row in rows for f in failing(row, criteria[row.type], today, rates)
    ]  # fmt: skip
    if not candidates:
        return []
    ids = {f.campaign_id for f in candidates}
    held = set(KillFlag.objects.open().filter(campaign_id__in=ids).values_list(
        "campaign_id", "criterion"))  # fmt: skip
    waiting = set()  # let continue, and the review date not reached yet
    latest: dict[int, tuple[str, date | None]] = {}
    for d in (
        KillDecision.objects.filter(campaign_id__in=ids)
        .order_by("campaign_id", "-decided_at", "-id")
        .values_list("campaign_id", "outcome", "review_on")
    ):
        latest.setdefault(d[0], (d[1], d[2]))
    for campaign_id, (outcome, review_on) in latest.items():
        if outcome == KillDecision.Outcome.CONTINUE and review_on and review_on > today:
            waiting.add(campaign_id)
    now = timezone.now()
    by_type = {row.id: criteria[row.type] for row in rows}
    new = [
        KillFlag(
            campaign_id=f.campaign_id,
            criteria=by_type[f.campaign_id],
            criterion=f.criterion,
            measured=f.measured,
            threshold=f.threshold,
            currency=f.currency,
            days_live=f.days_live,
            flagged_at=now,
        )
        for f in candidates
        if (f.campaign_id, f.criterion) not in held and f.campaign_id not in waiting
    ]
    if not new:
        return []
    with transaction.atomic():
        # A run alongside this one may have flagged the same: the partial unique index
        # keeps one open flag per campaign and criterion, and the notices follow what
        # this run stored.
        KillFlag.objects.bulk_create(new, ignore_conflicts=True)
        stored = list(
            KillFlag.objects.filter(flagged_at=now, campaign_id__in={f.campaign_id for f in new})
            .select_related("campaign__owner")
            .order_by("campaign_id", "criterion")
        )
        for flag in stored:
            record_event(
                "campaign.flagged",
                subject=flag.campaign,
                data={"criterion": flag.criterion, "measured": str(flag.measured)},
            )
        _tell_owners(stored)
    return stored


def _tell_owners(flags: list[KillFlag]) -> None:
    by_campaign: dict[int, list[KillFlag]] = defaultdict(list)
    for flag in flags:
        by_campaign[flag.campaign_id].append(flag)
    for found in by_campaign.values():
        campaign = found[0].campaign
        if campaign.owner is None:
            continue
        what = ", ".join(str(f.get_criterion_display()).lower() for f in found)
        notify(
            recipients=[campaign.owner],
            kind="campaign.flagged",
            text=f"{campaign.name} met its kill criteria ({what}): decide to cut or continue it.",
            url=reverse("campaigns:campaign", args=[campaign.pk]),
        )


# --- The decision ---------------------------------------------------------------------------
def may_decide(user: Any, campaign: Campaign) -> bool:
    """The campaign's owner, a head of its team, or an administrator."""
    return can(user, Action.CHANGE, KillDecision(campaign=campaign))


def require_decider(user: Any, campaign: Campaign) -> None:
    require(user, Action.CHANGE, KillDecision(campaign=campaign))


def decide(
    *,
    actor: User,
    campaign: Campaign,
    outcome: str,
    reason: str = "",
    review_on: Any = None,
    today: date | None = None,
) -> KillDecision:
    """The owner's answer to the campaign's open flags. ``cut`` ends the campaign (it
    takes no more spend or members) and records its unspent budget as freed;
    ``continue`` needs a reason and a review date in the future (within a year), after
    which the campaign is flagged again if it still fails."""
    require_decider(actor, campaign)
    today = today or timezone.localdate()
    if outcome not in KillDecision.Outcome.values:
        raise invalid("outcome", "Choose cut or continue.")
    reason = str(reason or "").strip()
    if len(reason) > MAX_REASON:
        raise invalid("reason", f"At most {MAX_REASON} characters, please ({len(reason)} given).")
    day = None
    if outcome == KillDecision.Outcome.CONTINUE:
        if not reason:
            raise invalid("reason", "Say why it should continue, so sales knows too.")
        if not _given(review_on):
            raise invalid("review_on", "Give the date to look at it again.")
        day = check_date(review_on, "review_on")
        if day <= today:
            raise invalid("review_on", "The review date must be in the future.")
        if day > today + timedelta(days=MAX_REVIEW_DAYS):
            raise invalid("review_on", "Look at it again within a year.")
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        flags = list(KillFlag.objects.open().of_campaign(locked.pk).select_for_update())
        if not flags:
            raise DomainError(
                CalendarError.NOTHING_TO_DECIDE,
                f"{locked.name} has no open flag: there is nothing to decide.",
                field="outcome",
            )
        freed = None
        if outcome == KillDecision.Outcome.CUT:
            campaigns.set_status(actor=actor, campaign=locked, status=Campaign.Status.CUT)
            spent = locked.costs.aggregate(total=Sum("amount"))["total"] or Decimal("0")
            freed = max(locked.planned_budget - spent, Decimal("0"))
        decision = KillDecision.objects.create(
            campaign=locked,
            outcome=outcome,
            reason=reason,
            review_on=day,
            freed_budget=freed,
            decided_by=actor,
            decided_at=timezone.now(),
        )
        KillFlag.objects.filter(pk__in=[f.pk for f in flags]).update(decision=decision)
        record_event(
            "campaign.kill_decided",
            subject=locked,
            data={
                "outcome": outcome,
                "reason": reason,
                "review_on": day.isoformat() if day else None,
                "freed_budget": str(freed) if freed is not None else None,
                "flags": [f.pk for f in flags],
            },
        )
    campaign.refresh_from_db()
    return decision
