"""Each persona's home page: their teams, what is new for them, and charts of activity."""

from datetime import timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tandem.core.models import DomainEvent
from tandem.core.permissions import ORGANISATION, Action, can
from tandem.notifications.querysets import unread_for
from tandem.people.auth import signed_in
from tandem.people.models import Membership, Team, User


def persona_of(user: User) -> str:
    roles = user.team_roles()
    functions = (
        set(Team.objects.filter(pk__in=roles).values_list("function", flat=True))
        if roles
        else set()
    )
    if Team.Function.LEADERSHIP in functions:
        return "executive"
    if "head" in roles.values():
        return "head"
    if roles:
        return "member"
    return "admin" if user.is_admin else "newcomer"


def activity_by_day(actor_team_ids: list[int], days: int = 14) -> dict[str, list[Any]]:
    """Domain events by people of these teams per day: one GROUP BY, not a loop per row."""
    today = timezone.localdate()
    start = today - timedelta(days=days - 1)
    counts = dict(
        DomainEvent.objects.filter(
            occurred_at__date__gte=start,
            actor__memberships__team_id__in=actor_team_ids,
        )
        .annotate(day=TruncDate("occurred_at", tzinfo=timezone.get_current_timezone()))
        .values_list("day")
        .annotate(n=Count("id", distinct=True))
        .values_list("day", "n")
    )
    labels, values = [], []
    for offset in range(days):
        day = start + timedelta(days=offset)
        labels.append(day.strftime("%d %b"))
        values.append(counts.get(day, 0))
    return {"labels": labels, "values": values}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    roles = user.team_roles()
    my_teams = list(Team.objects.filter(pk__in=roles).with_member_counts())
    for team in my_teams:
        team.my_role = roles[team.pk]
    persona = persona_of(user)
    context: dict[str, Any] = {
        "persona": persona,
        "my_teams": my_teams,
        "unread": list(unread_for(user)[:5]),
        "can_manage_org": can(user, Action.CREATE_USER, ORGANISATION),
    }
    if roles:
        context["activity_chart"] = {
            "type": "bar",
            "title": "Actions by people in your teams, last 14 days",
            **activity_by_day(list(roles)),
        }
    if persona in ("executive", "admin"):
        teams = list(Team.objects.with_member_counts().order_by("name"))
        context["all_teams"] = teams
        context["headcount_chart"] = {
            "type": "bar",
            "title": "People per team",
            "labels": [t.name for t in teams],
            "values": [t.member_count for t in teams],
        }
    if persona == "head":
        head_of = [t.pk for t in my_teams if roles[t.pk] == "head"]
        context["my_people"] = (
            Membership.objects.filter(team_id__in=head_of)
            .select_related("user", "team")
            .order_by("team__name", "user__full_name")[:50]
        )
    if persona == "newcomer":
        context["admins"] = User.objects.active().filter(is_admin=True)[:5]
    return render(request, "home/home.html", context)
