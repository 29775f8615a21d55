"""Pages of the customer record: lists with filters, detail pages with one timeline,
quick-add of an activity. Thin: parse, call a service, render the page or fragment."""

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tandem.campaigns.models import Campaign
from tandem.core import saved_views
from tandem.core.errors import DomainError
from tandem.core.exports import export_response
from tandem.core.forms import error_message, form_error
from tandem.core.htmx import render_page_or_partial
from tandem.core.ids import parse_id
from tandem.core.pagination import paginate
from tandem.core.permissions import ORGANISATION, Action, can, require
from tandem.core.querysets import count_of
from tandem.crm import services
from tandem.crm.errors import CrmError
from tandem.crm.forms import (
    AccountForm,
    ActivityForm,
    ConsentForm,
    ContactForm,
    OpportunityForm,
    StageForm,
)
from tandem.crm.models import Account, Activity, Contact, Opportunity
from tandem.crm.querysets import CONTACT_FILTERS, sort_matches
from tandem.crm.timeline import SIDES, timeline
from tandem.crm.timeline import kinds as timeline_kinds
from tandem.notifications.views import thread_context
from tandem.people.auth import signed_in
from tandem.people.models import User

ACCOUNT_SORTS = {
    "name": ("name", "id"),
    "-created": ("-id",),  # ids grow with creation, and the primary key is an index
    "region": ("region", "name", "id"),
}
CONTACT_SORTS = {"name": ("last_name", "first_name", "id"), "-created": ("-id",)}
OPPORTUNITY_SORTS = {
    "close": ("close_date", "id"),
    "-amount": ("-amount", "id"),
    "-created": ("-created_at", "-id"),
}


def _sorted(queryset: Any, request: HttpRequest, sorts: Mapping[str, tuple[str, ...]]) -> Any:
    order = sorts.get(request.GET.get("sort", ""), next(iter(sorts.values())))
    if request.GET.get("q", "").strip():  # search results: see sort_matches
        return queryset.order_by(*sort_matches(queryset.model, order))
    return queryset.order_by(*order)


def _mine(queryset: Any, request: HttpRequest) -> Any:
    return queryset.owned_by(request.user.pk) if request.GET.get("mine") == "1" else queryset


# --- Accounts ------------------------------------------------------------------------------
def _filtered_accounts(request: HttpRequest) -> Any:
    """The account list as its filters say; the page and its exports share it."""
    require(request.user, Action.CREATE_RECORD, ORGANISATION)
    found = Account.objects.visible_to(request.user).search(request.GET.get("q", ""))
    for field in ("region", "segment"):
        if request.GET.get(field):
            found = found.filter(**{field: request.GET[field][:100]})
    found = _mine(found, request).select_related("owner")
    return _sorted(found, request, ACCOUNT_SORTS)


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
        {"page": page, "regions": regions, **saved_views.context_for(request, "crm.accounts")},
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


def _timeline(request: HttpRequest, **where: int) -> dict[str, Any]:
    """The merged timeline page, with the people who did each entry loaded in one query."""
    labels = dict(timeline_kinds())
    kind = request.GET.get("kind", "")
    kind = kind if kind in labels else ""
    side = request.GET.get("side", "")
    side = side if side in SIDES else ""
    page = paginate(request, timeline(**where, kind=kind, side=side), per_page=20)
    people = User.objects.in_bulk({e["who_id"] for e in page if e["who_id"]})
    # Only an account's timeline mixes people; a contact's entries are all that contact.
    contacts = (
        Contact.objects.in_bulk({e["contact_id"] for e in page if e["contact_id"]})
        if "account_id" in where
        else {}
    )
    page.object_list = [
        {
            **e,
            "who": people.get(e["who_id"]),
            "contact": contacts.get(e["contact_id"]),
            "kind_label": labels.get(e["entry_kind"], ""),
        }
        for e in page.object_list
    ]
    return {
        "timeline": page,
        "now": timezone.now(),
        "kind": kind,
        "side": side,
        "kinds": list(labels.items()),
        "sides": SIDES,
        "activity_form": ActivityForm(),
    }


