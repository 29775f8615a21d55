"""Pages of accounts: the list (and its exports), a new account, an account with its
timeline, contacts and pipeline, and its edit form."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Sum
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
from tandem.core.querysets import count_of
from tandem.crm import services
from tandem.crm.forms import (
    AccountForm,
)
from tandem.crm.models import Account, Contact
from tandem.crm.views import edit_record, mine_only, sorted_by, timeline_context
from tandem.notifications.views import thread_context
from tandem.people import grants
from tandem.people.auth import signed_in

ACCOUNT_SORTS = {
    "name": ("name", "id"),
    "-created": ("-id",),  # ids grow with creation, and the primary key is an index
    "region": ("region", "name", "id"),
}


def _filtered_accounts(request: HttpRequest) -> Any:
    """The account list as its filters say; the page and its exports share it."""
    require(request.user, Action.CREATE_RECORD, ORGANISATION)
    found = Account.objects.visible_to(request.user).search(request.GET.get("q", ""))
    for field in ("region", "segment"):
        if request.GET.get(field):
            found = found.filter(**{field: request.GET[field][:100]})
    found = mine_only(found, request).select_related("owner")
    return sorted_by(found, request, ACCOUNT_SORTS)


@login_required
def accounts(request: HttpRequest) -> HttpResponse:
    found = _filtered_accounts(request).annotate(contact_count=count_of(Contact.objects, "account"))
    page = paginate(request, found)
    regions = (
        Account.objects.visible_to(request.user)
        .exclude(region="")
        .order_by("region")
        .values_list("region", flat=True)
        .distinct()[:100]
    )
    return render_page_or_partial(
        request,
        "crm/accounts.html",
        "crm/_account_rows.html",
        {
            "page": page,
            "regions": regions,
            "may_export": grants.may_export_lists(request.user),
            **saved_views.context_for(request, "crm.accounts"),
        },
    )


@login_required
def new_account(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.CREATE_RECORD, ORGANISATION)
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.create_account(actor=signed_in(request), **form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"Account {account} created.")
            return redirect("crm:account", pk=account.pk)
    return render(request, "crm/form.html", {"form": form, "title": "New account"})


@login_required
def account(request: HttpRequest, pk: int) -> HttpResponse:
    shown = get_object_or_404(
        Account.objects.visible_to(request.user).select_related("owner"), pk=pk
    )
    context = timeline_context(request, account_id=shown.pk)
    if request.htmx:  # type: ignore[attr-defined]
        return render_page_or_partial(
            request,
            "crm/account.html",
            "crm/_timeline.html",
            {**context, "record": shown, "label": "crm.account"},
        )
    pipeline = shown.opportunities.open().values("currency").annotate(total=Sum("amount"))
    context.update(
        {
            "record": shown,
            "label": "crm.account",
            "contacts": shown.contacts.order_by("last_name", "first_name")[:50],
            "opportunities": shown.opportunities.select_related("owner").order_by("close_date")[
                :50
            ],
            "pipeline": list(pipeline),
            "can_change": can(request.user, Action.CHANGE, shown),
            "panels": panels_for("crm.account", request, shown),
            **thread_context(request, shown),
        }
    )
    return render(request, "crm/account.html", context)


@login_required
def export_accounts(request: HttpRequest, fmt: str) -> HttpResponseBase:
    grants.require_office(request.user, Action.EXPORT_LIST)
    rows = (
        (a.name, a.domain, a.industry, a.segment, a.region, a.owner.email if a.owner_id else "")
        for a in _filtered_accounts(request).iterator(chunk_size=2000)
    )
    headers = ["name", "account_domain", "industry", "segment", "region", "owner"]
    return export_response(name="accounts", fmt=fmt, headers=headers, rows=rows)


@login_required
def edit_account(request: HttpRequest, pk: int) -> HttpResponse:
    shown = get_object_or_404(Account.objects.visible_to(request.user), pk=pk)
    return edit_record(
        request,
        shown,
        AccountForm,
        lambda actor, record, data: services.update_account(actor=actor, account=record, **data),
        "crm:account",
        properties="crm/_account_properties.html",
    )
