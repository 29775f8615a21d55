"""The owner's pages: the review board (every asset and whom it waits for), a new asset,
the asset's page (versions, sign-off, feedback, usage), its edit and review-policy forms,
and the steps (release, publish, send to print, retire). Thin: services do the work."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tandem.collateral import services
from tandem.collateral.files import max_bytes
from tandem.collateral.forms import AssetForm, NewAssetForm, PolicyForm, RetireForm, VersionForm
from tandem.collateral.library_views import open_deals
from tandem.collateral.models import Asset, Feedback, Pin, Usage
from tandem.collateral.reads import sign_off_card, with_gates
from tandem.collateral.signoff import policy_needs
from tandem.core.errors import DomainError, ErrorCode
from tandem.core.forms import form_error, report_error
from tandem.core.htmx import render_page_or_partial
from tandem.core.pagination import paginate
from tandem.core.panels import panels_for
from tandem.core.permissions import Action, can, require, require_staff
from tandem.core.uploads import upload_refused
from tandem.people.auth import signed_in

BOARD_FILTERS = {
    "waiting": Q(status=Asset.Status.IN_REVIEW),
    "draft": Q(status=Asset.Status.DRAFT),
    "approved": Q(status=Asset.Status.APPROVED),
    "published": Q(status=Asset.Status.PUBLISHED),
    "retired": Q(status=Asset.Status.RETIRED),
}


def too_large() -> str:
    return f"The file is larger than the {max_bytes() // (1024 * 1024)} MB allowed."


def _asset(request: HttpRequest, pk: int) -> Asset:
    require_staff(request.user)
    return get_object_or_404(
        Asset.objects.visible_to(request.user).select_related(
            "owner", "team", "campaign", "current_version", "published_version"
        ),
        pk=pk,
    )


@login_required
def assets(request: HttpRequest) -> HttpResponse:
    """The review board: each asset, its status and whom its sign-off waits for."""
    require_staff(request.user)
    shown = request.GET.get("status", "")
    found = Asset.objects.visible_to(request.user).select_related("owner", "current_version")
    found = found.filter(BOARD_FILTERS[shown]) if shown in BOARD_FILTERS else found.live()
    if request.GET.get("mine"):
        found = found.filter(owner=request.user)
    page = paginate(request, found)
    page.object_list = with_gates(page.object_list)
    counts = dict(
        Asset.objects.visible_to(request.user)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return render_page_or_partial(
        request,
        "collateral/assets.html",
        "collateral/_asset_rows.html",
        {
            "page": page,
            "shown": shown,
            "mine": bool(request.GET.get("mine")),
            "statuses": [(v, label, counts.get(v, 0)) for v, label in Asset.Status.choices],
            "may_create": services.may_create(request.user),
        },
    )


@login_required
def new_asset(request: HttpRequest) -> HttpResponse:
    require_staff(request.user)
    if not services.may_create(request.user):
        raise DomainError(
            ErrorCode.FORBIDDEN, "Marketing makes collateral: ask for it with a request instead."
        )
    form = NewAssetForm(request.POST or None, request.FILES or None)
    if upload_refused(request):
        form.is_valid()
        form.add_error("file", too_large())
    elif request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload, note, reps = data.pop("file"), data.pop("note"), list(data.pop("reps"))
        try:
            with transaction.atomic():
                asset = services.create_asset(actor=signed_in(request), reps=reps, **data)
                if upload is not None:
                    services.upload_version(
                        actor=signed_in(request), asset=asset, upload=upload, note=note
                    )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Created. Release it for review when it is ready.")
            return redirect("collateral:asset", asset.pk)
    return render(
        request,
        "collateral/asset_form.html",
        {"form": form, "title": "New asset", "multipart": True},
        status=422 if form.errors else 200,
    )


@login_required
def asset(request: HttpRequest, pk: int) -> HttpResponse:
    found = _asset(request, pk)
    [found] = with_gates([found])
    versions = list(found.versions.select_related("uploaded_by").defer("text"))
    sign_off = sign_off_card(found.sign_off, request.user)
    open_pins = (
        Pin.objects.filter(version_id=found.current_version_id, resolved_at__isnull=True).count()
        if found.current_version_id
        else 0
    )
    feedback = Feedback.objects.filter(asset=found).select_related("author", "version")
    uses = Usage.objects.filter(asset=found)
    summary = feedback.summary()
    feedback_counts = summary["verdicts"]
    can_change = can(request.user, Action.CHANGE, found)
    return render(
        request,
        "collateral/asset.html",
        {
            "record": found,
            "versions": versions,
            "sign_off": sign_off,
            "open_pins": open_pins,
            "gate": found.gate,
            "feedback": feedback[:20],
            "feedback_summary": summary,
            "use_counts": dict(uses.values_list("action").annotate(n=Count("pk")).order_by()),
            "won": list(uses.won_revenue()),
            "can_change": can_change,
            "version_form": VersionForm() if can_change else None,
            "retire_form": RetireForm() if can_change else None,
            "requests": found.requests.select_related("requested_by")[:10],
            "policy_labels": [n.label for n in policy_needs(found.policy)],
            "verdicts": [
                (v, label, feedback_counts.get(v, 0)) for v, label in Feedback.Verdict.choices
            ],
            "stars": range(1, 6),
            "open_deals": open_deals(request.user) if found.status == "published" else [],
            "panels": panels_for("collateral.asset", request, found),
        },
    )


@login_required
def edit_asset(request: HttpRequest, pk: int) -> HttpResponse:
    found = _asset(request, pk)
    require(request.user, Action.CHANGE, found)
    initial = {name: getattr(found, name) for name in AssetForm.base_fields if name != "campaign"}
    initial["campaign"] = found.campaign_id
    form = AssetForm(request.POST or None, initial=initial)
    return _asset_form(
        request,
        found,
        form,
        lambda data: services.update_asset(actor=signed_in(request), asset=found, **data),
        saved="Saved.",
        title=f"Edit {found.title}",
    )


def _asset_form(
    request: HttpRequest,
    found: Asset,
    form: Any,
    save: Any,
    *,
    saved: str,
    title: str,
) -> HttpResponse:
    """One of the asset's own forms: saved through ``save(cleaned_data)`` and back to the
    asset, or shown again with the service's error on the field it names."""
    if request.method == "POST" and form.is_valid():
        try:
            save(dict(form.cleaned_data))
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, saved)
            return redirect("collateral:asset", found.pk)
    return render(
        request,
        "collateral/asset_form.html",
        {"form": form, "title": title, "record": found},
        status=422 if form.errors else 200,
    )


