"""Pages of the heads' settings: rejection reasons, routing rules, each rep's capacity,
and each sales team's business hours and holidays."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import models
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tandem.core.errors import DomainError
from tandem.core.forms import form_error, report_error
from tandem.core.ids import parse_id
from tandem.core.pagination import paginate
from tandem.core.permissions import Action, can, require_staff
from tandem.handoff import configuration
from tandem.handoff.forms import (
    BusinessHoursForm,
    CapacityForm,
    HolidayForm,
    RoutingRuleForm,
)
from tandem.handoff.models import (
    OPEN_STAGES,
    BusinessHours,
    Holiday,
    Lead,
    RejectionReason,
    RoutingRule,
)
from tandem.people import services as people_services
from tandem.people.auth import signed_in
from tandem.people.models import Team, User


@login_required
def reasons(request: HttpRequest) -> HttpResponse:
    """Rejection reasons: the heads add and retire them (a code in use is never deleted)."""
    require_staff(request.user)
    if request.method == "POST":
        try:
            configuration.save_rejection_reason(
                actor=signed_in(request),
                code=request.POST.get("code", ""),
                label=request.POST.get("label", ""),
                active=request.POST.get("active") == "on",
                position=int(request.POST.get("position", "0") or 0)
                if (request.POST.get("position", "0") or "0").isdigit()
                else 0,
            )
        except DomainError as exc:
            report_error(request, exc)
        else:
            messages.success(request, "Saved.")
        return redirect("handoff:reasons")
    page = paginate(request, RejectionReason.objects.all())
    return render(request, "handoff/reasons.html", {"page": page})


def _errors(form: Any) -> str:
    """A small form's errors as one message, each named by its field's label."""
    return "; ".join(
        f"{form.fields[name].label or name if name in form.fields else ''}: {error}".lstrip(": ")
        for name, errors in form.errors.items()
        for error in errors
    )


def _sales_teams(request: HttpRequest) -> list[dict[str, Any]]:
    """Each sales team with its members' load and capacity, hours and holidays."""

    teams = list(Team.objects.filter(function=Team.Function.SALES).order_by("name")[:50])
    ids = [t.pk for t in teams]
    loads = dict(
        Lead.objects.filter(stage__in=OPEN_STAGES, team_id__in=ids, rep__isnull=False)
        .values("rep")
        .annotate(n=Count("pk"))
        .values_list("rep", "n")
    )
    members: dict[int, list[Any]] = {}
    people = User.objects.active().filter(memberships__team_id__in=ids)
    for user in people.annotate(team=models.F("memberships__team_id")).order_by("full_name"):
        user.open_leads = loads.get(user.pk, 0)
        members.setdefault(user.team, []).append(user)
    hours = {h.team_id: h for h in BusinessHours.objects.filter(team_id__in=ids)}
    holidays: dict[int, list[Any]] = {}
    for holiday in Holiday.objects.filter(team_id__in=ids, day__gte=timezone.localdate()):
        holidays.setdefault(holiday.team_id, []).append(holiday)
    return [
        {
            "team": team,
            "members": members.get(team.pk, [])[:200],
            "hours": hours.get(team.pk),
            "holidays": holidays.get(team.pk, [])[:50],
            "can_change": can(request.user, Action.CHANGE, team),
            "hours_form": BusinessHoursForm(
                prefix=f"hours-{team.pk}",
                initial=(
                    {
                        "time_zone": hours[team.pk].time_zone,
                        "opens_at": hours[team.pk].opens_at,
                        "closes_at": hours[team.pk].closes_at,
                        "weekdays": list(hours[team.pk].weekdays),
                    }
                    if team.pk in hours
                    else {
                        "time_zone": "Europe/London",
                        "opens_at": "09:00",
                        "closes_at": "17:30",
                        "weekdays": list("12345"),
                    }
                ),
            ),
            "holiday_form": HolidayForm(prefix=f"holiday-{team.pk}"),
        }
        for team in teams
    ]


@login_required
def routing(request: HttpRequest) -> HttpResponse:
    """Routing rules, each rep's capacity, and each sales team's hours and holidays."""
    require_staff(request.user)

    editing = None
    rule_id = parse_id(request.GET.get("rule", "") or request.POST.get("rule", ""))
    if rule_id is not None:
        editing = get_object_or_404(RoutingRule.objects.all(), pk=rule_id)
    initial = (
        {
            "name": editing.name,
            "position": editing.position,
            "region": editing.region,
            "segment": editing.segment,
            "team": editing.team_id,
            "reps": list(editing.reps.values_list("pk", flat=True)),
            "prefer_owner": editing.prefer_owner,
            "active": editing.active,
        }
        if editing
        else None
    )
    form = RoutingRuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            configuration.save_routing_rule(
                actor=signed_in(request), rule=editing, **form.cleaned_data
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Routing rule saved.")
            return redirect("handoff:routing")
    rules = RoutingRule.objects.select_related("team").prefetch_related("reps")[:200]
    return render(
        request,
        "handoff/routing.html",
        {"rules": rules, "form": form, "editing": editing, "teams": _sales_teams(request)},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def capacity(request: HttpRequest, user_id: int) -> HttpResponse:
    require_staff(request.user)

    rep = get_object_or_404(User.objects.visible_to(request.user), pk=user_id)
    form = CapacityForm(request.POST)
    if form.is_valid():
        try:
            people_services.set_capacity(actor=signed_in(request), rep=rep, **form.cleaned_data)
        except DomainError as exc:
            report_error(request, exc)
        else:
            messages.success(request, f"Saved {rep}'s capacity.")
    else:
        messages.error(request, _errors(form))
    return redirect("handoff:routing")


@login_required
@require_POST
def team_hours(request: HttpRequest, team_id: int) -> HttpResponse:
    require_staff(request.user)

    team = get_object_or_404(Team.objects.visible_to(request.user), pk=team_id)
    what = request.POST.get("what", "")
    try:
        if what == "hours":
            form: Any = BusinessHoursForm(request.POST, prefix=f"hours-{team.pk}")
            if form.is_valid():
                data = form.cleaned_data
                configuration.set_business_hours(
                    actor=signed_in(request),
                    team=team,
                    time_zone=data["time_zone"],
                    opens_at=data["opens_at"],
                    closes_at=data["closes_at"],
                    weekdays="".join(data["weekdays"]),
                )
                messages.success(request, f"Saved {team}'s business hours.")
        elif what == "holiday":
            form = HolidayForm(request.POST, prefix=f"holiday-{team.pk}")
            if form.is_valid():
                configuration.add_holiday(actor=signed_in(request), team=team, **form.cleaned_data)
                messages.success(request, "Holiday added.")
        elif what == "remove-holiday":
            holiday = get_object_or_404(
                Holiday.objects.filter(team=team), pk=parse_id(request.POST.get("holiday", ""))
            )
            configuration.remove_holiday(actor=signed_in(request), holiday=holiday)
            messages.success(request, "Holiday removed.")
            form = None
        else:
            raise Http404
        if form is not None and form.errors:
            messages.error(request, _errors(form))
    except DomainError as exc:
        report_error(request, exc)
    return redirect("handoff:routing")
