"""Pages of opportunities: the list (and its exports), a new opportunity at an account,
an opportunity's record page with its stage form and timeline, and its edits (the whole
form, or one property in place). The pipeline board and forecast: ``board_views``."""

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format

from tandem.core import saved_views
from tandem.core.errors import DomainError
from tandem.core.exports import export_response
from tandem.core.forms import form_error
from tandem.core.htmx import render_page_or_partial
from tandem.core.money import format_money
from tandem.core.pagination import paginate
from tandem.core.panels import panels_for
from tandem.core.permissions import ORGANISATION, Action, can, require
from tandem.crm import services
from tandem.crm.forms import OpportunityEditForm, OpportunityForm, StageForm
from tandem.crm.models import Account, Opportunity
from tandem.crm.probability import STAGE_PROBABILITY
from tandem.crm.views import mine_only, sorted_by, timeline_context
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


def properties_of(record: Opportunity) -> list[dict[str, Any]]:
    """The side column's rows: (field, label, value shown, whether edited in place)."""
    percent = STAGE_PROBABILITY[record.stage]
    weighted = (record.amount * percent / 100).quantize(Decimal("0.01"))
    rows = [
        ("name", "Name", record.name, True),
        ("amount", "Amount", format_money(record.amount, record.currency), True),
        ("currency", "Currency", record.currency, True),
        (
            "close_date",
            "Close date",
            date_format(record.close_date) if record.close_date else "",
            True,
        ),
        ("stage", "Stage", f"{record.get_stage_display()} ({percent}%)", False),
        ("weighted", "Weighted amount", format_money(weighted, record.currency), False),
        ("owner", "Owner", str(record.owner) if record.owner_id else "", True),
        ("team", "Team", str(record.team) if record.team_id else "", False),
    ]
    if record.outcome_reason:
        rows.append(
            ("reason", f"{record.get_stage_display()} because", record.outcome_reason, False)
        )
    return [
        {"field": f, "label": label, "shown": shown, "editable": e} for f, label, shown, e in rows
    ]


def _shown(request: HttpRequest, pk: int) -> Opportunity:
    return get_object_or_404(
        Opportunity.objects.visible_to(request.user).select_related(
            "account", "owner", "team", "contact"
        ),
        pk=pk,
    )


@login_required
def opportunity(request: HttpRequest, pk: int) -> HttpResponse:
    """The record page: properties (edited in place), the stage, the timeline of
    activities, changes and comments, and the account, contact and other deals beside."""
    shown = _shown(request, pk)
    context = timeline_context(request, opportunity_id=shown.pk)
    context.update({"record": shown, "label": "crm.opportunity"})
    if request.htmx and request.method == "GET":  # type: ignore[attr-defined]
        return render_page_or_partial(
            request, "crm/opportunity.html", "crm/_timeline.html", context
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
    context.update(
        {
            "form": form,
            "can_change": can_change,
            "can_comment": can(request.user, Action.COMMENT, shown),
            "panels": panels_for("crm.opportunity", request, shown),
            "properties": properties_of(shown),
            "siblings": shown.account.opportunities.exclude(pk=shown.pk).order_by(
                "-created_at", "-id"
            )[:5],
        }
    )
    return render(request, "crm/opportunity.html", context, status=422 if form.errors else 200)


# Properties edited in place, and the form fields each one shows.
INLINE = {
    "name": ("name",),
    "amount": ("amount",),
    "currency": ("currency",),
    "close_date": ("close_date",),
    "owner": ("owner",),
}


@login_required
def edit_opportunity(request: HttpRequest, pk: int) -> HttpResponse:
    """One URL for the edit page and the side column's in-place edits. ``?field=amount``
    edits one property: for htmx the side column comes back with that property's form
    (GET) or saved (POST); without JS, a page with that one field. Without ``field``, a
    page with every property (an htmx GET: the side column as it was: "Cancel")."""
    shown = _shown(request, pk)
    require(request.user, Action.CHANGE, shown)
    field = request.GET.get("field", "")
    only = INLINE.get(field, ())
    initial = {
        "name": shown.name,
        "amount": shown.amount,
        "currency": shown.currency,
        "close_date": shown.close_date,
        "stage": shown.stage,
        "reason": shown.outcome_reason,
        "owner": shown.owner_id,
    }
    form = OpportunityEditForm(request.POST or None, initial=initial, only=only)
    saved = False
    if request.method == "POST" and form.is_valid():
        try:
            services.update_opportunity(
                actor=signed_in(request), opportunity=shown, **form.cleaned_data
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            if not request.htmx:  # type: ignore[attr-defined]
                messages.success(request, f"{shown.name} saved.")
                return redirect("crm:opportunity", pk=shown.pk)
            shown, only, saved = _shown(request, pk), (), True
    context = {
        "record": shown,
        "form": form,
        "title": f"Edit {shown.name}",
        "properties": properties_of(shown),
        "editing": field if only and not saved else "",
        "can_change": True,
        "saved": saved,
    }
    response = render_page_or_partial(
        request,
        "crm/form.html",
        "crm/_opportunity_properties.html",
        context,
        status=422 if form.errors else 200,
    )
    if saved:  # the page's timeline fetches itself again (the edit is on it now)
        response["HX-Trigger"] = "opportunity-changed"
    return response
