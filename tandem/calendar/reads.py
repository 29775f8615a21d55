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
PALETTE = 12  # colour classes cal-c0 ... cal-c11 (calendar.css), one per campaign type
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
    page: int = 1  # the timeline's page of rows
    pages: int = 1
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
            **({"page": change["page"]} if "page" in change else {}),
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
    def earlier_rows_url(self) -> str:
        return self.url(page=self.page - 1)

    @property
    def later_rows_url(self) -> str:
        return self.url(page=self.page + 1)

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
            teams = {i.team_id: i.team_name or "No team" for i in self.items}
            return sorted(((t or 0) % PALETTE, name) for t, name in teams.items())
        present = {i.type for i in self.items}
        return [
            (TYPE_ORDER[t] % PALETTE, label) for t, label in Campaign.Type.choices if t in present
        ]


TYPE_ORDER = {t: n for n, t in enumerate(Campaign.Type.values)}
TIMELINE_ROWS = 60  # rows of the timeline per page
STATUS_LABELS = dict(Campaign.Status.choices)
TYPE_LABELS = dict(Campaign.Type.choices)


class Item:
    """A campaign as the calendar draws it: the columns of one row, and what the
    permission table needs to ask whether the reader may move it (``can`` reads
    ``_meta``, ``permission_owner_id`` and ``permission_team_ids``)."""

    COLUMNS = (
        "id", "name", "type", "channel", "status", "starts_on", "ends_on", "region",
        "team_id", "team__name", "owner_id", "version", "readiness__status",
    )  # fmt: skip
    _meta = Campaign._meta
    colour = 0
    movable = False

    def __init__(
        self,
        pk: int,
        name: str,
        type: str,
        channel: str,
        status: str,
        starts_on: date,
        ends_on: date,
        region: str,
        team_id: int | None,
        team_name: str | None,
        owner_id: int | None,
        version: int,
        readiness: str | None,
    ) -> None:
        self.pk, self.name, self.type, self.channel, self.status = pk, name, type, channel, status
        self.starts_on, self.ends_on, self.region = starts_on, ends_on, region
        self.team_id, self.team_name, self.owner_id = team_id, team_name, owner_id
        self.version, self.ready = version, readiness == Readiness.Status.READY

    @property
    def is_open(self) -> bool:
        return self.status in Campaign.OPEN_STATUSES

    @property
    def permission_owner_id(self) -> int | None:
        return self.owner_id

    @property
    def permission_team_ids(self) -> tuple[int, ...]:
        return (self.team_id,) if self.team_id else ()

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS.get(self.status, self.status))

    @property
    def type_label(self) -> str:
        return str(TYPE_LABELS.get(self.type, self.type))


def _page(text: Any) -> int:
    value = str(text or "")
    return int(value) if value.isdigit() and len(value) < 6 else 1


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
    # The week grids show whole weeks: read what runs on their first and last days too.
    grid_first, grid_last = shown.first, shown.last
    if view != "timeline":
        grid_first = layout.monday_of(shown.first)
        grid_last = layout.monday_of(shown.last) + timedelta(days=6)
    found = (
        Campaign.objects.visible_to(user)
        .overlapping(grid_first, grid_last)
        .calendar_filters(shown.filters)
        .order_by("starts_on", "id")
        .values_list(*Item.COLUMNS)
    )
    # Tuples, not model instances: a busy month reads 5,000 rows, and only the bars
    # drawn (a few per week) need more than their dates.
    shown.items = [Item(*row) for row in found[: MOST + 1]]
    shown.truncated = len(shown.items) > MOST
    shown.items = shown.items[:MOST]
    if view == "timeline":
        rows = layout.timeline(shown.items, shown.first, shown.last)
        shown.pages = max(1, -(-len(rows) // TIMELINE_ROWS))
        shown.page = min(max(1, _page(params.get("page"))), shown.pages)
        shown.rows = rows[(shown.page - 1) * TIMELINE_ROWS : shown.page * TIMELINE_ROWS]
        span = (shown.last - shown.first).days + 1
        shown.days = [shown.first + timedelta(days=n) for n in range(span)]
        drawn = [r.item for r in shown.rows]
    else:
        lanes = layout.WEEK_LANES if view == "week" else layout.LANES
        shown.weeks = layout.weeks(shown.items, shown.first, shown.last, lanes)
        drawn = [b.item for w in shown.weeks for b in w.bars]
    for item in drawn:  # what each bar drawn needs beyond its row
        item.colour = shown.colour_of(item)
        item.movable = item.is_open and can(user, Action.CHANGE, item)
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
