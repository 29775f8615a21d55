"""The joint scorecard (shared, marketing's and sales' views) with its targets, and the
shared incentive: the formula in force, its statement, and proposals of a new one."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from tandem.approvals.contracts import contract_sides
from tandem.approvals.reads import with_cards
from tandem.core.errors import DomainError
from tandem.core.forms import form_error
from tandem.core.permissions import Action, can, require
from tandem.people.auth import signed_in
from tandem.planning import incentive
from tandem.planning.kpis import CATALOGUE
from tandem.planning.models import IncentivePlan, KpiTarget
from tandem.planning.reads import period_links
from tandem.planning.scorecard import SIDES, scorecard, set_kpi_targets
from tandem.planning.views import _period

VIEWS = (("shared", "Shared"), ("marketing", "Marketing"), ("sales", "Sales"), ("all", "All"))


@login_required
def scorecard_page(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period(request, pk)
    view = request.GET.get("view", "shared")
    view = view if view in (*SIDES, "all") else "shared"
    side = "" if view in ("all", "shared") else view
    scores = scorecard(period, side=side)
    if view == "shared":
        scores = [s for s in scores if s.kpi.side == "shared"]
    return render(
        request,
        "planning/scorecard.html",
        {
            "period": period,
            "period_links": period_links(period),
            "scores": [{"score": s, "chart": s.chart(), "id": f"kpi-{s.kpi.key}"} for s in scores],
            "view": view,
            "views": VIEWS,
            "may_set": can(request.user, Action.CHANGE, KpiTarget(period=period)),
        },
    )


class KpiTargetsForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, kpi in CATALOGUE.items():
            unit = {"money": "a year's total", "percent": "%", "days": "days"}[kpi.unit]
            self.fields[key] = forms.DecimalField(
                label=kpi.label, required=False, min_value=0, help_text=f"{kpi.explain} ({unit})"
            )


@login_required
def kpi_targets(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period(request, pk)
    require(request.user, Action.CHANGE, KpiTarget(period=period))
    current = dict(KpiTarget.objects.filter(period=period).values_list("key", "value"))
    form = KpiTargetsForm(request.POST or None, initial=current)
    if request.method == "POST" and form.is_valid():
        changed = {
            key: value
            for key, value in form.cleaned_data.items()
            if value is not None and value != current.get(key)
        }
        try:
            if changed:
                set_kpi_targets(actor=signed_in(request), period=period, values=changed)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "The scorecard's targets are set.")
            return redirect("planning:scorecard", period.pk)
    return render(
        request,
        "planning/kpi_targets.html",
        {"period": period, "form": form},
        status=422 if form.errors else 200,
    )


@login_required
def incentive_page(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period(request, pk)
    plans = IncentivePlan.objects.filter(period=period).prefetch_related("measures")
    in_force = plans.in_force()
    return render(
        request,
        "planning/incentive.html",
        {
            "period": period,
            "period_links": period_links(period),
            "plan": in_force,
            "statement": incentive.statement(in_force) if in_force else None,
            "waiting": with_cards(plans.waiting().select_related("proposed_by")[:5], request.user),
            "may_propose": bool(contract_sides(request.user)) and period.is_open,
            "catalogue": CATALOGUE,
        },
    )


class IncentiveForm(forms.Form):
    pool = forms.DecimalField(min_value=0, decimal_places=2, max_digits=14)
    note = forms.CharField(label="Why", required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, kpi in CATALOGUE.items():
            if kpi.side != "shared":
                continue
            self.fields[f"{key}_weight"] = forms.DecimalField(
                label=f"{kpi.label}: weight (%)", required=False, min_value=0, max_value=100
            )
            self.fields[f"{key}_threshold"] = forms.DecimalField(
                label=f"{kpi.label}: pays from (% of target)", required=False, initial=80
            )
            self.fields[f"{key}_cap"] = forms.DecimalField(
                label=f"{kpi.label}: pays up to (% of target)", required=False, initial=120
            )

    def measures(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        return [
            {
                "key": key,
                "weight": data[f"{key}_weight"],
                "threshold": data.get(f"{key}_threshold") or 0,
                "cap": data.get(f"{key}_cap") or 100,
            }
            for key, kpi in CATALOGUE.items()
            if kpi.side == "shared" and data.get(f"{key}_weight")
        ]


@login_required
def propose_incentive(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period(request, pk)
    require(request.user, Action.APPROVE, IncentivePlan(period=period))
    form = IncentiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            incentive.propose_incentive(
                actor=signed_in(request),
                period=period,
                pool=form.cleaned_data["pool"],
                measures=form.measures(),
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request, "Proposed. It is in force once a head of the other team approves it."
            )
            return redirect("planning:incentive", period.pk)
    return render(
        request,
        "planning/propose_incentive.html",
        {"period": period, "form": form},
        status=422 if form.errors else 200,
    )