@login_required
def account(request: HttpRequest, pk: int) -> HttpResponse:
    shown = get_object_or_404(
        Account.objects.visible_to(request.user).select_related("owner"), pk=pk
    )
    context = _timeline(request, account_id=shown.pk)
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
            **thread_context(request, shown),
        }
    )
    return render(request, "crm/account.html", context)


# --- Contacts ------------------------------------------------------------------------------
def _filtered_contacts(request: HttpRequest) -> Any:
    require(request.user, Action.CREATE_RECORD, ORGANISATION)
    found = Contact.objects.visible_to(request.user).list_filters(request.GET, request.user)
    return _sorted(found.select_related("account", "owner"), request, CONTACT_SORTS)


@login_required
def export_contacts(request: HttpRequest, fmt: str) -> HttpResponseBase:
    rows = (
        (
            c.first_name,
            c.last_name,
            c.email,
            c.phone,
            c.job_title,
            c.account.name if c.account_id else "",
            c.owner.email if c.owner_id else "",
            "" if c.marketing_consent is None else ("yes" if c.marketing_consent else "no"),
        )
        for c in _filtered_contacts(request).iterator(chunk_size=2000)
    )
    headers = [
        "first_name",
        "last_name",
        "email",
        "phone",
        "job_title",
        "account_name",
        "owner",
        "marketing_consent",
    ]
    return export_response(name="contacts", fmt=fmt, headers=headers, rows=rows)


@login_required
def export_accounts(request: HttpRequest, fmt: str) -> HttpResponseBase:
    rows = (
        (a.name, a.domain, a.industry, a.segment, a.region, a.owner.email if a.owner_id else "")
        for a in _filtered_accounts(request).iterator(chunk_size=2000)
    )
    headers = ["name", "account_domain", "industry", "segment", "region", "owner"]
    return export_response(name="accounts", fmt=fmt, headers=headers, rows=rows)


@login_required
def contacts(request: HttpRequest) -> HttpResponse:
    page = paginate(request, _filtered_contacts(request))
    return render_page_or_partial(
        request,
        "crm/contacts.html",
        "crm/_contact_rows.html",
        {
            "page": page,
            "activity_form": ActivityForm(),
            "campaigns": Campaign.objects.targetable_by(request.user),
            "filters": [(k, request.GET[k]) for k in CONTACT_FILTERS if request.GET.get(k)],
            **saved_views.context_for(request, "crm.contacts"),
        },
    )


