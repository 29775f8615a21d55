"""Campaign pages, and the public endpoint behind every campaign's embeddable web form."""

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from tandem.campaigns import capture as touches
from tandem.campaigns import services
from tandem.campaigns.forms import CampaignForm, CostForm, StatusForm
from tandem.campaigns.models import Campaign, Touchpoint
from tandem.core import saved_views
from tandem.core.clientip import client_ip
from tandem.core.errors import DomainError, ErrorCode
from tandem.core.exports import export_response
from tandem.core.forms import form_error, report_error
from tandem.core.htmx import render_page_or_partial
from tandem.core.ids import parse_id
from tandem.core.pagination import paginate
from tandem.core.panels import panels_for
from tandem.core.permissions import ORGANISATION, Action, can, require
from tandem.core.querysets import count_of
from tandem.crm.models import Contact
from tandem.notifications.views import thread_context
from tandem.people import grants
from tandem.people.auth import signed_in


def _filtered(request: HttpRequest) -> Any:
    require(request.user, Action.CREATE_RECORD, ORGANISATION)
    found = Campaign.objects.visible_to(request.user).search(request.GET.get("q", ""))
    status = request.GET.get("status", "")
    if status in Campaign.Status.values:
        found = found.filter(status=status)
    return found.select_related("owner", "parent").order_by("-starts_on", "id")


@login_required
def export_campaigns(request: HttpRequest, fmt: str) -> HttpResponseBase:
    grants.require_office(request.user, Action.EXPORT_LIST)
    rows = (
        (
            c.name,
            c.get_type_display(),
            c.get_channel_display(),
            c.get_status_display(),
            c.starts_on.isoformat(),
            c.ends_on.isoformat(),
            c.planned_budget,
            c.currency,
            c.expected_leads_per_week,
            c.parent.name if c.parent_id else "",
            c.owner.email if c.owner_id else "",
        )
        for c in _filtered(request).iterator(chunk_size=2000)
    )
    headers = [
        "name",
        "type",
        "channel",
        "status",
        "starts_on",
        "ends_on",
        "planned_budget",
        "currency",
        "expected_leads_per_week",
        "parent",
        "owner",
    ]
    return export_response(name="campaigns", fmt=fmt, headers=headers, rows=rows)


