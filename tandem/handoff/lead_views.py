"""Pages of a lead: a rep's queue, a head's board, a lead with its score and clocks,
and its accept, reject, follow-up, reassign, stage and conversion forms. Thin: parse,
call a service, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tandem.core.errors import DomainError
from tandem.core.forms import form_error, report_error
from tandem.core.permissions import Action, can, require_staff
from tandem.handoff import conversion, lifecycle, scoring
from tandem.handoff.forms import (
    ConvertForm,
    FollowUpForm,
    ReassignForm,
    RejectForm,
    StageForm,
)
from tandem.handoff.models import (
    OPEN_STAGES,
    Lead,
    Stage,
)
from tandem.handoff.routing import reassign as reassign_lead
from tandem.people.auth import signed_in

BOARD_STAGES = (Stage.MQL, Stage.ACCEPTED, Stage.SQL, Stage.RECYCLED)


def _lead(request: HttpRequest, pk: int) -> Lead:
    require_staff(request.user)
    return get_object_or_404(
        Lead.objects.visible_to(request.user).select_related(
            "contact__account",
            "rep",
            "team",
            "source_campaign",
            "rejection_reason",
            "opportunity",
        ),
        pk=pk,
    )


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """My leads: the rep's open leads, most urgent clock first, and any lead of the rep's
    teams that no rep could take (first to accept gets it)."""
    require_staff(request.user)
    mine = list(Lead.objects.queue_of(request.user)[:200])
    waiting = list(
        Lead.objects.filter(
            stage=Stage.MQL, rep__isnull=True, team_id__in=list(signed_in(request).team_roles())
        )
        .prefetch_related("contact__account")  # see LeadQuerySet.queue_of
        .order_by("accept_due_at", "-score")[:50]
    )
    return render(
        request,
        "handoff/queue.html",
        {"leads": mine, "waiting": waiting, "now": timezone.now()},
    )


@login_required
def board(request: HttpRequest) -> HttpResponse:
    """The heads' view of the funnel: a column per stage with counts and the most urgent
    leads, for the teams they head (everyone's when they head none)."""
    require_staff(request.user)
    leads = Lead.objects.visible_to(request.user)
    headed = signed_in(request).headed_team_ids()
    if headed and request.GET.get("all") != "1":
        leads = leads.filter(team_id__in=headed)
    counts = dict(
        leads.filter(stage__in=BOARD_STAGES)
        .values("stage")
        .annotate(n=Count("pk"))
        .values_list("stage", "n")
    )
    columns = []
    for stage in BOARD_STAGES:
        top = (
            leads.filter(stage=stage)
            .select_related("contact", "rep", "rejection_reason")
            .order_by("accept_due_at" if stage in OPEN_STAGES else "-stage_changed_at", "-score")[
                :20
            ]
        )
        columns.append(
            {
                "stage": stage,
                "label": Stage(stage).label,
                "count": counts.get(stage, 0),
                "leads": top,
            }
        )
    return render(
        request,
        "handoff/board.html",
        {"columns": columns, "now": timezone.now(), "headed": headed},
    )


@login_required
def lead(request: HttpRequest, pk: int) -> HttpResponse:
    found = _lead(request, pk)
    return _lead_page(request, found)


def _lead_page(request: HttpRequest, found: Lead, status: int = 200, **forms: Any) -> HttpResponse:
    user = signed_in(request)
    can_work = lifecycle.may_work(user, found) and found.stage in OPEN_STAGES
    # The picker offers what the service's rule allows; sales qualified is the
    # conversion form's (it opens or links the opportunity in the same step).
    moves = lifecycle.moves_for(user, found)
    can_convert = Stage.SQL in moves
    stage_form = forms.get("stage_form") or StageForm()
    context = {
        "lead": found,
        "contact": found.contact,
        "reasons": scoring.reasons_for(found),
        "events": found.events.select_related("actor", "reason", "rep")[:50],
        "breaches": found.breaches.order_by("-due_at")[:20],
        "referrals": found.referrals.select_related("referrer", "team").order_by("-id")[:5],
        "now": timezone.now(),
        "can_work": can_work,
        "can_assign": can(user, Action.ASSIGN, found) and found.stage in OPEN_STAGES,
        "reject_form": forms.get("reject_form") or RejectForm(),
        "follow_up_form": forms.get("follow_up_form") or FollowUpForm(),
        "reassign_form": forms.get("reassign_form") or ReassignForm(team_id=found.team_id),
        "stage_form": stage_form.offer([m for m in moves if m != Stage.SQL]),
        "can_convert": can_convert,
        # A refused conversion (say, a second click) shows its form with why.
        "convert_form": forms.get("convert_form")
        or (ConvertForm(lead=found, user=user) if can_convert else None),
    }
    return render(request, "handoff/lead.html", context, status=status)


def _done(request: HttpRequest, found: Lead, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("handoff:lead", pk=found.pk)


@login_required
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    found = _lead(request, pk)
    try:
        lifecycle.accept(actor=signed_in(request), lead=found)
    except DomainError as exc:
        report_error(request, exc)
        return redirect("handoff:lead", pk=found.pk)
    return _done(request, found, "Accepted. The follow-up clock is running.")


def _submit(
    request: HttpRequest,
    found: Lead,
    key: str,
    form: Any,
    action: Callable[[dict[str, Any]], Any],
    message: Callable[[dict[str, Any]], str],
) -> HttpResponse:
    """A lead page form: run the service, or show the page again with the errors."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            return _done(request, found, message(form.cleaned_data))
    return _lead_page(request, found, 422, **{key: form})


@login_required
@require_POST
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    found, actor = _lead(request, pk), signed_in(request)
    return _submit(
        request,
        found,
        "reject_form",
        RejectForm(request.POST),
        lambda data: lifecycle.reject(actor=actor, lead=found, **data),
        lambda data: "Rejected and sent back to nurture; marketing sees why.",
    )


@login_required
@require_POST
def follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    found, actor = _lead(request, pk), signed_in(request)
    return _submit(
        request,
        found,
        "follow_up_form",
        FollowUpForm(request.POST),
        lambda data: lifecycle.record_follow_up(actor=actor, lead=found, **data),
        lambda data: "Follow-up logged on the contact's timeline.",
    )


@login_required
@require_POST
def reassign(request: HttpRequest, pk: int) -> HttpResponse:
    found, actor = _lead(request, pk), signed_in(request)
    return _submit(
        request,
        found,
        "reassign_form",
        ReassignForm(request.POST, team_id=found.team_id),
        lambda data: reassign_lead(actor=actor, lead=found, rep=data["rep"]),
        lambda data: f"Reassigned to {data['rep']}.",
    )


@login_required
@require_POST
def move_stage(request: HttpRequest, pk: int) -> HttpResponse:
    found, actor = _lead(request, pk), signed_in(request)
    return _submit(
        request,
        found,
        "stage_form",
        StageForm(request.POST),
        lambda data: lifecycle.move_stage(actor=actor, lead=found, **data),
        lambda data: f"Moved to {Stage(data['stage']).label}.",
    )


@login_required
@require_POST
def convert(request: HttpRequest, pk: int) -> HttpResponse:
    """Sales qualified: open a new opportunity or link an open one, in one step."""
    found, actor = _lead(request, pk), signed_in(request)
    form = ConvertForm(request.POST, lead=found, user=actor)
    if form.is_valid():
        try:
            converted = conversion.convert(actor=actor, lead=found, **form.conversion())
        except DomainError as exc:
            form_error(form, exc)
        else:
            return _done(
                request, found, f"Sales qualified, with the opportunity {converted.opportunity}."
            )
    return _lead_page(request, found, 422, convert_form=form)
