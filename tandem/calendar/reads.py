"""What the calendar shows: the range a view covers, the items in it (one read, only the
columns drawn), the filters on offer, and an item's own figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse

from tandem.calendar import layout
from tandem.calendar.models import Readiness
from tandem.campaigns.models import Campaign, Channel, Touchpoint
from tandem.core.dates import in_range
from tandem.core.permissions import Action, can
from tandem.people.models import Team, User

VIEWS = {"month": "Month", "week": "Week", "quarter": "Quarter", "timeline": "Timeline"}
COLOURS = {"type": "Type", "team": "Team"}
FILTERS = ("team", "owner", "channel", "type", "status", "region")
PALETTE = 8  # colour classes cal-c0 ... cal-c7 (calendar.css: Okabe-Ito, as the charts)
# The most items one view reads: a month of a very busy organisation. Past it the view
# says so and asks for a filter, rather than drawing an unreadable wall.
MOST = 5000


@dataclass
class CalendarView:
    view: str
    on: date
    today: date
    first: date
    last: date
    filters: dict[str, str]
    colour: str
    items: list[Any] = field(default_factory=list)
    weeks: list[layout.Week] = field(default_factory=list)
    rows: list[layout.Row] = field(default_factory=list)
    days: list[date] = field(default_factory=list)  # the timeline's columns
    truncated: bool = False
    choices: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    @property
    def title(self) -> str:
        if self.view == "month":
            return self.first.strftime("%B %Y")
        if self.view == "quarter":
            return f"Q{(self.first.month - 1) // 3 + 1} {self.first.year}"
        return f"{self.first:%-d %b} to {self.last:%-d %b %Y}"

    def url(self, **change: Any) -> str:
        query = {
            "view": change.get("view", self.view),
            "on": change.get("on", self.on).isoformat(),
            "colour": self.colour,
            **{k: v for k, v in self.filters.items() if v},
        }
        return f"{reverse('calendar:calendar')}?{urlencode(query)}"

    @property
    def previous_url(self) -> str:
        return self.url(on=self.first - timedelta(days=1))

    @property
    def next_url(self) -> str:
        return self.url(on=self.last + timedelta(days=1))

    @property
    def today_url(self) -> str:
        return self.url(on=self.today)

    @property
    def view_urls(self) -> list[tuple[str, str, str]]:
        return [(key, label, self.url(view=key)) for key, label in VIEWS.items()]

    @property
    def query(self) -> str:
        """The filters and view as a query string, for links back from an item."""
        return self.url().split("?", 1)[1]

    def colour_of(self, item: Any) -> int:
        if self.colour == "team":
            return (item.team_id or 0) % PALETTE
        return TYPE_ORDER.get(item.type, 0) % PALETTE

    @property
    def legend(self) -> list[tuple[int, str]]:
        if self.colour == "team":
            teams = {i.team_id: i.team.name if i.team else "No team" for i in self.items}
            return sorted(((t or 0) % PALETTE, name) for t, name in teams.items())
        present = {i.type for i in self.items}
        return [
            (TYPE_ORDER[t] % PALETTE, label) for t, label in Campaign.Type.choices if t in present
        ]


TYPE_ORDER = {t: n for n, t in enumerate(Campaign.Type.values)}


def _range(view: str, on: date) -> tuple[date, date]:
    if view == "week":
        first = layout.monday_of(on)
        return first, first + timedelta(days=6)
    if view == "quarter":
        first = date(on.year, 3 * ((on.month - 1) // 3) + 1, 1)
        return first, _month_end(_add_months(first, 2))
    if view == "timeline":  # three months from the month of ``on``
        first = on.replace(day=1)
        return first, _month_end(_add_months(first, 2))
    first = on.replace(day=1)
    return first, _month_end(first)


def _day(text: str) -> date | None:
    """A YYYY-MM-DD the calendar can show (years 1900 to 2200), else None."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if in_range(day) else None