@login_required
def campaigns(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    found = _filtered(request).annotate(touch_count=count_of(Touchpoint.objects, "campaign"))
    page = paginate(request, found.order_by("-starts_on", "id"))
    return render_page_or_partial(
        request,
        "campaigns/campaigns.html",
        "campaigns/_rows.html",
        {
            "page": page,
            "status": status,
            "statuses": Campaign.Status.choices,
            "may_capture": touches.may_capture(request.user),
            "may_export": grants.may_export_lists(request.user),
            "may_create": grants.may_create_campaigns(request.user),
            **saved_views.context_for(request, "campaigns.campaigns"),
        },
    )


@login_required
def new_campaign(request: HttpRequest) -> HttpResponse:
    grants.require_office(request.user, Action.CREATE_CAMPAIGN)
    form = CampaignForm(request.POST or None)
    warnings: list[services.ScheduleWarning] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        confirm = request.POST.get("confirm") == "1"
        # What the schedule would cause (sales over capacity): shown before saving, and
        # "Plan it anyway" goes ahead (the checks that warned are told).
        if not confirm and data["ends_on"] >= data["starts_on"]:
            warnings = services.schedule_warnings(
                services.draft_campaign(**data), data["starts_on"], data["ends_on"]
            )
        if not warnings:
            try:
                created = services.create_campaign(
                    actor=signed_in(request), confirm_warnings=confirm, **data
                )
            except DomainError as exc:
                form_error(form, exc)
            else:
                messages.success(request, f"Campaign {created} planned.")
                return redirect("campaigns:campaign", pk=created.pk)
    return render(
        request,
        "campaigns/new_campaign.html",
        {"form": form, "title": "New campaign", "warnings": warnings},
    )


@login_required
def campaign(request: HttpRequest, pk: int) -> HttpResponse:
    shown = get_object_or_404(
        Campaign.objects.visible_to(request.user).select_related("owner", "parent"), pk=pk
    )
    can_change = can(request.user, Action.CHANGE, shown)
    cost_form = CostForm(request.POST if request.POST.get("form") == "cost" else None)
    status_form = StatusForm(
        request.POST if request.POST.get("form") == "status" else None,
        initial={"status": shown.status},
    )
    if request.method == "POST":
        require(request.user, Action.CHANGE, shown)
        actor = signed_in(request)
        try:
            if request.POST.get("form") == "cost" and cost_form.is_valid():
                services.add_cost(actor=actor, campaign=shown, **cost_form.cleaned_data)
                messages.success(request, "Cost added.")
                return redirect("campaigns:campaign", pk=shown.pk)
            if request.POST.get("form") == "status" and status_form.is_valid():
                services.set_status(actor=actor, campaign=shown, **status_form.cleaned_data)
                messages.success(request, "Status saved.")
                return redirect("campaigns:campaign", pk=shown.pk)
        except DomainError as exc:
            form_error(cost_form if request.POST.get("form") == "cost" else status_form, exc)
    by_kind = (
        Touchpoint.objects.filter(campaign=shown)
        .values("kind")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    labels = dict(Touchpoint.Kind.choices)
    spent = shown.costs.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    context = {
        "panels": panels_for("campaigns.campaign", request, shown),
        "record": shown,
        "label": "campaigns.campaign",
        "can_change": can_change,
        "costs": shown.costs.all()[:100],
        "children": shown.children.order_by("starts_on")[:50],
        "spent": spent,
        "members": shown.members.count(),
        "member_page": paginate(
            request,
            shown.members.select_related("contact").order_by("-added_at", "-id"),
            per_page=20,
        ),
        "touch_chart": {
            "type": "bar",
            "title": "Touches by kind",
            "labels": [labels.get(r["kind"], r["kind"]) for r in by_kind],
            "values": [r["n"] for r in by_kind],
        },
        "cost_form": cost_form,
        "status_form": status_form,
        "form_url": request.build_absolute_uri(reverse("campaigns:capture", args=[shown.form_key])),
        **thread_context(request, shown),
    }
    has_errors = cost_form.errors or status_form.errors
    return render(request, "campaigns/campaign.html", context, status=422 if has_errors else 200)


def _posted(request: HttpRequest, model: Any, field: str) -> Any:
    """The record a form names by id in ``field``; 404 for a bad or unseen id."""
    pk = parse_id(request.POST.get(field))
    if pk is None:
        raise Http404(f"No {field} was chosen.")
    return get_object_or_404(model.objects.visible_to(request.user), pk=pk)


@login_required
@require_POST
def target_list(request: HttpRequest) -> HttpResponse:
    """Target every contact of the contact list as filtered (a segment), in the background."""
    shown = _posted(request, Campaign, "campaign")
    try:
        job = services.start_targeting(
            actor=signed_in(request), campaign=shown, filters=request.POST.dict()
        )
    except DomainError as exc:
        report_error(request, exc)
        return redirect("crm:contacts")
    return redirect("core:job", pk=job.pk)


@login_required
@require_POST
def add_member(request: HttpRequest) -> HttpResponse:
    """Add one contact (from their page) to a campaign as targeted."""
    shown = _posted(request, Campaign, "campaign")
    person = _posted(request, Contact, "contact")
    try:
        added = services.add_members(actor=signed_in(request), campaign=shown, contacts=[person])
    except DomainError as exc:
        report_error(request, exc)
    else:
        messages.success(
            request, f"Added to {shown.name}." if added else f"Already in {shown.name}."
        )
    return redirect("crm:contact", pk=person.pk)


@csrf_exempt  # posted from customers' own web pages; honeypot and rate limit guard it
def capture(request: HttpRequest, form_key: str) -> HttpResponse:
    """GET: a hosted version of the form. POST: a submission (works without JavaScript)."""
    found = Campaign.objects.filter(form_key=form_key[:32]).exclude(status="cut").first()
    if found is None:
        return render(request, "campaigns/form_closed.html", status=404)
    if request.method != "POST":
        return render(request, "campaigns/capture.html", {"campaign": found, "data": request.GET})
    try:
        touches.capture_form(form_key=form_key, data=request.POST.dict(), ip=client_ip(request))
    except DomainError as exc:
        status = 429 if exc.code == ErrorCode.RATE_LIMITED else 422
        message = exc.message
        if exc.field in touches.UTM_FIELDS:  # a hidden field: say it in the visitor's words
            message = (
                "The link that brought you here carries more tracking text than we can keep "
                f"({exc.field}: {exc.details['given']:,} characters, 255 at most). Open this "
                "form again from the page that shows it, and send it from there."
            )
        response = render(
            request,
            "campaigns/capture.html",
            {"campaign": found, "data": request.POST, "error": message},
            status=status,
        )
        if "retry_after" in exc.details:
            response["Retry-After"] = str(exc.details["retry_after"])
        return response
    return render(request, "campaigns/thanks.html", {"campaign": found})


@login_required
def import_touchpoints(request: HttpRequest) -> HttpResponse:
    """Upload a file of touches; the columns are the bulk API's, so no mapping step."""
    from tandem.campaigns import imports
    from tandem.crm import imports as crm_imports
    from tandem.crm.import_views import UploadForm

    touches.require_capture(signed_in(request), token_granted=None)
    form = UploadForm(request.POST or None, request.FILES or None)
    form.fields[
        "file"
    ].help_text = "CSV (UTF-8) or XLSX with the columns listed above. First row: column names."
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            staged = crm_imports.stage_file(
                actor=signed_in(request),
                name=uploaded.name,
                chunks=uploaded.chunks(),
                size=uploaded.size,
            )
            job = imports.start_touchpoint_import(
                actor=signed_in(request), token=staged.token, original_name=staged.original_name
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            return redirect("core:job", pk=job.pk)
    return render(
        request,
        "campaigns/import.html",
        {"form": form, "columns": imports.COLUMNS, "required": imports.REQUIRED},
        status=422 if form.errors else 200,
    )
