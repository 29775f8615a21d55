"""Files: downloading a version, its page images, the review page (a page with its pins
and their threads) and the side-by-side compare of two versions. Every file goes out
through a view that checks access first, so a guessed address is a 404; none is under
the static root or a public media URL."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from tandem.collateral import library, storage
from tandem.collateral.forms import PinForm, ReplyForm
from tandem.collateral.models import Asset, AssetVersion, Pin, PinComment, Usage
from tandem.collateral.reads import sign_off_card
from tandem.collateral.signoff import latest_request
from tandem.core.errors import DomainError
from tandem.core.forms import form_error, report_error
from tandem.core.permissions import require_staff
from tandem.people.auth import signed_in


def _version(request: HttpRequest, pk: int, number: Any) -> AssetVersion:
    require_staff(request.user)
    asset = get_object_or_404(Asset.objects.visible_to(request.user), pk=pk)
    try:
        wanted = int(number)
    except (TypeError, ValueError):
        raise Http404("No such version") from None
    return get_object_or_404(
        AssetVersion.objects.select_related("asset").defer("text"), asset=asset, number=wanted
    )


@login_required
def download(request: HttpRequest, pk: int, number: int) -> Any:
    """The version's file, as an attachment under its safe name; the download is logged
    (its owner's analytics count it, and if it is retired the downloader is told)."""
    version = _version(request, pk, number)
    library.log_use(
        actor=signed_in(request),
        asset=version.asset,
        action=Usage.Action.DOWNLOADED,
        version=version,
    )
    return storage.file_response(
        version.file.open("rb"),
        name=version.name,
        content_type=version.content_type,
        attachment=True,
    )


@login_required
def page_image(request: HttpRequest, pk: int, number: int, page: int) -> Any:
    version = _version(request, pk, number)
    try:
        name = storage.page_image(version, int(page))
    except DomainError:
        name = None
    if name is None:
        raise Http404("No such page")
    return storage.file_response(
        default_storage.open(name, "rb"),
        name=f"page-{page}.png",
        content_type="image/png",
        attachment=False,
    )


def _page_of(request: HttpRequest, version: AssetVersion) -> int:
    try:
        page = int(request.GET.get("page") or 1)
    except ValueError:
        page = 1
    return min(max(page, 1), max(version.pages, 1))


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """One page of a version with its pins: click a point to pin a comment (without
    JavaScript, give the point as fractions)."""
    require_staff(request.user)
    asset = get_object_or_404(Asset.objects.visible_to(request.user), pk=pk)
    number = request.GET.get("version") or asset.version_count
    version = _version(request, pk, number)
    page = _page_of(request, version)
    return _review_page(request, asset, version, page, PinForm(initial={"page": page}))


def _review_page(
    request: HttpRequest, asset: Asset, version: AssetVersion, page: int, form: PinForm
) -> HttpResponse:
    pins = list(
        version.pins.filter(page=page)
        .select_related("author", "resolved_by")
        .prefetch_related(Prefetch("comments", PinComment.objects.select_related("author")))
    )
    return render(
        request,
        "collateral/review.html",
        {
            "record": asset,
            "version": version,
            "page": page,
            "pages": range(1, version.pages + 1),
            "pins": pins,
            "pin_form": form,
            "reply_form": ReplyForm(),
            "versions": asset.versions.defer("text").order_by("-number"),
            "has_pages": version.pages > 0 and bool(version.preview),
            "sign_off": sign_off_card(latest_request(asset), request.user)
            if version.number == asset.version_count
            else None,
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def pin(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    version = _version(request, pk, number)
    form = PinForm(request.POST)
    if form.is_valid():
        try:
            library.pin_comment(actor=signed_in(request), version=version, **form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            page = form.cleaned_data["page"]
            url = reverse("collateral:review", args=[pk])
            return redirect(f"{url}?version={version.number}&page={page}")
    page = form.cleaned_data.get("page") or _page_of(request, version)
    return _review_page(request, version.asset, version, page, form)


def _pin(request: HttpRequest, pk: int, pin_id: int) -> Pin:
    require_staff(request.user)
    asset = get_object_or_404(Asset.objects.visible_to(request.user), pk=pk)
    return get_object_or_404(
        Pin.objects.select_related("version__asset"), pk=pin_id, version__asset=asset
    )


def _back_to(found: Pin) -> HttpResponse:
    url = reverse("collateral:review", args=[found.version.asset_id])
    return redirect(f"{url}?version={found.version.number}&page={found.page}#pin-{found.pk}")


@login_required
@require_POST
def reply(request: HttpRequest, pk: int, pin_id: int) -> HttpResponse:
    found = _pin(request, pk, pin_id)
    try:
        library.reply_to_pin(actor=signed_in(request), pin=found, text=request.POST.get("text", ""))
    except DomainError as exc:
        report_error(request, exc)
    return _back_to(found)


@login_required
@require_POST
def resolve(request: HttpRequest, pk: int, pin_id: int) -> HttpResponse:
    found = _pin(request, pk, pin_id)
    try:
        library.resolve_pin(actor=signed_in(request), pin=found)
    except DomainError as exc:
        report_error(request, exc)
    else:
        messages.success(request, "Resolved.")
    return _back_to(found)


@login_required
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    """Two versions' pages side by side (``?a=1&b=2&page=1``): the latest two by default."""
    require_staff(request.user)
    asset = get_object_or_404(Asset.objects.visible_to(request.user), pk=pk)
    latest = asset.version_count
    left = _version(request, pk, request.GET.get("a") or max(latest - 1, 1))
    right = _version(request, pk, request.GET.get("b") or latest)
    page = _page_of(request, left if left.pages >= right.pages else right)
    return render(
        request,
        "collateral/compare.html",
        {
            "record": asset,
            "left": left,
            "right": right,
            "page": page,
            "pages": range(1, max(left.pages, right.pages, 1) + 1),
            "pair": (left, right),
            "versions": asset.versions.defer("text").order_by("-number"),
        },
    )
