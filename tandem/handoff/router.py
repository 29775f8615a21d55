"""Who gets a new MQL (``Router``): the sales owner the customer already has, when that
owner is in and below their open-lead limit, or else a fair turn among the reps of the
routing rule (or sales team) that matches the lead's account; and why, in words."""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from tandem.handoff.models import OPEN_STAGES, Lead, RoutingReason, RoutingRule
from tandem.people.models import Membership, Team, User


class Route(NamedTuple):
    team_id: int | None
    rep: User | None
    reason: str


def with_load(users: QuerySet[User]) -> QuerySet[User]:
    """Each user with ``load`` (open leads) and ``last_lead`` (when they last got one):
    the capacity rule reads the first, the round robin the second."""
    open_load = (
        Lead.objects.filter(rep=OuterRef("pk"), stage__in=OPEN_STAGES)
        .order_by()
        .values("rep")
        .annotate(n=Count("pk"))
        .values("n")
    )
    last_lead = (
        Lead.objects.filter(rep=OuterRef("pk"), assigned_at__isnull=False)
        .order_by("-assigned_at")
        .values("assigned_at")[:1]
    )
    return users.annotate(
        load=Coalesce(Subquery(open_load, output_field=IntegerField()), 0),
        last_lead=Subquery(last_lead),
    )


def first_sales_team() -> QuerySet[Team, int]:
    return (
        Team.objects.filter(function=Team.Function.SALES)
        .order_by("id")
        .values_list("id", flat=True)
    )


def lock_routing() -> int | None:
    """Serialise routing (PostgreSQL; SQLite's IMMEDIATE transactions already do) by
    locking the first sales team; returns its id, the team of last resort."""
    return first_sales_team().select_for_update().first()


def _routing_state(user: Any) -> tuple[Any, ...]:
    return (user.load, user.last_lead, user.is_active, user.away_until, user.lead_capacity)