def _add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def _month_end(month: date) -> date:
    return _add_months(month, 1) - timedelta(days=1)


def clean_filters(params: Any) -> dict[str, str]:
    """The filters as given, each kept only when it is one on offer (an id of digits, a
    known code), so a hostile or stale value filters nothing rather than failing."""
    chosen = {name: str(params.get(name, "")).strip()[:100] for name in FILTERS}
    for name in ("team", "owner"):
        if not chosen[name].isdigit() or len(chosen[name]) > 12:
            chosen[name] = ""
    for name, codes in (
        ("channel", Channel.values),
        ("type", Campaign.Type.values),
        ("status", Campaign.Status.values),
    ):
        if chosen[name] not in codes:
            chosen[name] = ""
    return chosen


def calendar_view(user: Any, params: Any, today: date) -> CalendarView:
    view = params.get("view", "month")
    view = view if view in VIEWS else "month"
    on = _day(str(params.get("on", ""))[:10]) or today
    colour = params.get("colour", "type")
    shown = CalendarView(
        view=view,
        on=on,
        today=today,
        first=_range(view, on)[0],
        last=_range(view, on)[1],
        filters=clean_filters(params),
        colour=colour if colour in COLOURS else "type",
    )
    found = (
        Campaign.objects.visible_to(user)
        .overlapping(shown.first, shown.last)
        .calendar_filters(shown.filters)
        .select_related("team", "readiness")
        .only(
            "id",
            "name",
            "type",
            "channel",
            "status",
            "starts_on",
            "ends_on",
            "region",
            "team_id",
            "team__name",
            "owner_id",
            "version",
            "readiness__status",
        )
        .order_by("starts_on", "id")
    )
    shown.items = list(found[: MOST + 1])
    shown.truncated = len(shown.items) > MOST
    shown.items = shown.items[:MOST]
    for item in shown.items:  # what each bar needs beyond its row: no query per item
        item.colour = shown.colour_of(item)
        item.movable = item.is_open and can(user, Action.CHANGE, item)
    if view == "timeline":
        shown.rows = layout.timeline(shown.items, shown.first, shown.last)
        span = (shown.last - shown.first).days + 1
        shown.days = [shown.first + timedelta(days=n) for n in range(span)]
    else:
        lanes = layout.WEEK_LANES if view == "week" else layout.LANES
        shown.weeks = layout.weeks(shown.items, shown.first, shown.last, lanes)
    shown.choices = filter_choices()
    return shown


def filter_choices() -> dict[str, list[tuple[str, str]]]:
    """What each filter offers: teams, the people who own campaigns, the codes, and the
    regions campaigns run in (two small reads)."""
    owners = User.objects.filter(
        pk__in=Campaign.objects.order_by().values("owner_id").distinct()
    ).order_by("full_name")
    regions = (
        Campaign.objects.exclude(region="")
        .order_by("region")
        .values_list("region", flat=True)
        .distinct()[:200]
    )
    return {
        "team": [(str(t.pk), t.name) for t in Team.objects.order_by("name")],
        "owner": [(str(u.pk), u.full_name) for u in owners],
        "channel": list(Channel.choices),
        "type": list(Campaign.Type.choices),
        "status": list(Campaign.Status.choices),
        "region": [(r, r) for r in regions],
    }


def readiness_of(item: Campaign) -> Readiness | None:
    return Readiness.objects.filter(campaign=item).select_related("marked_by").first()


def numbers_of(item: Campaign) -> dict[str, Any]:
    """The item's own figures for its panel: people targeted and touches, by the
    indexes that lead with the campaign."""
    touches = Touchpoint.objects.filter(campaign=item).aggregate(n=Count("id"))["n"]
    weeks = (item.ends_on - item.starts_on).days // 7 + 1
    return {
        "members": item.members.count(),
        "touches": touches,
        "expected_leads": item.expected_leads_per_week * weeks,
        "weeks": weeks,
    }
