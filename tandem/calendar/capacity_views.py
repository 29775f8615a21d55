"""The capacity page: inflow against sales capacity per week for the next weeks, per
region (one URL, its table and chart alone for htmx as the region changes), and the
heads' rule about campaigns over capacity. Figures from ``calendar.capacity``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from tandem.calendar import capacity, capacity_gate
from tandem.calendar.readiness import heads_sales
from tandem.core.htmx import render_page_or_partial
from tandem.core.permissions import require_works_here
from tandem.people.auth import signed_in


def _staff(request: HttpRequest) -> None:
    require_works_here(request.user, "sales capacity")


def page_context(found: capacity.Forecast, asked: str) -> dict[str, Any]:
    """What the page shows of a forecast, for the region ``asked`` ("" every region)."""
    region = found.region_key(asked) if asked else None
    weeks = found.week_loads(region)
    types = {d.type for d in found.drafts}
    curves = sorted((c for t, c in found.curves.items() if t in types), key=lambda c: c.label)
    away = [w for w in weeks if w.reps and not w.reps_in]
    return {
        "weeks": weeks,
        "region": "" if region is None else ("elsewhere" if region == "" else region),
        "region_label": weeks[0].label if weeks else "",
        "unknown_region": bool(asked) and region is None,
        "choices": found.region_choices(),
        "curves": curves,
        "reps": weeks[0].reps if weeks else 0,
        "everyone_away": away,
        "over": [w for w in weeks if w.over],
        "over_by_region": found.over_by_region() if region is None else [],
        "no_campaigns": not any(w.inflow for w in weeks),
        "open_load": float(
            found.open_load.sum() if region is None else found.open_load[found.index[region]]
        ),
        "beyond": float(
            found.load_beyond.sum() if region is None else found.load_beyond[found.index[region]]
        ),
        "chart": {
            "type": "bar",
            "labels": [f"{w.monday:%-d %b}" for w in weeks],
            "datasets": [
                {"label": "Leads coming in", "values": [w.inflow for w in weeks]},
                {"label": "Sales can take", "values": [w.available for w in weeks]},
            ],
        },
    }


@login_required
def capacity_page(request: HttpRequest) -> HttpResponse:
    """Inflow against capacity for the next 13 weeks, every region or one."""
    _staff(request)
    today = timezone.localdate()
    found = capacity.forecast(capacity.monday_of(today), capacity.WEEKS, today=today)
    asked = str(request.GET.get("region", "")).strip()[:100]
    context = page_context(found, asked)
    context |= {
        "today": today,
        "rule": capacity_gate.rule(),
        "may_set_rule": heads_sales(request.user),
    }
    return render_page_or_partial(
        request, "calendar/capacity.html", "calendar/_capacity.html", context
    )


@login_required
@require_POST
def capacity_rule(request: HttpRequest) -> HttpResponse:
    """A head of sales turns the launch rule on or off."""
    _staff(request)
    turned_on = request.POST.get("approval_before_launch") == "on"
    capacity_gate.set_rule(actor=signed_in(request), approval_before_launch=turned_on)
    messages.success(
        request,
        "Campaigns over capacity now wait for a head of sales' approval before they go live."
        if turned_on
        else "Campaigns over capacity may go live without a head of sales' approval.",
    )
    return redirect("calendar:capacity")