class Router:
    """Chooses the team and rep of each new MQL, and says why.

    The first active routing rule matching the account's region and segment names the
    team and (optionally) the reps; with no rule matching, the first sales team's
    members. Unless the rule says otherwise (``prefer_owner``, and always with no rule),
    the contact's owner, or else the account's, gets the lead when they are an active
    member of a sales team, not away and below their open-lead limit (the same capacity
    rule as the round robin), in the rule's team if they belong to it, else in their own
    sales team. Otherwise, among the reps who are in and below their limit, the one
    whose last lead is oldest (a fair round robin); a tie is broken at random.

    Loads and turns are kept in memory across a batch, and the sales teams are locked,
    so simultaneous hand-offs take turns rather than collide. A router made with
    ``lock=False`` (outside a transaction) decides a hand-off ahead of its write, which
    then goes ahead only while the reps it chose are ``as_read``."""

    def __init__(self, now: datetime, *, lock: bool = True) -> None:
        self.now = now
        self.today = timezone.localdate(now)
        self.rules = list(
            RoutingRule.objects.filter(active=True).prefetch_related("reps").order_by("position")
        )
        self.fallback_team = lock_routing() if lock else first_sales_team().first()
        self.pools: dict[tuple[int, tuple[int, ...]], list[Any]] = {}
        # One object per person with their load, shared by every pool and owner lookup,
        # so a rep given leads as an owner and in turn is never over their limit.
        self.people: dict[int, Any] = {}
        self.read: dict[int, tuple[Any, ...]] = {}  # each person as first read
        self.sales_teams: dict[int, list[int]] = {}  # owner id -> their sales teams
        self.turns = 0

    def load_owners(self, leads: Iterable[Lead]) -> None:
        """Load the owners of these leads' contacts and accounts once, for a batch (two
        queries whatever its size, none when nobody owns them)."""
        ids: set[int] = set()
        for lead in leads:
            contact = lead.contact
            ids.update(i for i in (contact.owner_id,) if i)
            if contact.account is not None and contact.account.owner_id:
                ids.add(contact.account.owner_id)
        ids -= self.sales_teams.keys()
        if not ids:
            return
        for user in with_load(User.objects.filter(pk__in=ids)):
            self._person(user)
        for user_id in ids:
            self.sales_teams[user_id] = []
        memberships = Membership.objects.filter(
            user_id__in=ids, team__function=Team.Function.SALES
        ).order_by("team_id")
        for user_id, team_id in memberships.values_list("user_id", "team_id"):
            self.sales_teams[user_id].append(team_id)

    def _person(self, user: Any) -> Any:
        if user.pk not in self.people:
            self.people[user.pk] = user
            self.read[user.pk] = _routing_state(user)
        return self.people[user.pk]

    def as_read(self, user_ids: set[int]) -> bool:
        """Whether these people's open loads, last leads and availability are still as
        this router first read them (one query): what it decided for them then still
        holds, so no rep goes over their limit or gets a turn twice."""
        if not user_ids:
            return True
        now = {u.pk: _routing_state(u) for u in with_load(User.objects.filter(pk__in=user_ids))}
        return all(now.get(pk) == self.read.get(pk) for pk in user_ids)

    def _rule_for(self, lead: Lead) -> RoutingRule | None:
        account = lead.contact.account
        region = (account.region if account else "").strip().lower()
        segment = (account.segment if account else "").strip().lower()
        for rule in self.rules:
            if rule.region and rule.region.strip().lower() != region:
                continue
            if rule.segment and rule.segment.strip().lower() != segment:
                continue
            return rule
        return None

    def _pool(self, team_id: int, named: tuple[int, ...]) -> list[Any]:
        """The reps who may get leads (with their open load and last lead), loaded once."""
        key = (team_id, named)
        if key not in self.pools:
            candidates = User.objects.active().filter(memberships__team_id=team_id)
            if named:
                candidates = candidates.filter(pk__in=named)
            else:
                candidates = candidates.filter(memberships__role=Membership.Role.MEMBER)
            found = with_load(
                candidates.filter(Q(away_until__isnull=True) | Q(away_until__lt=self.today))
            ).distinct()
            # A rep in two pools (a rule's and the team's) is one object, one load.
            self.pools[key] = [self._person(user) for user in found]
        return self.pools[key]

    def _owner(self, lead: Lead, team_id: int | None) -> Route | str:
        """The contact's, or else the account's, sales owner if free; otherwise why the
        round robin decides instead."""
        contact = lead.contact
        account = contact.account
        passed_over: str = RoutingReason.ROUND_ROBIN
        owners = (
            (contact.owner_id, RoutingReason.CONTACT_OWNER),
            (account.owner_id if account is not None else None, RoutingReason.ACCOUNT_OWNER),
        )
        for owner_id, reason in owners:
            if owner_id is None:
                continue
            if owner_id not in self.sales_teams:  # a lead routed on its own
                self.load_owners([lead])
            owner = self.people.get(owner_id)
            teams = self.sales_teams.get(owner_id, [])
            if owner is None or not owner.is_active or not teams:
                continue  # no longer here, or not in sales: not a sales owner
            if owner.away_until is not None and owner.away_until >= self.today:
                if passed_over == RoutingReason.ROUND_ROBIN:
                    passed_over = RoutingReason.OWNER_AWAY
                continue
            if owner.load >= owner.lead_capacity:
                passed_over = RoutingReason.OWNER_FULL
                continue
            return Route(team_id if team_id in teams else teams[0], owner, reason)
        return passed_over

    def _give(self, rep: Any) -> None:
        rep.load += 1
        self.turns += 1  # to the back of the queue, behind those given a lead earlier
        rep.last_lead = self.now + timedelta(microseconds=self.turns)

    def choose(self, lead: Lead) -> Route:
        rule = self._rule_for(lead)
        team_id = rule.team_id if rule else self.fallback_team
        reason: str = RoutingReason.ROUND_ROBIN
        if rule is None or rule.prefer_owner:
            owned = self._owner(lead, team_id)
            if isinstance(owned, Route):
                self._give(owned.rep)
                return owned
            reason = owned
        if team_id is None:
            return Route(None, None, RoutingReason.NO_REP_FREE)
        named = tuple(sorted(r.pk for r in rule.reps.all())) if rule else ()
        free = [u for u in self._pool(team_id, named) if u.load < u.lead_capacity]
        if not free:
            return Route(team_id, None, RoutingReason.NO_REP_FREE)
        turn = min((u.last_lead is not None, u.last_lead or self.now) for u in free)
        ties = [u for u in free if (u.last_lead is not None, u.last_lead or self.now) == turn]
        rep = random.choice(ties)  # noqa: S311 - fairness, not security
        self._give(rep)
        return Route(team_id, rep, reason)