@login_required
def policy(request: HttpRequest, pk: int) -> HttpResponse:
    """Whose sign-off the asset needs."""
    found = _asset(request, pk)
    require(request.user, Action.CHANGE, found)
    current = found.policy
    form = PolicyForm(
        request.POST or None,
        initial={
            "reps": list(current.reps.values_list("pk", flat=True)),
            "sales_team": current.sales_team_id,
            "front_line": current.front_line,
            "front_line_team": current.front_line_team_id,
            "head": current.head,
            "in_order": current.in_order,
        },
    )
    return _asset_form(
        request,
        found,
        form,
        lambda data: services.set_policy(
            actor=signed_in(request), asset=found, **{**data, "reps": list(data["reps"])}
        ),
        saved="Saved. Release it again to ask the new reviewers.",
        title=f"Who signs off {found.title}",
    )


@login_required
@require_POST
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    found = _asset(request, pk)
    require(request.user, Action.CHANGE, found)
    form = VersionForm(request.POST, request.FILES)
    if upload_refused(request):
        messages.error(request, too_large())
    elif not form.is_valid():
        messages.error(request, "Choose a file to upload.")
    else:
        try:
            version = services.upload_version(
                actor=signed_in(request),
                asset=found,
                upload=form.cleaned_data["file"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            report_error(request, exc)
        else:
            messages.success(
                request, f"Version {version.number} uploaded. Earlier sign-offs no longer count."
            )
    return redirect("collateral:asset", found.pk)


def _step(request: HttpRequest, pk: int, step: Any, done: str, **extra: Any) -> HttpResponse:
    found = _asset(request, pk)
    try:
        step(actor=signed_in(request), asset=found, **extra)
    except DomainError as exc:
        report_error(request, exc)
    else:
        messages.success(request, done)
    return redirect("collateral:asset", found.pk)


@login_required
@require_POST
def release(request: HttpRequest, pk: int) -> HttpResponse:
    note = request.POST.get("note", "")
    return _step(
        request, pk, services.release_for_review, "Released: the reviewers are asked.", note=note
    )


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, services.publish, "Published: it is in the library.")


@login_required
@require_POST
def send_to_print(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, services.send_to_print, "Sent to print.")


@login_required
@require_POST
def retire(request: HttpRequest, pk: int) -> HttpResponse:
    form = RetireForm(request.POST)
    reason = form.data.get("reason", "")
    return _step(request, pk, services.retire, "Retired.", reason=reason)
