"""The pipeline board (a column per stage; drag a card, or use its "Move to" form, to
move a deal) and the forecast by close month. Both filter by owner (mine, my team, all)
and read through ``crm.pipeline``; a move goes through ``services.move_opportunity``."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from tandem.core import exchange_rates
from tandem.core.errors import DomainError
from tandem.core.forms import error_message
from tandem.core.htmx import render_page_or_partial
from tandem.core.permissions import ORGANISATION, Action, can, require
from tandem.crm import pipeline, services
from tandem.crm.forms import MoveForm
from tandem.crm.models import Opportunity
from tandem.people.auth import signed_in

OWNERS = {"all": "All I can see", "mine": "Mine", "team": "My teams'"}


def _filters(params: Any) -> tuple[str, str, date | None]:
    """(owner, month as written, month) from a query string or a posted form."""
    owner = params.get("owner", "all")
    owner = owner if owner in OWNERS else "all"
    month = pipeline.parse_month(params.get("month", ""))
    return owner, month.strftime("%Y-%m") if month else "", month


def _month_choices(today: date) -> list[tuple[str, str]]:
    """The close months offered: three back, this one and eleven ahead."""
    first = pipeline.first_of_month(today)
    months = [pipeline.add_months(first, n) for n in range(-3, 12)]
    return [(m.strftime("%Y-%m"), m.strftime("%B %Y")) for m in months]


def _board_context(request: HttpRequest, params: Any, **extra: Any) -> dict[str, Any]:
    owner, month_text, month = _filters(params)
    today = timezone.localdate()
    found = Opportunity.objects.visible_to(request.user).owned_as(request.user, owner)
    columns = pipeline.board_columns(found, month=month, today=today)
    rates = exchange_rates.rates_on(today)
    present = pipeline.currencies_of(columns)
    into = exchange_rates.chosen_currency(params.get("in"), rates, present)
    for column in columns:
        for card in column.cards:
            card.movable = can(request.user, Action.CHANGE, card)  # type: ignore[attr-defined]
    return {
        "columns": columns,
        "pipeline": pipeline.open_pipeline(columns),
        "in_one": pipeline.convert_board(columns, into, rates),
        "mixed": present not in ([], [into]),
        "totals_in": into,
        "targets": rates.targets(present),
        "rates_on": today,
        "owner": owner,
        "owners": OWNERS,
        "month": month_text,
        "month_label": month.strftime("%B %Y") if month else today.strftime("%B %Y"),
        "months": _month_choices(today),
        "stages": Opportunity.Stage.choices,
        "today": today,
        "per_column": pipeline.CARDS_PER_COLUMN,
        **extra,
    }


@login_required
def board(request: HttpRequest) -> HttpResponse:
    """The page, or (htmx, as the filters change) the board alone."""
    require(request.user, Action.CREATE_RECORD, ORGANISATION)
    return render_page_or_partial(
        request, "crm/board.html", "crm/_board.html", _board_context(request, request.GET)
    )


@login_required
@require_POST
def move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a deal to another stage: a card dropped on a column, or its "Move to" form.
    htmx gets the board back (a refused move: the board as it was, with the reason and
    the card's form open); without JS, back to the board with a message."""
    shown = get_object_or_404(Opportunity.objects.visible_to(request.user), pk=pk)
    form = MoveForm(request.POST)
    error = done = ""
    if form.is_valid():
        stage = form.cleaned_data["stage"]
        try:
            services.move_opportunity(
                actor=signed_in(request),
                opportunity=shown,
                stage=stage,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            error = f"{shown.name}: {error_message(exc)}"
        else:
            done = f"{shown.name} moved to {Opportunity.Stage(stage).label}."
    else:
        error = f"{shown.name}: choose a stage from the list."
    if request.htmx:  # type: ignore[attr-defined]
        context = _board_context(
            request,
            request.POST,
            error=error,
            moved_message=done,
            failed=shown.pk if error else None,
            attempted=form.cleaned_data.get("stage") if error else None,
            moved=None if error else shown.pk,
        )
        return render_page_or_partial(
            request, "crm/board.html", "crm/_board.html", context, status=422 if error else 200
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    owner, month, _ = _filters(request.POST)
    into = str(request.POST.get("in", ""))[:3]
    query = urlencode({k: v for k, v in (("owner", owner), ("month", month), ("in", into)) if v})
    return redirect(f"{reverse('crm:board')}?{query}" if query else reverse("crm:board"))


@login_required
def forecast(request: HttpRequest) -> HttpResponse:
    """Open and weighted pipeline and won deals by close month, as a table and a chart,
    in one currency at a time."""
    require(request.user, Action.CREATE_RECORD, ORGANISATION)
    owner, _, _ = _filters(request.GET)
    found = Opportunity.objects.visible_to(request.user).owned_as(request.user, owner)
    rates = exchange_rates.rates_on(timezone.localdate())
    result = pipeline.forecast(
        found,
        first=pipeline.first_of_month(rates.on),
        rates=rates,
        currency=str(request.GET.get("currency", "")).upper()[:3],
    )
    return render_page_or_partial(
        request,
        "crm/forecast.html",
        "crm/_forecast.html",
        {
            "forecast": result,
            "chart": result.chart(),
            "owner": owner,
            "owners": OWNERS,
            "targets": rates.targets(result.currencies),
            "probabilities": pipeline.stage_probabilities(),
        },
    )
