"""The campaign performance page (every campaign, every internal user): sortable by any
column on the server, filtered by status and type, paginated, and exported whole as CSV
or XLSX by the office. Figures in ``calendar.performance``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

from tandem.calendar import performance
from tandem.campaigns.models import Campaign
from tandem.core.exports import export_response
from tandem.core.htmx import render_page_or_partial
from tandem.core.permissions import Action, require_staff
from tandem.people import grants

PER_PAGE = 50


@login_required
def performance_page(request: HttpRequest) -> HttpResponse:
    """The page, or (htmx, as a filter or the sort changes) its table alone."""
    require_staff(request.user)
    shown = performance.read(request.user, request.GET)
    page = Paginator(shown.rows, PER_PAGE).get_page(request.GET.get("page"))
    columns = [
        {
            "key": key,
            "label": label,
            "sorted": shown.sort == key,
            "next": f"-{key}" if shown.sort == key and not shown.descending else key,
            "aria": ("descending" if shown.descending else "ascending")
            if shown.sort == key
            else "",
        }
        for key, label in performance.SORTS.items()
    ]
    return render_page_or_partial(
        request,
        "calendar/performance.html",
        "calendar/_performance_rows.html",
        {
            "shown": shown,
            "page": page,
            "columns": columns,
            "statuses": Campaign.Status.choices,
            "types": Campaign.Type.choices,
            "model": performance.model_in_force(),
            "may_export": grants.may_export_lists(request.user),
        },
    )


@login_required
def export_performance(request: HttpRequest, fmt: str) -> HttpResponseBase:
    grants.require_office(request.user, Action.EXPORT_LIST)
    shown = performance.read(request.user, request.GET)
    return export_response(
        name="campaign-performance",
        fmt=fmt,
        headers=performance.EXPORT_HEADERS,
        rows=(performance.export_row(r) for r in shown.rows),
    )
