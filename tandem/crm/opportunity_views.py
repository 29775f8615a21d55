"""Pages of opportunities: the list (and its exports), a new opportunity at an account,
and an opportunity with its stage form."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render

from tandem.core import saved_views
from tandem.core.errors import DomainError
from tandem.core.exports import export_response
from tandem.core.forms import form_error
from tandem.core.htmx import render_page_or_partial
from tandem.core.pagination import paginate
from tandem.core.panels import panels_for
from tandem.core.permissions import ORGANISATION, Action, can, require
from tandem.crm import services
from tandem.crm.forms import (
    OpportunityForm,
    StageForm,
)
from tandem.crm.models import Account, Opportunity
from tandem.crm.views import mine_only, sorted_by
from tandem.notifications.views import thread_context
from tandem.people import grants
from tandem.people.auth import signed_in

OPPORTUNITY_SORTS = {
    "close": ("close_date", "id"),
    "-amount": ("-amount", "id"),
    "-created": ("-created_at", "-id"),
}


def _filtered_opportunities(request: HttpRequest) -> Any:
    require(request.user, Action.CREATE_RECORD, ORGANISATION)
    found = Opportunity.objects.visible_to(request.user)
    stage = request.GET.get("stage", "")
    if stage == "open":
        found = found.open()
    elif stage in Opportunity.Stage.values:
        found = found.filter(stage=stage)
    found = mine_only(found, request).select_related("account", "owner")
    return sorted_by(found, request, OPPORTUNITY_SORTS)


@login_required
def export_opportunities(request: HttpRequest, fmt: str) -> HttpResponseBase:
    grants.require_office(request.user, Action.EXPORT_LIST)
    rows = (
        (
            o.name,
            o.account.name,
            o.get_stage_display(),
            o.amount,
            o.currency,
            o.close_date.isoformat() if o.close_date else "",
            o.outcome_reason,
            o.owner.email if o.owner_id else "",
        )
        for o in _filtered_opportunities(request).iterator(chunk_size=2000)
    )
    headers = ["name", "account", "stage", "amount", "currency", "close_date", "reason", "owner"]
    return export_response(name="opportunities", fmt=fmt, headers=headers, rows=rows)


@login_required
def opportunities(request: HttpRequest) -> HttpResponse:
    stage = request.GET.get("stage", "")
    page = paginate(request, _filtered_opportunities(request))
    return render_page_or_partial(
        request,
        "crm/opportunities.html",
        "crm/_opportunity_rows.html",
        {
            "page": page,
            "stage": stage,
            "stages": Opportunity.Stage.choices,
            "may_export": grants.may_export_lists(request.user),
            **saved_views.context_for(request, "crm.opportunities"),
        },
    )


@login_required
def new_opportunity(request: HttpRequest, account_pk: int) -> HttpResponse:
    require(request.user, Action.CREATE_RECORD, ORGANISATION)
    linked = get_object_or_404(Account.objects.visible_to(request.user), pk=account_pk)
    form = OpportunityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_opportunity(
                actor=signed_in(request), account=linked, **form.cleaned_data
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"Opportunity {created} created.")
            return redirect("crm:opportunity", pk=created.pk)
    return render(request, "crm/form.html", {"form": form, "title": f"New opportunity at {linked}"})


@login_required
def opportunity(request: HttpRequest, pk: int) -> HttpResponse:
    shown = get_object_or_404(
        Opportunity.objects.visible_to(request.user).select_related("account", "owner", "contact"),
        pk=pk,
    )
    can_change = can(request.user, Action.CHANGE, shown)
    form = StageForm(request.POST or None, initial={"stage": shown.stage})
    if request.method == "POST":
        require(request.user, Action.CHANGE, shown)
        if form.is_valid():
            try:
                services.move_opportunity(
                    actor=signed_in(request),
                    opportunity=shown,
                    stage=form.cleaned_data["stage"],
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as exc:
                form_error(form, exc)
            else:
                messages.success(request, "Stage saved.")
                return redirect("crm:opportunity", pk=shown.pk)
    context = {
        "record": shown,
        "label": "crm.opportunity",
        "form": form,
        "can_change": can_change,
        "panels": panels_for("crm.opportunity", request, shown),
        **thread_context(request, shown),
    }
    return render(request, "crm/opportunity.html", context, status=422 if form.errors else 200)
