"""The exchange-rates page: the rates in force, their history, and (administrators)
adding or removing one. Writes go through ``core.exchange_rates``."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tandem.core import exchange_rates
from tandem.core.currencies import ISO_4217
from tandem.core.errors import DomainError
from tandem.core.forms import form_error, report_error
from tandem.core.models import ExchangeRate
from tandem.core.pagination import paginate
from tandem.core.permissions import ORGANISATION, Action, can, require, require_works_here


class RateForm(forms.Form):
    currency = forms.CharField(
        max_length=3,
        help_text="Its ISO 4217 code, such as EUR or USD.",
        widget=forms.TextInput({"list": "iso-4217", "autocomplete": "off", "size": 4}),
    )
    valid_from = forms.DateField(
        label="In force from", widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d")
    )
    rate = forms.CharField(
        max_length=30,
        help_text="What one unit of the currency is worth in the reporting currency.",
        widget=forms.TextInput({"inputmode": "decimal"}),
    )
    note = forms.CharField(
        max_length=200,
        required=False,
        help_text="Where the rate comes from, e.g. “ECB reference rate”.",
    )


def _inverse(rate: Decimal) -> str:
    """What one unit of the reporting currency buys, to six decimal places at most."""
    return f"{(1 / rate):,.6f}".rstrip("0").rstrip(".")


@login_required
def rates(request: HttpRequest) -> HttpResponse:
    """Everyone who works here reads the rates every converted total names."""
    require_works_here(request.user, "the exchange rates")
    keeper = can(request.user, Action.KEEP_RATES, ORGANISATION)
    today = timezone.localdate()
    form = RateForm(initial={"valid_from": today})
    if request.method == "POST":
        require(request.user, Action.KEEP_RATES, ORGANISATION)
        form = RateForm(request.POST)
        if form.is_valid():
            try:
                saved = exchange_rates.set_rate(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                form_error(form, exc)
            else:
                messages.success(request, f"Saved: {saved}.")
                return redirect("core:exchange_rates")
    history = ExchangeRate.objects.filter(home=exchange_rates.home_currency())
    context = {
        "home": exchange_rates.home_currency(),
        "in_force": [
            {"code": code, "rate": f"{rate.normalize():f}", "inverse": _inverse(rate), "since": at}
            for code, (rate, at) in sorted(exchange_rates.rates_on(today).per_unit.items())
        ],
        "today": today,
        "page": paginate(request, history.select_related("created_by"), per_page=50),
        "form": form,
        "keeper": keeper,
        "codes": sorted(ISO_4217),
    }
    return render(request, "core/exchange_rates.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
def remove_rate(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(ExchangeRate.objects.all(), pk=pk)
    try:
        exchange_rates.remove_rate(actor=request.user, rate=found)
    except DomainError as exc:
        report_error(request, exc)
    else:
        messages.success(request, f"Removed: {found}.")
    return redirect("core:exchange_rates")
