"""The calendar's pages: month, week, quarter and timeline views of every campaign (one URL,
``?view=``), an item opened in place, its move (dragged, or the keyboard's form) and
sales' readiness. Reads through ``calendar.reads``; writes through the services."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from tandem.calendar import capacity_gate, readiness, reads
from tandem.calendar.forms import MoveForm, ReadinessForm
from tandem.campaigns import services as campaigns
from tandem.campaigns.models import Campaign
from tandem.core.errors import DomainError
from tandem.core.forms import error_message, form_error
from tandem.core.htmx import render_page_or_partial
from tandem.core.permissions import Action, can, require_works_here
from tandem.notifications.views import thread_context
from tandem.people.auth import signed_in


def _staff(request: HttpRequest) -> None:
    require_works_here(request.user, "the calendar")


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    """The calendar, or (htmx, as the view, dates or filters change) its grid alone."""
    _staff(request)
    shown = reads.calendar_view(request.user, request.GET, timezone.localdate())
    return render_page_or_partial(
        request, "calendar/calendar.html", "calendar/_grid.html", {"cal": shown}
    )


def _item(request: HttpRequest, pk: int) -> Campaign:
    """The campaign, if the person sees it (an outsider sees none: 404 for any id)."""
    return get_object_or_404(
        Campaign.objects.visible_to(request.user).select_related("owner", "team"), pk=pk
    )


def _item_context(request: HttpRequest, item: Campaign, **extra: Any) -> dict[str, Any]:
    found = reads.readiness_of(item)
    today = timezone.localdate()
    return {
        "item": item,
        "record": item,
        "label": "campaigns.campaign",
        "readiness": found,
        "checklist": [(words, getattr(found, f)) for f, words in found.CHECKLIST] if found else [],
        "needs_readiness": readiness.needs_readiness(item),
        "missing": readiness.launch_check(item),
        "may_mark": readiness.may_mark(request.user) and item.is_open,
        "may_move": can(request.user, Action.CHANGE, item) and item.is_open,
        "numbers": reads.numbers_of(item),
        # What its leads do to sales' weeks as it stands (the move form warns of a change).
        "impact": capacity_gate.warnings(item, item.starts_on, item.ends_on)
        if item.is_open and item.ends_on >= today
        else None,
        "move_form": extra.pop("move_form", None)
        or MoveForm(
            initial={
                "starts_on": max(item.starts_on, today)
                if item.status == Campaign.Status.PLANNED
                else item.starts_on,
                "ends_on": item.ends_on,
                "version": item.version,
            }
        ),
        "readiness_form": extra.pop("readiness_form", None)
        or ReadinessForm(
            initial={
                "status": found.status if found else "",
                "note": found.note if found else "",
                **({f: getattr(found, f) for f, _ in found.CHECKLIST} if found else {}),
            }
        ),
        "back": request.GET.get("back", "") or reverse("calendar:calendar"),
        **thread_context(request, item),
        **extra,
    }


@login_required
def item(request: HttpRequest, pk: int) -> HttpResponse:
    """An item opened in place (htmx, into the calendar's side panel) or as a page."""
    shown = _item(request, pk)
    return render_page_or_partial(
        request, "calendar/item.html", "calendar/_item.html", _item_context(request, shown)
    )


def _answer(request: HttpRequest, shown: Campaign, status: int, **extra: Any) -> HttpResponse:
    """htmx: the item panel again (the calendar refreshes itself on ``calendar-changed``);
    without JS: back to the calendar, or the item page with its errors."""
    if request.htmx or status != 200:  # type: ignore[attr-defined]
        shown.refresh_from_db()
        response = render_page_or_partial(
            request,
            "calendar/item.html",
            "calendar/_item.html",
            _item_context(request, shown, **extra),
            status=status,
        )
        if status == 200:
            response["HX-Trigger"] = "calendar-changed"
        return response
    messages.success(request, extra.get("done", "Saved."))
    back = request.POST.get("back", "")
    return redirect(back if back.startswith("/calendar/") else reverse("calendar:calendar"))


@login_required
@require_POST
def move(request: HttpRequest, pk: int) -> HttpResponse:
    """New dates for an item: its "Move" form, or a bar dropped on another day."""
    shown = _item(request, pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        # Over capacity: the figures first, nothing saved, and "Move anyway" to go ahead.
        warned = (
            []
            if data["confirm"] or shown.version != data["version"]
            else campaigns.schedule_warnings(shown, data["starts_on"], data["ends_on"])
        )
        if warned:
            return _answer(request, shown, 422, move_form=form, warnings=warned)
        try:
            campaigns.reschedule(
                actor=signed_in(request),
                campaign=shown,
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                version=data["version"],
                confirm_warnings=data["confirm"],
            )
        except DomainError as exc:
            # A conflict names the hidden version: shown above the form, not lost with it.
            if exc.field == "version":
                form.add_error(None, error_message(exc))
            else:
                form_error(form, exc)
        else:
            done = f"{shown.name} moved to {_dates(data['starts_on'], data['ends_on'])}."
            return _answer(request, shown, 200, done=done, moved=done)
    return _answer(request, shown, 422, move_form=form)


@login_required
@require_POST
def mark_readiness(request: HttpRequest, pk: int) -> HttpResponse:
    shown = _item(request, pk)
    form = ReadinessForm(request.POST)
    if form.is_valid():
        try:
            found = readiness.mark(actor=signed_in(request), campaign=shown, **form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            done = f"Readiness for {shown.name}: {found.get_status_display().lower()}."
            return _answer(request, shown, 200, done=done, marked=done)
    return _answer(request, shown, 422, readiness_form=form)


def _dates(first: date, last: date) -> str:
    return f"{first:%-d %b} to {last:%-d %b %Y}" if first != last else f"{first:%-d %b %Y}"
