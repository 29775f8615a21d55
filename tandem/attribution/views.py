"""The attribution report: every model side by side for a scope, read from the cache
(computed by the worker), with a chart, CSV export and the heads' choice of model."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from tandem.approvals.contracts import contract_sides
from tandem.approvals.reads import with_cards
from tandem.attribution import panels, reports, services
from tandem.attribution.forms import ChoiceForm, ScopeForm
from tandem.attribution.journeys import Scope
from tandem.attribution.models import MODELS, AttributionChoice, current_choice
from tandem.campaigns.models import Campaign
from tandem.core.errors import DomainError
from tandem.core.exports import export_response
from tandem.core.forms import form_error
from tandem.core.htmx import render_page_or_partial
from tandem.core.permissions import require_staff
from tandem.people.auth import signed_in


def _scope_form(data: Any) -> ScopeForm:
    """The filters; dates are the signed-in person's days (the middleware activated
    their time zone). Filters left empty show the values the report uses."""
    today, lookback = timezone.localdate(), current_choice()[1]
    filled = data.copy()
    defaults = {"end": today.isoformat(), "lookback_days": str(lookback), "currency": "GBP"}
    if not filled.get("end") and not filled.get("start"):
        defaults["start"] = (today - timedelta(days=89)).isoformat()
    for key, value in defaults.items():
        if not filled.get(key):
            filled[key] = value
    return ScopeForm(filled, today=today, lookback_days=lookback)


def _time_zone() -> str:
    return timezone.get_current_timezone_name()


def _query(scope: Scope) -> str:
    """The filters as a query string (the time zone is the viewer's own)."""
    return urlencode({k: v for k, v in scope.as_dict().items() if k != "time_zone"})


@login_required
def report(request: HttpRequest) -> HttpResponse:
    require_staff(request.user)
    form = _scope_form(request.GET)
    context: dict[str, Any] = {"form": form, "choice": current_choice()[0], "models": MODELS}
    if form.is_valid():
        scope = form.scope(_time_zone())
        cached = reports.report_for(scope, user=signed_in(request))
        context.update(
            report=cached,
            scope=scope,
            computing=reports.is_computing(cached),
            table=reports.table(cached) if cached.computed_at else None,
            chart=reports.chart(cached, context["choice"]) if cached.computed_at else None,
            query=_query(scope),
        )
    context["proposals"] = with_cards(
        AttributionChoice.objects.waiting().select_related("proposed_by"), request.user
    )
    context["in_force"] = AttributionChoice.objects.in_force()
    context["is_head"] = bool(contract_sides(request.user))
    return render_page_or_partial(
        request, "attribution/report.html", "attribution/_results.html", context
    )


@login_required
@require_POST
def refresh(request: HttpRequest) -> HttpResponse:
    require_staff(request.user)
    form = _scope_form(request.POST)
    if not form.is_valid():
        messages.error(request, "Those filters are not valid; nothing was refreshed.")
        return redirect("attribution:report")
    scope = form.scope(_time_zone())
    services.refresh_report(actor=signed_in(request), scope=scope)
    messages.success(request, "Recomputing every model for this report in the background.")
    return redirect(f"{reverse('attribution:report')}?{_query(scope)}")


@login_required
def export(request: HttpRequest) -> HttpResponseBase:
    require_staff(request.user)
    form = _scope_form(request.GET)
    if not form.is_valid():
        raise Http404("Those filters are not valid.")
    cached = reports.report_for(form.scope(_time_zone()), user=signed_in(request))
    if cached.computed_at is None:
        messages.info(request, "The report is still being computed; export it when it shows.")
        return redirect(f"{reverse('attribution:report')}?{request.GET.urlencode()}")
    return export_response(
        name="attribution",
        fmt="csv",
        headers=["model", "channel_or_campaign", "conversions", "value"],
        rows=(row[:4] for row in cached.rows),
    )


@login_required
def propose(request: HttpRequest) -> HttpResponse:
    require_staff(request.user)
    current = current_choice()
    form = ChoiceForm(
        request.POST or None, initial={"model": current[0], "lookback_days": current[1]}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.propose_attribution_model(
                actor=signed_in(request),
                model=form.cleaned_data["model"],
                lookback_days=form.cleaned_data["lookback_days"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request, "Proposed. It takes effect when the other side's head approves."
            )
            return redirect("attribution:report")
    return render(request, "attribution/propose.html", {"form": form, "models": MODELS})


@login_required
@require_POST
def campaign_return(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue the reports a campaign's return is read from (the campaign page only reads
    what is stored: a GET never starts a job); answers with the panel (htmx) or goes
    back to the campaign page."""
    require_staff(request.user)
    campaign = get_object_or_404(Campaign.objects.visible_to(request.user), pk=pk)
    context = panels.return_context(request, campaign, queue=True)
    if request.htmx:  # type: ignore[attr-defined]
        return render(
            request, "attribution/_campaign_return.html", {"panel": context, "record": campaign}
        )
    return redirect("campaigns:campaign", pk=campaign.pk)
