"""The plan's pages: the fiscal years, one year's plan (target, figures, reverse funnel,
plan against actual) and the forms that change it. Deciding a head's target happens on
the Decisions page, as every joint decision."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from tandem.core.errors import DomainError
from tandem.core.forms import form_error, report_error
from tandem.core.permissions import Action, can, require, require_staff
from tandem.people.auth import signed_in
from tandem.planning import assumptions, services
from tandem.planning.forms import AssumptionForm, OpenPeriodForm, TargetForm
from tandem.planning.funnel import ASSUMPTIONS
from tandem.planning.models import Assumption, PlanPeriod, RevenueTarget
from tandem.planning.reads import plan_context


def _period(request: HttpRequest, pk: int) -> PlanPeriod:
    require_staff(request.user)
    return get_object_or_404(PlanPeriod.objects.visible_to(request.user), pk=pk)


@login_required
def periods(request: HttpRequest) -> HttpResponse:
    """Every fiscal year; the executive opens the next one here."""
    require_staff(request.user)
    may_open = can(request.user, Action.CHANGE, PlanPeriod())
    form = OpenPeriodForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            period = services.open_period(actor=signed_in(request), year=form.cleaned_data["year"])
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"{period} is open. Set its revenue target next.")
            return redirect("planning:target", period.pk)
    listed = PlanPeriod.objects.visible_to(request.user)
    current = listed.containing(timezone.localdate())
    if current and request.method == "GET" and "all" not in request.GET:
        return redirect("planning:plan", current.pk)
    return render(
        request,
        "planning/periods.html",
        {"periods": listed, "form": form, "may_open": may_open},
        status=422 if form.errors else 200,
    )


@login_required
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period(request, pk)
    return render(request, "planning/plan.html", plan_context(period, request.user))


@login_required
def target(request: HttpRequest, pk: int) -> HttpResponse:
    """Set (the executive) or propose (a head) the period's revenue target."""
    period = _period(request, pk)
    require(request.user, Action.APPROVE, RevenueTarget(period=period))
    current = RevenueTarget.objects.filter(period=period).prefetch_related("amounts").in_force()
    initial = {}
    if current:
        initial = {f"q{q}": amount for q, amount in current.quarter_totals().items()}
        initial["dimension"] = current.dimension
        parts: dict[str, list[str]] = {}
        for a in current.amounts.all():
            if a.key:
                parts.setdefault(a.key, ["0"] * 4)[a.quarter - 1] = f"{a.amount:f}"
        initial["split"] = "\n".join(f"{k}: {', '.join(v)}" for k, v in parts.items())
    form = TargetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = services.propose_target(
                actor=signed_in(request),
                period=period,
                quarters=form.quarters(),
                dimension=data["dimension"] or "",
                split=data["split"] or None,
                note=data["note"],
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            if made.status == RevenueTarget.Status.ACTIVE:
                messages.success(request, "The target is set. The plan below is built from it.")
            else:
                messages.success(
                    request, "Proposed. The executive is asked to approve it on the Decisions page."
                )
            return redirect("planning:plan", period.pk)
    return render(
        request,
        "planning/target.html",
        {"period": period, "form": form, "current": current},
        status=422 if form.errors else 200,
    )


@login_required
def figure(request: HttpRequest, pk: int) -> HttpResponse:
    """Override a figure of the funnel (with the reason) or change its default."""
    period = _period(request, pk)
    require(request.user, Action.CHANGE, Assumption(period=period))
    key = request.GET.get("key", "")
    form = AssumptionForm(
        request.POST or None,
        initial={"key": key if key in ASSUMPTIONS else "", "applies": "override"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assumptions.set_assumption(actor=signed_in(request), period=period, **data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"{ASSUMPTIONS[data['key']].label} set; the plan is rebuilt.")
            return redirect(reverse("planning:plan", args=[period.pk]) + "#figures")
    return render(
        request,
        "planning/figure.html",
        {"period": period, "form": form},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def clear_figure(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period(request, pk)
    try:
        assumptions.clear_assumption(
            actor=signed_in(request),
            period=period,
            key=request.POST.get("key", ""),
            applies=request.POST.get("applies", ""),
        )
    except DomainError as exc:
        report_error(request, exc)
    else:
        messages.success(request, "Back to the measured figure.")
    return redirect(reverse("planning:plan", args=[period.pk]) + "#figures")


@login_required
@require_POST
def propose_sla(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period(request, pk)
    try:
        policy = assumptions.propose_sla_from_plan(actor=signed_in(request), period=period)
    except DomainError as exc:
        report_error(request, exc)
        return redirect("planning:plan", period.pk)
    messages.success(
        request,
        f"Proposed: {policy.mqls_per_month:,} MQLs a month. It takes effect once a head of "
        "marketing and a head of sales approve it.",
    )
    return redirect("handoff:contract")


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period(request, pk)
    try:
        services.close_period(actor=signed_in(request), period=period)
    except DomainError as exc:
        report_error(request, exc)
    else:
        messages.success(request, f"{period} is closed.")
    return redirect("planning:plan", period.pk)
