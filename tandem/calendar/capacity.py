"""Sales capacity against the leads campaigns will bring, per week and sales region.

The model, in the words the page and the API use:

*Sales regions* are the regions of the active routing rules (``handoff.RoutingRule``),
compared as the router compares them (case and outer spaces ignored). A rep belongs to
the region of the first regional rule, in rule order, that names them (or, naming
nobody, whose team they are a member of); reps no regional rule covers are "elsewhere"
(``OTHER``), as are the leads of a region no rule names. With no regional rules there is
one pool: the whole organisation.

*Reps* are the active members (not heads) of sales teams, as the round robin takes them,
and anyone a rule names. A rep's *weekly capacity* is their open-lead limit
(``User.lead_capacity``, what they work in a full week) times the share of their team's
working week they work that week: the weekdays of the team's business hours (Monday to
Friday without any), less the team's holidays and the days the rep is away (from today to
``away_until``). A team with no working days gives nothing, never a division by zero.

*Open load* is the leads on sales' plates today (``handoff.OPEN_STAGES``: handed off
and not yet accepted, or accepted): a rep's count in the rep's region, a head's in their
team's, a lead no one holds yet in its team's (leads held by someone no longer in sales
are not counted). It is a backlog: it takes capacity from this week first and,
past this week's capacity, from the weeks after. Leads that come in over a week's
capacity are not carried on: each week is compared on its own.

*Inflow* comes from planned and live campaigns. A campaign brings its expected leads per
week for each day it runs (pro rata: three days of a week bring 3/7 of a week's). Where
at least ``SAMPLE_MIN`` finished campaigns of its type exist, the measured curve replaces
that: the MQLs the latest ``SAMPLE_MOST`` of them brought in each week after their start
(an MQL is a campaign's when the hand-off's ``LifecycleEvent`` to MQL names it, which is
the campaign of the lead's latest touch when it crossed the threshold; its week counted
from the campaign's start to the MQL's UTC day), averaged over the
sample and scaled by audience (the campaign's members against the sample's mean; not
scaled while either has none), followed for ``CURVE_WEEKS`` weeks after the start,
whatever the campaign's own end. A campaign's region takes its leads to that sales
region (elsewhere when no rule names it: with no rep left elsewhere, the region of the
first sales team, whose round robin takes such leads); a campaign for every region ("")
spreads them by where the accounts are (their ``region``), or by reps where there are no
accounts.

A week is *over capacity* when its inflow is more than its capacity less the open load it
carries (figures compared to one decimal). Everything is read in a handful of grouped
queries whatever the number of campaigns, reps and leads, and worked out with numpy.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import numpy as np
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from tandem.calendar.capacity_curves import measured_curves
from tandem.calendar.capacity_rows import (
    CURVE_WEEKS,
    DEFAULT_WEEKDAYS,
    MOST_CAUSES,
    MOST_WEEKS,
    OTHER,
    WEEKS,
    Cause,
    Curve,
    Draft,
    WeekLoad,
    monday_of,
)
from tandem.campaigns.models import Campaign, CampaignMember
from tandem.crm.models import Account
from tandem.handoff.models import (
    OPEN_STAGES,
    BusinessHours,
    Holiday,
    Lead,
    RoutingRule,
)
from tandem.people.models import Membership, Team, User

__all__ = [
    "CURVE_WEEKS", "MOST_WEEKS", "OTHER", "WEEKS", "Cause", "Draft", "Forecast", "WeekLoad",
    "forecast", "monday_of", "weekly",
]  # fmt: skip


def _key(region: str) -> str:
    return (region or "").strip().lower()


class Forecast:
    """Inflow and capacity for ``weeks`` weeks from ``first`` (a Monday), every region at
    once; ``exclude`` leaves one campaign out (to weigh it again at other dates)."""

    def __init__(
        self, first: date, weeks: int = WEEKS, *, today: date, exclude: int | None = None
    ) -> None:
        self.first, self.weeks, self.today = monday_of(first), max(1, min(weeks, MOST_WEEKS)), today
        self.days = 7 * self.weeks
        self.last = self.first + timedelta(days=self.days - 1)
        self._regions()
        self._capacity()
        self._load()
        self._weights()
        self._curves()
        self._inflow(exclude)

    # --- Regions and reps -----------------------------------------------------------------
    def _regions(self) -> None:
        rules = list(
            RoutingRule.objects.filter(active=True)
            .order_by("position", "id")
            .values_list("id", "region", "team_id")
        )
        named: dict[int, list[int]] = defaultdict(list)
        through = RoutingRule.reps.through.objects.filter(routingrule__active=True)
        for rule_id, user_id in through.values_list("routingrule_id", "user_id"):
            named[rule_id].append(user_id)
        sales = list(
            Membership.objects.filter(team__function=Team.Function.SALES, user__is_active=True)
            .order_by("team_id", "user_id")
            .values_list("user_id", "team_id", "role", "user__lead_capacity", "user__away_until")
        )
        people = {u: (cap, away) for u, _, _, cap, away in sales}
        members: dict[int, list[int]] = defaultdict(list)  # team -> its member reps
        first_team: dict[int, int] = {}
        for user_id, team_id, role, _, _ in sales:
            first_team.setdefault(user_id, team_id)
            if role == Membership.Role.MEMBER:
                members[team_id].append(user_id)
        outside = {u for ids in named.values() for u in ids} - people.keys()
        if outside:  # named on a rule but in no sales team (rare)
            for user_id, cap, away in User.objects.filter(
                pk__in=outside, is_active=True
            ).values_list("id", "lead_capacity", "away_until"):
                people[user_id] = (cap, away)
        labels: dict[str, str] = {}
        self.rep_region: dict[int, str] = {}
        self.rep_team: dict[int, int | None] = {}
        self.team_region: dict[int, str] = {}
        for rule_id, region, team_id in rules:
            key = _key(region)
            if not key:
                continue
            labels.setdefault(key, region.strip())
            self.team_region.setdefault(team_id, key)
            for user_id in named.get(rule_id) or members.get(team_id, []):
                if user_id in people and user_id not in self.rep_region:
                    self.rep_region[user_id], self.rep_team[user_id] = key, team_id
        reps = {u for ids in members.values() for u in ids} | (
            {u for ids in named.values() for u in ids} & people.keys()
        )
        for user_id in sorted(reps):
            if user_id not in self.rep_region:
                self.rep_region[user_id] = OTHER
                self.rep_team[user_id] = first_team.get(user_id)
        self.regions = sorted(labels)
        self.labels = {**labels, OTHER: "Elsewhere" if labels else "All regions"}
        self.buckets = [*self.regions, OTHER]
        self.index = {key: n for n, key in enumerate(self.buckets)}
        # Where leads of a region no rule names go. The router sends them round the first
        # sales team; when every rep of it sits in a regional pool (no rep is left
        # "elsewhere"), those leads land on that pool's reps, so they count there.
        fallback = min((team for _, team, *_ in sales), default=None)
        self.unmatched = OTHER
        if OTHER not in self.rep_region.values() and fallback in self.team_region:
            self.unmatched = self.team_region[fallback]
        self.reps = sorted(reps)
        self.people = people
        self.first_team = first_team

    # --- Capacity ---------------------------------------------------------------------------
    def _capacity(self) -> None:
        teams = sorted({t for t in self.rep_team.values() if t is not None})
        weekdays = dict(
            BusinessHours.objects.filter(team_id__in=teams).values_list("team_id", "weekdays")
        )
        holidays = defaultdict(list)
        for team_id, day in Holiday.objects.filter(
            team_id__in=teams, day__range=(self.first, self.last)
        ).values_list("team_id", "day"):
            holidays[team_id].append((day - self.first).days)
        n = len(self.reps)
        days = np.zeros((n, self.days), dtype=bool)
        per_week = np.zeros(n)
        limit = np.zeros(n)
        today = (self.today - self.first).days
        for row, user_id in enumerate(self.reps):  # reps, not leads: a few hundred at most
            team = self.rep_team[user_id] or 0
            said = weekdays.get(team) or DEFAULT_WEEKDAYS
            open_days = {int(c) - 1 for c in said if c in "1234567"}
            week = np.array([d in open_days for d in range(7)], dtype=bool)
            days[row] = np.tile(week, self.weeks)
            days[row, holidays.get(team, [])] = False
            cap, away = self.people[user_id]
            if away is not None and away >= self.today:
                days[row, max(today, 0) : max((away - self.first).days + 1, 0)] = False
            per_week[row], limit[row] = len(open_days), cap
        worked = days.reshape(n, self.weeks, 7).sum(axis=2)  # (reps, weeks)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(per_week[:, None] > 0, worked / per_week[:, None], 0.0)
        each = share * limit[:, None]
        bucket = np.array([self.index[self.rep_region[u]] for u in self.reps], dtype=int)
        self.capacity = np.zeros((len(self.buckets), self.weeks))
        self.rep_count = np.zeros(len(self.buckets), dtype=int)
        self.reps_in = np.zeros((len(self.buckets), self.weeks), dtype=int)
        if n:
            np.add.at(self.capacity, bucket, each)
            np.add.at(self.rep_count, bucket, 1)
            np.add.at(self.reps_in, bucket, (worked > 0).astype(int))

    def _load(self) -> None:
        """Open leads per region, taken from this week's capacity on, as a backlog: the
        sales people's counts (read off the (rep, stage) index), then the leads no one
        holds yet, by team. Leads held by someone no longer in sales are not counted."""
        total = np.zeros(len(self.buckets))
        held = (
            Lead.objects.filter(rep_id__in=sorted(self.people), stage__in=OPEN_STAGES)
            .order_by()
            .values_list("rep_id")
            .annotate(n=Count("pk"))
        )
        for user_id, n in held:
            region = self.rep_region.get(user_id)
            if region is None:  # a head holding leads: their team's region
                region = self.team_region.get(self.first_team.get(user_id, 0), self.unmatched)
            total[self.index[region]] += n
        unheld = (
            Lead.objects.filter(rep__isnull=True, stage__in=OPEN_STAGES)
            .order_by()
            .values_list("team_id")
            .annotate(n=Count("pk"))
        )
        for team_id, n in unheld:
            total[self.index[self.team_region.get(team_id, self.unmatched)]] += n
        self.open_load = total
        self.load = np.zeros_like(self.capacity)
        start = max(0, (monday_of(self.today) - self.first).days // 7)
        left = total.copy()
        for week in range(start, self.weeks):
            taken = np.minimum(left, self.capacity[:, week])
            self.load[:, week] = taken
            left -= taken
        self.load_beyond = left  # open leads the horizon's capacity does not clear

    # --- Where leads of a campaign for every region go ----------------------------------------
    def _weights(self) -> None:
        weights = np.zeros(len(self.buckets))
        # Grouped as stored (the region index serves it), then compared as the router does.
        accounts = Account.objects.order_by().values_list("region").annotate(n=Count("pk"))
        for region, n in accounts:
            key = _key(region)  # an account with no region is the router's too
            weights[self.index[key if key in self.regions else self.unmatched]] += n
        if weights.sum() == 0:
            weights = self.rep_count.astype(float)
        if weights.sum() == 0:
            weights = np.zeros(len(self.buckets))
            weights[self.index[OTHER]] = 1.0
        self.everywhere = weights / weights.sum()

    # --- Measured curves ----------------------------------------------------------------------
    def _curves(self) -> None:
        self.curves: dict[str, Curve] = measured_curves()

    # --- Inflow -------------------------------------------------------------------------------
    def _inflow(self, exclude: int | None) -> None:
        members = (
            CampaignMember.objects.filter(campaign_id=OuterRef("pk"))
            .order_by()
            .values("campaign_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        found = (
            Campaign.objects.filter(status__in=Campaign.OPEN_STATUSES, starts_on__lte=self.last)
            .filter(
                Q(ends_on__gte=self.first)
                | Q(starts_on__gte=self.first - timedelta(weeks=CURVE_WEEKS))
            )
            .exclude(pk=exclude)
            .order_by("starts_on", "id")
        )
        # Members only for the types a measured curve scales; none read otherwise.
        if self.curves:
            found = found.annotate(
                audience_size=Coalesce(Subquery(members, output_field=IntegerField()), 0)
            )
            columns: tuple[str, ...] = ("audience_size",)
        else:
            columns = ()
        drafts = [
            Draft(pk, name, kind, region, expected, more[0] if more else 0, s, e)
            for pk, name, kind, region, expected, s, e, *more in found.values_list(
                "id", "name", "type", "region", "expected_leads_per_week", "starts_on", "ends_on",
                *columns,
            )
        ]  # fmt: skip
        self.drafts = drafts
        self.inflow, self.measured = self.weigh(drafts)

    def weigh(self, drafts: list[Draft]) -> tuple[np.ndarray, np.ndarray]:
        """Each campaign's leads per region and week (campaigns, regions, weeks), and
        which of them are measured rather than expected."""
        c = len(drafts)
        if not c:
            return np.zeros((0, len(self.buckets), self.weeks)), np.zeros(0, dtype=bool)
        starts = np.array([(d.starts_on - self.first).days for d in drafts])
        ends = np.array([(d.ends_on - self.first).days for d in drafts])
        day = np.arange(self.days)
        since = day[None, :] - starts[:, None]  # days since each campaign's start
        curves = [self.curves.get(d.type) for d in drafts]
        measured = np.array([cv is not None for cv in curves])
        rate = np.where(
            (since >= 0) & (day[None, :] <= ends[:, None]),
            np.array([d.expected for d in drafts], dtype=float)[:, None] / 7,
            0.0,
        )
        if measured.any():
            table = np.array([cv.weekly if cv else np.zeros(CURVE_WEEKS) for cv in curves])
            scale = np.array(
                [
                    d.members / cv.mean_members if cv and d.members and cv.mean_members else 1.0
                    for d, cv in zip(drafts, curves, strict=True)
                ]
            )
            week = np.clip(since // 7, 0, CURVE_WEEKS - 1)
            follow = (since >= 0) & (since < 7 * CURVE_WEEKS)
            curve_rate = np.take_along_axis(table, week, axis=1) / 7 * scale[:, None] * follow
            rate = np.where(measured[:, None], curve_rate, rate)
        weekly = rate.reshape(c, self.weeks, 7).sum(axis=2)  # (campaigns, weeks)
        where = np.zeros((c, len(self.buckets)))
        for row, d in enumerate(drafts):
            key = _key(d.region)
            if not key:
                where[row] = self.everywhere
            else:
                where[row, self.index.get(key, self.index[self.unmatched])] = 1.0
        return where[:, :, None] * weekly[:, None, :], measured

    # --- Reading it -------------------------------------------------------------------------
    def region_key(self, region: str | None) -> str | None:
        """The region asked for, if it is one (``None``: every region together)."""
        if region is None:
            return None
        key = _key(_region_param(region) or "")
        if key in self.index and (key or self.regions):
            return key
        return None

    def week_loads(self, region: str | None = None) -> list[WeekLoad]:
        """The weeks of one region (``None``: all together), with what causes each."""
        return self.loads(self.drafts, self.inflow, self.measured, region)

    def loads(
        self,
        drafts: list[Draft],
        inflow: np.ndarray,
        measured: np.ndarray,
        region: str | None,
        only: np.ndarray | None = None,
        causes: bool = True,
    ) -> list[WeekLoad]:
        key = self.region_key(region)
        pick = slice(None) if key is None else [self.index[key]]
        label = "All regions" if key is None else self.labels[key]
        per = inflow[:, pick, :].sum(axis=1) if len(drafts) else np.zeros((0, self.weeks))
        expected = per[~measured].sum(axis=0) if len(drafts) else np.zeros(self.weeks)
        from_curves = per[measured].sum(axis=0) if len(drafts) else np.zeros(self.weeks)
        capacity = self.capacity[pick].sum(axis=0)
        load = self.load[pick].sum(axis=0)
        reps = int(self.rep_count[pick].sum())
        reps_in = self.reps_in[pick].sum(axis=0)
        weeks = []
        for w in range(self.weeks):
            if only is not None and not only[w]:
                continue
            week = WeekLoad(
                monday=self.first + timedelta(weeks=w),
                region=key,
                label=label,
                expected=round(float(expected[w]), 1),
                measured=round(float(from_curves[w]), 1),
                capacity=round(float(capacity[w]), 1),
                load=round(float(load[w]), 1),
                reps=reps,
                reps_in=int(reps_in[w]),
            )
            if week.over and causes:
                week.causes, week.more = self._causes(drafts, per[:, w], measured)
            weeks.append(week)
        return weeks

    def _causes(
        self, drafts: list[Draft], leads: np.ndarray, measured: np.ndarray
    ) -> tuple[list[Cause], int]:
        bringing = int((leads >= 0.05).sum())
        order = np.argsort(-leads, kind="stable")[: min(bringing, MOST_CAUSES)]
        causes = [
            Cause(
                campaign_id=drafts[i].pk,
                name=drafts[i].name,
                leads=round(float(leads[i]), 1),
                basis="measured" if measured[i] else "expected",
                sample=self.curves[drafts[i].type].sample if measured[i] else 0,
            )
            for i in order
        ]
        return causes, max(0, bringing - MOST_CAUSES)

    def basis_of(self, draft: Draft) -> Curve | None:
        return self.curves.get(draft.type)

    def region_choices(self) -> list[tuple[str, str]]:
        """The regions to choose from: every sales region, then elsewhere if it has reps
        or leads (nothing to choose with a single pool)."""
        if not self.regions:
            return []
        found = [(key, self.labels[key]) for key in self.regions]
        other = self.index[OTHER]
        if self.rep_count[other] or self.inflow[:, other, :].any() or self.open_load[other]:
            found.append(("elsewhere", self.labels[OTHER]))
        return found

    def over_by_region(self) -> list[tuple[str, str, int]]:
        """(key, label, weeks over capacity) of each region with any."""
        found = []
        for key in self.buckets:
            weeks = sum(
                1 for w in self.loads(self.drafts, self.inflow, self.measured, key) if w.over
            )
            if weeks and (key or self.regions):
                found.append(("elsewhere" if key == OTHER else key, self.labels[key], weeks))
        return found


def forecast(
    first: date, weeks: int = WEEKS, *, today: date, exclude: int | None = None
) -> Forecast:
    return Forecast(first, weeks, today=today, exclude=exclude)


def weekly(
    first_monday: date, weeks: int = WEEKS, region: str | None = None, *, today: date | None = None
) -> list[WeekLoad]:
    """Inflow against capacity for ``weeks`` weeks from ``first_monday``, in one region
    (``None``: every region together)."""
    from django.utils import timezone

    found = Forecast(first_monday, weeks, today=today or timezone.localdate())
    return found.week_loads(_region_param(region))


def _region_param(region: str | None) -> str | None:
    """ "elsewhere" (the page's and the API's word) is the pool of ``OTHER``."""
    if region is None:
        return None
    return OTHER if region.strip().lower() == "elsewhere" else region
