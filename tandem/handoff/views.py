"""Pages of the hand-off: a rep's queue, a head's board, a lead with its score and clocks,
the SLA report and the joint contract. Thin: parse, call a service, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import models
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tandem.attribution.models import AttributionChoice
from tandem.core.errors import DomainError
from tandem.core.forms import form_error
from tandem.core.ids import parse_id
from tandem.core.pagination import paginate
from tandem.core.permissions import Action, can, require_staff
from tandem.handoff import configuration, contracts, lifecycle, reports, scoring
from tandem.handoff.forms import (
    BusinessHoursForm,
    CapacityForm,
    FollowUpForm,
    HolidayForm,
    ReassignForm,
    RejectForm,
    RoutingRuleForm,
    RuleFormSet,
    ScoringModelForm,
    SlaPolicyForm,
    StageForm,
)
from tandem.handoff.models import (
    OPEN_STAGES,
    BusinessHours,
    Holiday,
    JointProposal,
    Lead,
    RejectionReason,
    RoutingRule,
    ScoringModel,
    SlaPolicy,
    Stage,
)
from tandem.handoff.routing import reassign as reassign_lead
from tandem.people.auth import signed_in
from tandem.people.models import Team, User

BOARD_STAGES = (Stage.MQL, Stage.ACCEPTED, Stage.SQL, Stage.RECYCLED)


def _lead(request: HttpRequest, pk: int) -> Lead:
    require_staff(request.user)
    return get_object_or_404(
        Lead.objects.visible_to(request.user).select_related(
            "contact__account", "rep", "team", "source_campaign", "rejection_reason"
        ),
        pk=pk,
    )


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """My leads: the rep's open leads, most urgent clock first, and any lead of the rep's
    teams that no rep could take (first to accept gets it)."""
    require_staff(request.user)
    mine = list(Lead.objects.queue_of(request.user)[:200])
    waiting = list(
        Lead.objects.filter(
            stage=Stage.MQL, rep__isnull=True, team_id__in=list(signed_in(request).team_roles())
        )
        .prefetch_related("contact__account")  # see LeadQuerySet.queue_of
        .order_by("accept_due_at", "-score")[:50]
    )
    return render(
        request,
        "handoff/queue.html",
        {"leads": mine, "waiting": waiting, "now": timezone.now()},
    )


@login_required
def board(request: HttpRequest) -> HttpResponse:
    """The heads' view of the funnel: a column per stage with counts and the most urgent
    leads, for the teams they head (everyone's when they head none)."""
    require_staff(request.user)
    leads = Lead.objects.visible_to(request.user)
    headed = signed_in(request).headed_team_ids()
    if headed and request.GET.get("all") != "1":
        leads = leads.filter(team_id__in=headed)
    counts = dict(
        leads.filter(stage__in=BOARD_STAGES)
        .values("stage")
        .annotate(n=Count("pk"))
        .values_list("stage", "n")
    )
    columns = []
    for stage in BOARD_STAGES:
        top = (
            leads.filter(stage=stage)
            .select_related("contact", "rep", "rejection_reason")
            .order_by("accept_due_at" if stage in OPEN_STAGES else "-stage_changed_at", "-score")[
                :20
            ]
        )
        columns.append(
            {
                "stage": stage,
                "label": Stage(stage).label,
                "count": counts.get(stage, 0),
                "leads": top,
            }
        )
    return render(
        request,
        "handoff/board.html",
        {"columns": columns, "now": timezone.now(), "headed": headed},
    )


@login_required
def lead(request: HttpRequest, pk: int) -> HttpResponse:
    found = _lead(request, pk)
    return _lead_page(request, found)


def _lead_page(request: HttpRequest, found: Lead, status: int = 200, **forms: Any) -> HttpResponse:
    user = request.user
    can_work = lifecycle.may_work(user, found) and found.stage in OPEN_STAGES
    context = {
        "lead": found,
        "contact": found.contact,
        "reasons": scoring.reasons_for(found),
        "events": found.events.select_related("actor", "reason", "rep")[:50],
        "breaches": found.breaches.order_by("-due_at")[:20],
        "now": timezone.now(),
        "can_work": can_work,
        "can_assign": can(user, Action.ASSIGN, found) and found.stage in OPEN_STAGES,
        "reject_form": forms.get("reject_form") or RejectForm(),
        "follow_up_form": forms.get("follow_up_form") or FollowUpForm(),
        "reassign_form": forms.get("reassign_form") or ReassignForm(team_id=found.team_id),
        "stage_form": forms.get("stage_form") or StageForm(),
    }
    return render(request, "handoff/lead.html", context, status=status)


def _done(request: HttpRequest, found: Lead, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("handoff:lead", pk=found.pk)


@login_required
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    found = _lead(request, pk)
    try:
        lifecycle.accept(actor=signed_in(request), lead=found)
    except DomainError as exc:
        if exc.status == 403:
            raise
        messages.error(request, exc.message)
        return redirect("handoff:lead", pk=found.pk)
    return _done(request, found, "Accepted. The follow-up clock is running.")


def _submit(
    request: HttpRequest,
    found: Lead,
    key: str,
    form: Any,
    action: Callable[[dict[str, Any]], Any],
    message: Callable[[dict[str, Any]], str],
) -> HttpResponse:
    """A lead page form: run the service, or show the page again with the errors."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            return _done(request, found, message(form.cleaned_data))
    return _lead_page(request, found, 422, **{key: form})


@login_required
@require_POST
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    found, actor = _lead(request, pk), signed_in(request)
    return _submit(
        request,
        found,
        "reject_form",
        RejectForm(request.POST),
        lambda data: lifecycle.reject(actor=actor, lead=found, **data),
        lambda data: "Rejected and sent back to nurture; marketing sees why.",
    )


@login_required
@require_POST
def follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    found, actor = _lead(request, pk), signed_in(request)
    return _submit(
        request,
        found,
        "follow_up_form",
        FollowUpForm(request.POST),
        lambda data: lifecycle.record_follow_up(actor=actor, lead=found, **data),
        lambda data: "Follow-up logged on the contact's timeline.",
    )


@login_required
@require_POST
def reassign(request: HttpRequest, pk: int) -> HttpResponse:
    found, actor = _lead(request, pk), signed_in(request)
    return _submit(
        request,
        found,
        "reassign_form",
        ReassignForm(request.POST, team_id=found.team_id),
        lambda data: reassign_lead(actor=actor, lead=found, rep=data["rep"]),
        lambda data: f"Reassigned to {data['rep']}.",
    )


@login_required
@require_POST
def move_stage(request: HttpRequest, pk: int) -> HttpResponse:
    found, actor = _lead(request, pk), signed_in(request)
    return _submit(
        request,
        found,
        "stage_form",
        StageForm(request.POST),
        lambda data: lifecycle.move_stage(actor=actor, lead=found, **data),
        lambda data: f"Moved to {Stage(data['stage']).label}.",
    )


# --- SLA report and the joint contract ----------------------------------------------------
@login_required
def sla_report(request: HttpRequest) -> HttpResponse:
    require_staff(request.user)
    report = reports.sla_report(request.GET.get("month", ""))
    chart = {
        "labels": ["MQLs delivered", "MQLs promised"],
        "values": [report.mqls, report.policy.mqls_per_month if report.policy else 0],
    }
    return render(
        request,
        "handoff/sla_report.html",
        {"report": report, "chart": chart},
    )


def _proposals(proposals: Any) -> dict[str, Any]:
    waiting = proposals.waiting().select_related(
        "proposed_by", "marketing_approved_by", "sales_approved_by"
    )
    return {"in_force": proposals.in_force(), "waiting": list(waiting[:10])}


@login_required
def contract(request: HttpRequest) -> HttpResponse:
    """The joint contract: the SLA and the scoring model in force, and changes waiting
    for the other head's approval."""
    require_staff(request.user)
    return render(
        request,
        "handoff/contract.html",
        {
            "sla": _proposals(SlaPolicy.objects.prefetch_related("tiers")),
            "score": _proposals(ScoringModel.objects.prefetch_related("rules")),
            "sides": contracts.head_sides(request.user),
            "reasons": RejectionReason.objects.all(),
        },
    )


@login_required
@require_POST
def decide(request: HttpRequest, kind: str, pk: int, decision: str) -> HttpResponse:
    require_staff(request.user)
    model = {"sla": SlaPolicy, "scoring": ScoringModel, "attribution": AttributionChoice}.get(kind)
    if model is None or decision not in ("approve", "withdraw"):
        raise Http404
    proposal = get_object_or_404(model.objects.all(), pk=pk)
    action = contracts.approve if decision == "approve" else contracts.withdraw
    try:
        result = action(actor=signed_in(request), proposal=proposal)
    except DomainError as exc:
        if exc.status == 403:
            raise
        messages.error(request, exc.message)
    else:
        if result.status == JointProposal.Status.ACTIVE:
            messages.success(request, "Approved by both sides: the change is now in force.")
        elif decision == "approve":
            messages.success(request, "Approved. It takes effect when the other side approves.")
        else:
            messages.success(request, "Withdrawn.")
    return redirect("attribution:report" if kind == "attribution" else "handoff:contract")


@login_required
def propose_sla(request: HttpRequest) -> HttpResponse:
    require_staff(request.user)
    current = SlaPolicy.objects.in_force()
    initial: dict[str, Any] = {}
    if current is not None:
        initial = {
            "mqls_per_month": current.mqls_per_month,
            "min_acceptance_rate": current.min_acceptance_rate,
        }
        for t in current.tiers.all():
            initial |= {
                f"{t.tier}_min_score": t.min_score,
                f"{t.tier}_accept": t.accept_within_hours,
                f"{t.tier}_follow_up": t.follow_up_within_hours,
            }
    form = SlaPolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contracts.propose_sla_policy(
                actor=signed_in(request),
                mqls_per_month=data["mqls_per_month"],
                min_acceptance_rate=data["min_acceptance_rate"],
                tiers=form.tiers(),
                note=data["note"],
            )
        except DomainError as exc:
            _tier_error(form, exc)
        else:
            messages.success(request, "Proposed. It takes effect when the other side approves.")
            return redirect("handoff:contract")
    status = 422 if form.errors else 200
    return render(
        request, "handoff/propose.html", {"form": form, "title": "Propose an SLA"}, status=status
    )


def _tier_error(form: Any, exc: DomainError) -> None:
    """``tiers[0].min_score`` -> the form's ``high_min_score`` field."""
    field = exc.field or ""
    if field.startswith("tiers[") and "]." in field:
        index, name = field[6:].split("].", 1)
        tier = ("high", "medium", "low")[int(index)] if index.isdigit() and int(index) < 3 else ""
        short = {"accept_within_hours": "accept", "follow_up_within_hours": "follow_up"}
        exc.field = f"{tier}_{short.get(name, name)}"
    form_error(form, exc)


@login_required
def propose_scoring(request: HttpRequest) -> HttpResponse:
    require_staff(request.user)
    current = ScoringModel.objects.in_force()
    initial = (
        {"threshold": current.threshold, "half_life_days": current.half_life_days}
        if current
        else {"threshold": 50, "half_life_days": 30}
    )
    rules_initial = (
        list(current.rules.values("kind", "field", "operator", "value", "points"))
        if current
        else []
    )
    form = ScoringModelForm(request.POST or None, initial=initial)
    rules = RuleFormSet(request.POST or None, initial=rules_initial, prefix="rules")
    if request.method == "POST" and form.is_valid() and rules.is_valid():
        given = [r for r in rules.cleaned_data if r and r.get("kind")]
        try:
            contracts.propose_scoring_model(
                actor=signed_in(request),
                threshold=form.cleaned_data["threshold"],
                half_life_days=form.cleaned_data["half_life_days"],
                rules=given,
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            field = exc.field or ""
            if field.startswith("rules[") and "]." in field:
                index, name = field[6:].split("].", 1)
                kept = [i for i, r in enumerate(rules.cleaned_data) if r and r.get("kind")]
                target = rules.forms[kept[int(index)]] if index.isdigit() else None
                if target is not None:
                    exc.field = name
                    form_error(target, exc)
            else:
                form_error(form, exc)
        else:
            messages.success(request, "Proposed. It takes effect when the other side approves.")
            return redirect("handoff:contract")
    status = 422 if (form.errors or any(f.errors for f in rules.forms)) else 200
    return render(
        request,
        "handoff/propose_scoring.html",
        {"form": form, "rules": rules, "title": "Propose scoring rules"},
        status=status,
    )


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
            if exc.status == 403:
                raise
            messages.error(request, exc.message)
        else:
            messages.success(request, "Saved.")
        return redirect("handoff:reasons")
    page = paginate(request, RejectionReason.objects.all())
    return render(request, "handoff/reasons.html", {"page": page})


# --- Routing, capacity and business hours ------------------------------------------------
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
            configuration.set_capacity(actor=signed_in(request), rep=rep, **form.cleaned_data)
        except DomainError as exc:
            if exc.status == 403:
                raise
            messages.error(request, exc.message)
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
        if exc.status == 403:
            raise
        messages.error(request, exc.message)
    return redirect("handoff:routing")
