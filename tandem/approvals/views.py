"""The Decisions page: what waits for me, what I asked for, what was decided lately.
Thin: read through the querysets, write through ``approvals.services``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from tandem.approvals import services
from tandem.approvals.forms import DecideForm, OverrideForm
from tandem.approvals.models import ApprovalRequest, Decision
from tandem.approvals.reads import card, cards
from tandem.core.errors import DomainError
from tandem.core.forms import form_error, report_error
from tandem.core.permissions import require_staff
from tandem.core.records import record_url
from tandem.notifications.views import thread_context
from tandem.people.auth import signed_in

RECENT = 30


@login_required
def decisions(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    require_staff(user)
    visible = ApprovalRequest.objects.visible_to(user)
    waiting = visible.waiting_for(user)
    context = {
        # The oldest first (longest waiting); a page of them, with how many there are.
        "waiting": [
            c
            for c in cards(waiting.order_by("requested_at", "id")[:RECENT], user)
            if c["may_decide"]
        ],
        "waiting_total": waiting.count(),
        "asked": cards(visible.asked_by(user)[:RECENT], user),
        "recent": cards(visible.exclude(status="open")[:RECENT], user),
        "mine": Decision.objects.filter(decided_by=user).select_related("request")[:RECENT],
    }
    return render(request, "approvals/decisions.html", context)


def _request(request: HttpRequest, pk: int) -> ApprovalRequest:
    require_staff(request.user)
    visible = ApprovalRequest.objects.visible_to(request.user)
    return get_object_or_404(visible, pk=pk)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    found = _request(request, pk)
    context = {"c": card(found, request.user), **thread_context(request, found)}
    return render(request, "approvals/detail.html", context)


def _answer(request: HttpRequest, found: ApprovalRequest, status: int = 200, **forms: Any) -> Any:
    """After a decision: htmx swaps the request's card; a plain form goes back.
    ``found`` is the request as the service left it (or, refused, as it was)."""
    if getattr(request, "htmx", None):
        context = {"c": card(found, request.user, **forms)}
        return render(request, "approvals/_card.html", context, status=status)
    if status != 200:
        context = {"c": card(found, request.user, **forms)}
        return render(request, "approvals/detail.html", context, status=status)
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)  # the page the card was on (the contract, the Decisions page)
    return redirect(record_url(found))


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    found = _request(request, pk)
    form = DecideForm(request.POST)
    if form.is_valid():
        try:
            decided = services.decide(
                actor=signed_in(request),
                request=found,
                outcome=form.cleaned_data["outcome"],
                version=form.cleaned_data["version"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _outcome_message(decided))
            return _answer(request, decided)
    return _answer(request, found, 422, decide_form=form)


def _outcome_message(found: ApprovalRequest) -> str:
    if found.status == ApprovalRequest.Status.APPROVED:
        return f"Approved by everyone it needed: {found.title} takes effect."
    if found.status == ApprovalRequest.Status.CHANGES_REQUESTED:
        return f"Changes requested: {found.title} goes back to {found.requested_by}."
    waiting = " and ".join(services.waiting_labels(services.requirements_of(found)))
    return f"Approved. {found.title} now waits for {waiting}."


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    found = _request(request, pk)
    try:
        found = services.withdraw(actor=signed_in(request), request=found)
    except DomainError as exc:
        report_error(request, exc)  # not theirs to withdraw: the 403 page
    else:
        messages.success(request, f"Withdrawn: {found.title}.")
    return _answer(request, found)


@login_required
@require_POST
def override(request: HttpRequest, pk: int) -> HttpResponse:
    found = _request(request, pk)
    form = OverrideForm(request.POST)
    if form.is_valid():
        try:
            found = services.override(
                actor=signed_in(request), request=found, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"Overridden: {found.title}.")
            return _answer(request, found)
    return _answer(request, found, 422, override_form=form)
