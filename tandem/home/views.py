"""Each persona's home page answers "how are we doing?" for the work they do.

- Executive: pipeline, revenue won this quarter, MQLs against marketing's promise,
  sales' SLA adherence, and their trends.
- Heads: their side of the SLA and the other side's, leads waiting, breaches, and (sales)
  the reps' load.
- Marketer: MQLs delivered, acceptance, why sales rejected leads, campaigns live.
- Rep: my leads with their clocks, tasks due today, my pipeline.
- Front line: the customers they referred to sales and what became of each (a head:
  their team's), above what their teams did lately.
Everyone sees their unread notifications and teams; admins the administration links.
"""

from datetime import timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tandem.core import exchange_rates
from tandem.core.models import DomainEvent
from tandem.core.permissions import ORGANISATION, Action, can
from tandem.crm.models import Opportunity
from tandem.handoff.models import Lead, Referral
from tandem.handoff.reports import SlaReport
from tandem.home import cards, figures
from tandem.notifications.querysets import unread_for
from tandem.people.auth import signed_in
from tandem.people.models import Membership, Team, User

Function = Team.Function


def persona_of(user: User, functions: dict[int, str]) -> str:
    """One of: executive, marketing_head, sales_head, front_line_head, marketer, rep,
    front_line, admin, newcomer. ``functions`` maps the user's team ids to their
    functions. Leadership outranks heading a team, heading outranks membership, and
    among teams sales, then marketing, then the front line."""
    roles = user.team_roles()
    if Function.LEADERSHIP in functions.values():
        return "executive"
    order = [Function.SALES, Function.MARKETING, Function.FRONT_LINE]
    for wanted_role in ("head", "member"):
        held = {functions[t] for t, role in roles.items() if role == wanted_role}
        for function in order:
            if function in held:
                return {
                    ("head", Function.SALES): "sales_head",
                    ("head", Function.MARKETING): "marketing_head",
                    ("head", Function.FRONT_LINE): "front_line_head",
                    ("member", Function.SALES): "rep",
                    ("member", Function.MARKETING): "marketer",
                    ("member", Function.FRONT_LINE): "front_line",
                }[(wanted_role, function)]
    return "admin" if user.is_admin else "newcomer"


GREETINGS = {
    "executive": "The whole organisation at a glance: pipeline, revenue and the hand-off.",
    "sales_head": "Your team's leads, their clocks and marketing's side of the deal.",
    "marketing_head": "What marketing promised sales, what it delivered, and what came back.",
    "front_line_head": "Your team and what the customers you met became.",
    "marketer": "What's happening with the leads your campaigns make.",
    "rep": "Your leads, today's tasks and your pipeline.",
    "front_line": "The customers you sent to sales, and what became of them.",
    "admin": "Administration: people, teams and the audit trail.",
    "newcomer": "Welcome to Tandem.",
}


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


def _adherence(report: SlaReport) -> cards.Stat:
    return cards.per_cent(
        "SLA kept",
        figures.sla_adherence(report),
        "of this month's leads: no clock ran out on them",
        "No lead handed over yet this month",
    )


def _executive(context: dict[str, Any]) -> None:
    deals = Opportunity.objects.all()
    report = figures.this_month()
    rates = exchange_rates.rates_on(timezone.localdate())
    quarter = figures.quarter_start(rates.on)
    context["stats"] = cards.as_context(
        [
            cards.money("Open pipeline", figures.pipeline(deals), rates, "Every open opportunity"),
            cards.money(
                "Weighted pipeline",
                figures.weighted_pipeline(deals),
                rates,
                "Each deal times its stage's chance to close",
            ),
            cards.money(
                "Won this quarter",
                figures.won_since(deals, quarter),
                rates,
                f"Since {quarter:%-d %B}",
            ),
            cards.mqls(report),
            _adherence(report),
        ]
    )
    context.update(
        report=report,
        mql_trend=figures.mqls_by_week(),
        won_chart={"title": "Revenue won by month", **figures.won_by_month(rates)},
        stage_chart=_stage_chart(figures.pipeline_by_stage(deals, rates), rates.home),
    )


def _head(context: dict[str, Any], headed: list[int]) -> None:
    report = figures.this_month()
    acceptance = cards.acceptance(report, figures.acceptance_rate(report))
    if context["persona"] == "sales_head":
        waiting = figures.leads_waiting(headed)
        stats = [
            cards.count("Leads waiting", waiting, "Handed to your team, not yet accepted"),
            cards.breaches(report),
            _adherence(report),
            acceptance,
        ]
        context["reps_load"] = figures.reps_load(headed)
    else:  # marketing's (or the front line's) side first, then sales'
        waiting = figures.leads_waiting()
        stats = [
            cards.mqls(report),
            acceptance,
            cards.count("Leads waiting for sales", waiting, "Handed over, not yet accepted"),
            cards.breaches(report, "Sales' SLA breaches"),
        ]
        context["reasons"] = figures.rejection_reasons(report)
    context.update(
        stats=cards.as_context(stats),
        report=report,
        mql_trend=figures.mqls_by_week(),
        my_people=Membership.objects.filter(team_id__in=headed)
        .select_related("user", "team")
        .order_by("team__name", "user__full_name")[:50],
    )


