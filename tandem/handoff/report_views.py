"""The SLA report: what marketing delivered against what it promised."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tandem.core.permissions import require_staff
from tandem.handoff import reports


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