@login_required
def new_contact(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.CREATE_RECORD, ORGANISATION)
    form = ContactForm(request.POST or None)
    account_id = parse_id(request.GET.get("account"))
    linked = (
        Account.objects.visible_to(request.user).filter(pk=account_id).first()
        if account_id is not None
        else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.create_contact(
                actor=signed_in(request), account=linked, **form.cleaned_data
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"Contact {contact} created.")
            return redirect("crm:contact", pk=contact.pk)
    title = f"New contact at {linked}" if linked else "New contact"
    return render(request, "crm/form.html", {"form": form, "title": title})


@login_required
def contact(request: HttpRequest, pk: int) -> HttpResponse:
    shown = get_object_or_404(
        Contact.objects.visible_to(request.user).select_related("account", "owner"), pk=pk
    )
    context = _timeline(request, contact_id=shown.pk)
    context.update({"record": shown, "label": "crm.contact"})
    if request.htmx:  # type: ignore[attr-defined]
        return render_page_or_partial(request, "crm/contact.html", "crm/_timeline.html", context)
    context.update(
        {
            "can_change": can(request.user, Action.CHANGE, shown) and not shown.erased_at,
            "can_erase": can(request.user, Action.ERASE, shown) and not shown.erased_at,
            "memberships": shown.campaign_memberships.select_related("campaign").order_by(
                "-added_at"
            )[:50],
            "campaigns": [] if shown.erased_at else Campaign.objects.targetable_by(request.user),
            "consent_form": ConsentForm(
                initial={
                    "consent": {True: "yes", False: "no"}.get(shown.marketing_consent, "unknown"),
                    "source": "",
                }
            ),
            **thread_context(request, shown),
        }
    )
    return render(request, "crm/contact.html", context)


@login_required
@require_POST
def log_activity(request: HttpRequest, label: str, pk: int) -> HttpResponse:
    """Quick-add from a list row or a detail page; answers with a one-line confirmation
    (htmx) or goes back to the record."""
    model = {"crm.contact": Contact, "crm.account": Account}.get(label)
    if model is None:
        return render(request, "404.html", status=404)
    record = get_object_or_404(model.objects.visible_to(request.user), pk=pk)  # type: ignore[attr-defined]
    form = ActivityForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            services.log_activity(
                actor=signed_in(request),
                **form.cleaned_data,
                **({"contact": record} if label == "crm.contact" else {"account": record}),
            )
        except DomainError as exc:
            error = error_message(exc)
    else:
        error = "; ".join(f"{form.fields[f].label or f}: {e[0]}" for f, e in form.errors.items())
    if request.htmx:  # type: ignore[attr-defined]
        return render(
            request,
            "crm/_logged.html",
            {"record": record, "error": error},
            status=422 if error else 200,
        )
    if error:
        messages.error(request, error)
    return redirect(f"crm:{label.split('.')[1]}", pk=record.pk)


@login_required
@require_POST
def complete_task(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Mark done" on a task of a timeline: the task's line again (htmx), or back to the
    record it is on."""
    task = get_object_or_404(Activity.objects.visible_to(request.user), pk=pk)
    error = ""
    try:
        services.complete_task(actor=signed_in(request), activity=task)
    except DomainError as exc:
        error = error_message(exc)
    if request.htmx:  # type: ignore[attr-defined]
        context = {
            "task_id": task.pk,
            "due_at": task.due_at,
            "done_at": task.done_at,
            "now": timezone.now(),
            "error": error,
        }
        return render(request, "crm/_task_state.html", context, status=422 if error else 200)
    if error:
        messages.error(request, error)
    if task.contact_id:
        return redirect("crm:contact", pk=task.contact_id)
    return redirect("crm:account", pk=task.account_id)  # log_activity always sets one


# --- Opportunities -------------------------------------------------------------------------
def _filtered_opportunities(request: HttpRequest) -> Any:
    require(request.user, Action.CREATE_RECORD, ORGANISATION)
    found = Opportunity.objects.visible_to(request.user)
    stage = request.GET.get("stage", "")
    if stage == "open":
        found = found.open()
    elif stage in Opportunity.Stage.values:
        found = found.filter(stage=stage)
    found = _mine(found, request).select_related("account", "owner")
    return _sorted(found, request, OPPORTUNITY_SORTS)


@login_required
def export_opportunities(request: HttpRequest, fmt: str) -> HttpResponseBase:
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
        **thread_context(request, shown),
    }
    return render(request, "crm/opportunity.html", context, status=422 if form.errors else 200)


# --- Editing, consent, erasure -------------------------------------------------------------
def _edit(
    request: HttpRequest, record: Any, form_class: Any, save: Any, url_name: str
) -> HttpResponse:
    """Edit form for a record: initial values from it, saved through its service."""
    require(request.user, Action.CHANGE, record)
    initial = {f: getattr(record, f) for f in form_class.base_fields}
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            save(signed_in(request), record, form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"{record} saved.")
            return redirect(url_name, pk=record.pk)
    return render(
        request,
        "crm/form.html",
        {"form": form, "title": f"Edit {record}"},
        status=422 if form.errors else 200,
    )


@login_required
def edit_account(request: HttpRequest, pk: int) -> HttpResponse:
    shown = get_object_or_404(Account.objects.visible_to(request.user), pk=pk)
    return _edit(
        request,
        shown,
        AccountForm,
        lambda actor, record, data: services.update_account(actor=actor, account=record, **data),
        "crm:account",
    )


@login_required
def edit_contact(request: HttpRequest, pk: int) -> HttpResponse:
    shown = get_object_or_404(Contact.objects.visible_to(request.user), pk=pk)
    if shown.erased_at:
        raise DomainError(CrmError.CONTACT_ERASED, "This contact was erased.")
    return _edit(
        request,
        shown,
        ContactForm,
        lambda actor, record, data: services.update_contact(actor=actor, contact=record, **data),
        "crm:contact",
    )