def _marketer(context: dict[str, Any]) -> None:
    report = figures.this_month()
    live_count, live = figures.campaigns_live()
    context["stats"] = cards.as_context(
        [
            cards.mqls(report),
            cards.acceptance(report, figures.acceptance_rate(report)),
            cards.count("Rejected by sales", report.rejected, "This month, with a reason"),
            cards.count("Campaigns live", live_count, "Running now"),
        ]
    )
    context.update(
        report=report,
        reasons=figures.rejection_reasons(report),
        live=live,
        mql_trend=figures.mqls_by_week(),
    )


def _rep(context: dict[str, Any], user: User) -> None:
    mine = Opportunity.objects.filter(owner=user)
    tasks = figures.tasks_due_today(user)
    rates = exchange_rates.rates_on(timezone.localdate())
    context["stats"] = cards.as_context(
        [
            cards.count("My open leads", figures.open_leads_of(user), "Most urgent clock first"),
            cards.count("Tasks due today", tasks.count(), "Overdue ones included"),
            cards.money("My open pipeline", figures.pipeline(mine), rates, "Opportunities you own"),
        ]
    )
    context.update(
        my_leads=list(Lead.objects.queue_of(user)[:8]),
        tasks=list(tasks[:10]),
        stage_chart=_stage_chart(figures.pipeline_by_stage(mine, rates), rates.home),
    )


HOME_REFERRALS = 8


def _referrals(context: dict[str, Any], user: User, persona: str) -> None:
    """My referrals and what became of each (a front-line head: their team's), with the
    figures on top for a member (a head's figures are the hand-off's, above)."""
    headed = user.headed_teams_of(Function.FRONT_LINE) if persona == "front_line_head" else []
    found = Referral.objects.visible_to(user).with_outcomes()
    found = found.of_teams(headed) if headed else found.made_by(user)
    counts = figures.referral_counts(found)
    context.update(
        referrals=list(found[:HOME_REFERRALS]),
        referrals_of_team=bool(headed),
        referral_counts=counts,
    )
    if persona == "front_line":
        context["stats"] = cards.as_context(
            [
                cards.count("Referred this month", counts["month"], "Customers sent to sales"),
                cards.count("Taken on by sales", counts["taken"], "Accepted, or an opportunity"),
                cards.count("Opportunities", counts["opportunities"], "Sales opened a deal"),
                cards.count("Won", counts["won"], "Deals won from your referrals"),
            ]
        )


def _stage_chart(stages: list[dict[str, Any]], currency: str) -> dict[str, Any]:
    return {
        "type": "bar",
        "title": f"Open pipeline by stage ({currency})",
        "labels": [s["stage"] for s in stages],
        "values": [float(s["total"]) for s in stages],
        "money": currency,
        "rows": stages,
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    roles = user.team_roles()
    my_teams = list(Team.objects.filter(pk__in=roles).with_member_counts())
    functions = {t.pk: t.function for t in my_teams}
    for team in my_teams:
        team.my_role = roles[team.pk]
    persona = persona_of(user, functions)
    context: dict[str, Any] = {
        "persona": persona,
        "greeting": GREETINGS[persona],
        "my_teams": my_teams,
        "unread": list(unread_for(user)[:5]),
        "can_manage_org": can(user, Action.CREATE_USER, ORGANISATION),
        "now": timezone.now(),
    }
    headed = [t for t, role in roles.items() if role == "head"]
    if persona == "executive":
        _executive(context)
    elif persona.endswith("_head"):
        _head(context, headed)
    elif persona == "marketer":
        _marketer(context)
    elif persona == "rep":
        _rep(context, user)
    if persona in ("front_line", "front_line_head"):
        _referrals(context, user, persona)
    if persona in ("front_line", "front_line_head") and roles:
        context["activity_chart"] = {
            "type": "bar",
            "title": "Actions by people in your teams, last 14 days",
            **activity_by_day(list(roles)),
        }
    if persona == "admin":
        teams = list(Team.objects.with_member_counts().order_by("name"))
        context["all_teams"] = teams
        context["headcount_chart"] = {
            "type": "bar",
            "title": "People per team",
            "labels": [t.name for t in teams],
            "values": [t.member_count for t in teams],
        }
    if persona == "newcomer":
        context["admins"] = User.objects.active().filter(is_admin=True)[:5]
    return render(request, "home/home.html", context)
