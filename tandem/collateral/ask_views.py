"""Collateral requests: anyone asks (the list page holds the form), marketing triages on
the request's page and links the asset that answers it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tandem.collateral import asks
from tandem.collateral.forms import AskForm, DeliverForm, TriageForm
from tandem.collateral.models import Asset, CollateralRequest
from tandem.core.errors import DomainError
from tandem.core.forms import form_error
from tandem.core.htmx import render_page_or_partial
from tandem.core.ids import parse_id
from tandem.core.pagination import paginate
from tandem.core.permissions import Action, can, require_staff
from tandem.people.auth import signed_in

SHOWN = {"open": ("open", "accepted"), "closed": ("declined", "duplicate", "delivered")}


@login_required
def requests_page(request: HttpRequest) -> HttpResponse:
    require_staff(request.user)
    variant = _variant(request, request.GET.get("variant_of") or request.POST.get("variant_of"))
    form = AskForm(
        request.POST or None,
        initial={
            "variant_of": variant.pk if variant else "",
            "title": f"A variant of {variant.title}" if variant else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["variant_of"] = variant
        try:
            found = asks.ask(actor=signed_in(request), **data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request, "Asked. Marketing is told, and you will hear what they decide."
            )
            return redirect("collateral:request", found.pk)
    shown = request.GET.get("show", "open")
    listed = CollateralRequest.objects.visible_to(request.user).select_related(
        "requested_by", "campaign", "asset"
    )
    if shown == "mine":
        listed = listed.filter(requested_by=request.user)
    else:
        listed = listed.filter(status__in=SHOWN.get(shown, SHOWN["open"]))
    return render_page_or_partial(
        request,
        "collateral/requests.html",
        "collateral/_request_rows.html",
        {
            "page": paginate(request, listed),
            "form": form,
            "shown": shown,
            "variant": variant,
            "views": (("open", "Open"), ("mine", "Mine"), ("closed", "Closed")),
        },
        status=422 if form.errors else 200,
    )


def _variant(request: HttpRequest, raw: str | None) -> Asset | None:
    pk = parse_id(raw) if raw else None
    if pk is None:
        return None
    return Asset.objects.visible_to(request.user).filter(pk=pk).first()


def _request(request: HttpRequest, pk: int) -> CollateralRequest:
    require_staff(request.user)
    return get_object_or_404(
        CollateralRequest.objects.visible_to(request.user).select_related(
            "requested_by", "campaign", "asset", "duplicate_of", "triaged_by", "variant_of"
        ),
        pk=pk,
    )


@login_required
def request_page(request: HttpRequest, pk: int) -> HttpResponse:
    found = _request(request, pk)
    return _render(request, found, TriageForm(), DeliverForm())


def _render(
    request: HttpRequest, found: CollateralRequest, triage: TriageForm, deliver: DeliverForm
) -> HttpResponse:
    may_triage = can(request.user, Action.CHANGE, found) and found.status in ("open", "accepted")
    return render(
        request,
        "collateral/request.html",
        {
            "record": found,
            "may_triage": may_triage,
            "triage_form": triage,
            "deliver_form": deliver,
        },
        status=422 if triage.errors or deliver.errors else 200,
    )


@login_required
@require_POST
def triage(request: HttpRequest, pk: int) -> HttpResponse:
    found = _request(request, pk)
    form = TriageForm(request.POST)
    if form.is_valid():
        try:
            asks.triage(actor=signed_in(request), found=found, **form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Done: the person who asked is told.")
            return redirect("collateral:request", found.pk)
    return _render(request, found, form, DeliverForm())


@login_required
@require_POST
def deliver(request: HttpRequest, pk: int) -> HttpResponse:
    found = _request(request, pk)
    form = DeliverForm(request.POST)
    if form.is_valid():
        try:
            asks.deliver(actor=signed_in(request), found=found, asset=form.cleaned_data["asset"])
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Linked: the person who asked now reviews it.")
            return redirect("collateral:request", found.pk)
    return _render(request, found, TriageForm(), form)
