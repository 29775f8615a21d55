"""The front-line library (search the published collateral by any word inside it, filter
by kind, region and audience), logging a use with a customer, feedback, and the owner's
content analytics."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Avg, Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from tandem.collateral import library, search
from tandem.collateral.forms import FeedbackForm, UseForm
from tandem.collateral.models import Asset, Feedback, Usage
from tandem.core import saved_views
from tandem.core.errors import DomainError
from tandem.core.forms import report_error
from tandem.core.htmx import render_page_or_partial
from tandem.core.ids import parse_id
from tandem.core.pagination import PAGE_SIZE, paginate
from tandem.core.permissions import require_staff
from tandem.crm.models import Contact, Opportunity
from tandem.people.auth import signed_in

OPEN_DEALS_SHOWN = 200


def _filters(request: HttpRequest) -> dict[str, str]:
    return {
        key: request.GET.get(key, "").strip()[:100] for key in ("q", "kind", "region", "audience")
    }


@login_required
def library_page(request: HttpRequest) -> HttpResponse:
    """Published collateral, best match first when searching, newest first otherwise."""
    require_staff(request.user)
    chosen = _filters(request)
    found = Asset.objects.visible_to(request.user).published()
    if chosen["kind"] in Asset.Kind.values:
        found = found.filter(kind=chosen["kind"])
    if chosen["region"]:
        found = found.filter(Q(region="") | Q(region__iexact=chosen["region"]))
    if chosen["audience"]:
        found = found.filter(audience__icontains=chosen["audience"])
    page: Page[Any]
    if chosen["q"]:
        page = _searched(request, found, chosen["q"])
    else:
        page = paginate(request, found.order_by("-published_at", "-id"))
    assets = list(page.object_list)
    _with_versions(assets)
    return render_page_or_partial(
        request,
        "collateral/library.html",
        "collateral/_library_cards.html",
        {
            "page": page,
            "assets": assets,
            "chosen": chosen,
            "kinds": Asset.Kind.choices,
            "regions": _regions(),
            **saved_views.context_for(request, "collateral.library"),
        },
    )


def _searched(request: HttpRequest, found: Any, text: str) -> Page[Any]:
    """The index gives the ranked ids; the filters apply to that page's worth of them.
    A search reads at most ``search.SEARCHED`` ids, best first."""
    ids = search.matching_ids(text, limit=search.SEARCHED)
    allowed = set(found.filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    ranked = [pk for pk in ids if pk in allowed]
    page = Paginator(ranked, PAGE_SIZE).get_page(request.GET.get("page"))
    by_id = Asset.objects.in_bulk(list(page.object_list))
    assets: Any = [by_id[pk] for pk in page.object_list if pk in by_id]
    page.object_list = assets
    return page


def _with_versions(assets: list[Any]) -> None:
    """Each asset's published version and figures, in two reads for the page."""
    from tandem.collateral.models import AssetVersion

    versions = AssetVersion.objects.defer("text").in_bulk(
        [a.published_version_id for a in assets if a.published_version_id]
    )
    figures = {
        row["pk"]: row
        for row in Asset.objects.filter(pk__in=[a.pk for a in assets])
        .with_figures()
        .values("pk", "downloads", "used", "rating")
    }
    for asset in assets:
        asset.shown_version = versions.get(asset.published_version_id)
        asset.figures = figures.get(asset.pk, {})


def _regions() -> list[str]:
    return list(
        Asset.objects.published()
        .exclude(region="")
        .values_list("region", flat=True)
        .distinct()
        .order_by("region")[:50]
    )


def open_deals(user: Any) -> Any:
    """The deals a use can be logged on: open ones, the person's own first."""
    return (
        Opportunity.objects.visible_to(user)
        .exclude(stage__in=("won", "lost"))
        .select_related("account")
        .order_by("name")[:OPEN_DEALS_SHOWN]
    )


@login_required
@require_POST
def use(request: HttpRequest, pk: int) -> HttpResponse:
    """Log that it was used with a customer or shared (optionally on a deal or contact)."""
    require_staff(request.user)
    asset = get_object_or_404(Asset.objects.visible_to(request.user), pk=pk)
    form = UseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose what you did with it.")
        return redirect("collateral:asset", asset.pk)
    opportunity = _picked(Opportunity, request, form.cleaned_data["opportunity"])
    contact = _picked(Contact, request, form.cleaned_data["contact"])
    try:
        library.log_use(
            actor=signed_in(request),
            asset=asset,
            action=form.cleaned_data["action"],
            opportunity=opportunity,
            contact=contact,
            note=form.cleaned_data["note"],
        )
    except DomainError as exc:
        report_error(request, exc)
    else:
        where = f" on {opportunity}" if opportunity else f" with {contact}" if contact else ""
        messages.success(request, f"Logged{where}. Thank you: it tells marketing what works.")
    return redirect("collateral:asset", asset.pk)


def _picked(model: Any, request: HttpRequest, raw: str) -> Any:
    """A record chosen by id, read through ``visible_to`` (a guessed id is a 404)."""
    if not raw:
        return None
    pk = parse_id(raw)
    return get_object_or_404(model.objects.visible_to(request.user), pk=pk if pk else -1)


@login_required
@require_POST
def feedback(request: HttpRequest, pk: int) -> HttpResponse:
    require_staff(request.user)
    asset = get_object_or_404(
        Asset.objects.visible_to(request.user).select_related("published_version"), pk=pk
    )
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a rating from 1 to 5, or one of the answers listed.")
        return redirect("collateral:asset", asset.pk)
    try:
        library.give_feedback(actor=signed_in(request), asset=asset, **form.cleaned_data)
    except DomainError as exc:
        report_error(request, exc)
    else:
        messages.success(request, "Thank you: the owner sees it.")
    return redirect(f"/collateral/{asset.pk}/#feedback")


@login_required
def analytics(request: HttpRequest) -> HttpResponse:
    """Downloads, uses and ratings per asset and per team, and influence on won deals."""
    require_staff(request.user)
    assets = paginate(
        request,
        Asset.objects.visible_to(request.user)
        .exclude(status=Asset.Status.DRAFT)
        .with_figures()
        .order_by("-used", "-downloads", "title"),
    )
    by_team = list(
        Usage.objects.filter(user__memberships__isnull=False)
        .values("user__memberships__team__name", "user__memberships__team__function")
        .annotate(
            downloads=Count("pk", filter=Q(action="downloaded")),
            used=Count("pk", filter=Q(action="used")),
        )
        .order_by("-used", "-downloads")[:20]
    )
    influence = Usage.objects.influence()
    ratings = Feedback.objects.aggregate(average=Avg("rating"), given=Count("pk"))
    top = [a for a in list(assets.object_list)[:10] if a.used or a.downloads]
    chart = {
        "labels": [a.title[:30] for a in top],
        "datasets": [
            {"label": "Used with customers", "values": [a.used for a in top]},
            {"label": "Downloads", "values": [a.downloads for a in top]},
        ],
    }
    return render_page_or_partial(
        request,
        "collateral/analytics.html",
        "collateral/_analytics_rows.html",
        {
            "page": assets,
            "by_team": by_team,
            "influence": influence,
            "ratings": ratings,
            "chart": chart if top else None,
        },
    )
