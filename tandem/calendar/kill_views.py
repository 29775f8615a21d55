"""Pages of the kill criteria (those in force per campaign type, proposals waiting for the
other head, the form that proposes), and the cut/continue decision on a flagged campaign
(from the calendar's item panel or the campaign page). Thin: services in ``kill``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from tandem.approvals.contracts import contract_sides
from tandem.approvals.reads import with_cards
from tandem.calendar import kill
from tandem.calendar.kill_forms import DecisionForm, KillCriteriaForm
from tandem.calendar.models import KillCriteria, KillDecision, KillFlag
from tandem.campaigns.models import Campaign
from tandem.core.errors import DomainError
from tandem.core.exchange_rates import home_currency
from tandem.core.forms import form_error
from tandem.core.money import format_money
from tandem.core.panels import Panel
from tandem.core.permissions import require_staff
from tandem.people.auth import signed_in


@login_required
def kill_criteria(request: HttpRequest) -> HttpResponse:
    """The criteria in force for each campaign type, and proposals waiting."""
    require_staff(request.user)
    current = kill.in_force()
    types: list[dict[str, Any]] = []
    for code, label in Campaign.Type.choices:
        criteria = current.get(code)
        said = kill.said(criteria) if criteria else ""
        types.append({"code": code, "label": label, "criteria": criteria, "said": said})
    waiting = with_cards(
        KillCriteria.objects.waiting().select_related("proposed_by")[:20], request.user
    )
    for proposal in waiting:
        proposal.said = kill.said(proposal)
    return render(
        request,
        "calendar/kill_criteria.html",
        {"types": types, "waiting": waiting, "sides": contract_sides(request.user)},
    )


@login_required
def propose(request: HttpRequest) -> HttpResponse:
    """Propose criteria for one type (``?type=`` starts from those in force for it)."""
    require_staff(request.user)
    chosen = request.GET.get("type", "")
    current = kill.in_force().get(chosen) if chosen in Campaign.Type.values else None
    initial: dict[str, Any] = {"campaign_type": chosen, "currency": home_currency()}
    if current is not None:
        for name in (
            "cost_per_sql_max", "cost_per_sql_days", "mql_share_min", "mql_share_days",
            "roi_min", "currency",
        ):  # fmt: skip
            value = getattr(current, name)
            initial[name] = "" if value is None else value
    form = KillCriteriaForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            kill.propose_kill_criteria(actor=signed_in(request), **form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Proposed. It takes effect when the other side approves.")
            return redirect("calendar:kill_criteria")
    return render(
        request,
        "calendar/propose_kill.html",
        {"form": form, "title": "Propose kill criteria"},
        status=422 if form.errors else 200,
    )


def flag_context(
    request: HttpRequest, campaign: Campaign, form: DecisionForm | None = None
) -> dict[str, Any]:
    """What the "Flagged" block shows of a campaign: its open flags (or the latest
    decision) and, for whoever may decide, the form. Three small reads."""
    flags = list(KillFlag.objects.open().of_campaign(campaign.pk).order_by("criterion"))
    latest = (
        KillDecision.objects.filter(campaign_id=campaign.pk)
        .select_related("decided_by")
        .order_by("-decided_at", "-id")
        .first()
    )
    for flag in flags:
        flag.said = _measured(flag)
    return {
        "kill_flags": flags,
        "kill_latest": latest,
        "kill_may_decide": bool(flags) and kill.may_decide(request.user, campaign),
        "decision_form": form or DecisionForm(),
        "kill_campaign": campaign,
    }


def _measured(flag: KillFlag) -> str:
    if flag.currency:
        measured = format_money(flag.measured, flag.currency)
        threshold = format_money(flag.threshold, flag.currency)
    else:
        measured = f"{flag.measured.normalize():f} %"
        threshold = f"{flag.threshold.normalize():f} %"
    verb = "above" if flag.criterion == KillFlag.Criterion.COST_PER_SQL else "below"
    return (
        f"{flag.get_criterion_display()} {measured}, {verb} the {threshold} agreed, "
        f"after {flag.days_live} day{'s' if flag.days_live != 1 else ''} live"
    )


def campaign_panel(request: HttpRequest, campaign: Campaign) -> dict[str, Any]:
    """The block on the campaign page (``core.panels``: campaigns does not import us)."""
    return flag_context(request, campaign)


KILL_PANEL = Panel("calendar/_kill_panel.html", campaign_panel, "side")


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Cut or continue a flagged campaign: the owner, a head of its team, or an admin."""
    from tandem.calendar import views  # the item panel's answer, as its own forms get

    shown = get_object_or_404(
        Campaign.objects.visible_to(request.user).select_related("owner", "team"), pk=pk
    )
    kill.require_decider(request.user, shown)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            decision = kill.decide(actor=signed_in(request), campaign=shown, **form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            done = _done(shown, decision)
            if request.htmx:  # type: ignore[attr-defined]
                return views._answer(request, shown, 200, done=done, decided=done)
            messages.success(request, done)
            return redirect(_back(request, shown))
    if request.htmx:  # type: ignore[attr-defined]
        return views._answer(request, shown, 422, decision_form=form)
    return render(
        request,
        "calendar/kill_decide.html",
        {"campaign": shown, **flag_context(request, shown, form), "back": _back(request, shown)},
        status=422,
    )


def _done(campaign: Campaign, decision: KillDecision) -> str:
    if decision.outcome == KillDecision.Outcome.CUT:
        freed = format_money(decision.freed_budget, campaign.currency)
        return f"{campaign.name} is cut; {freed} of its budget is freed."
    return f"{campaign.name} continues; it is looked at again on {decision.review_on:%-d %b %Y}."


def _back(request: HttpRequest, campaign: Campaign) -> str:
    back = request.POST.get("back", "")
    if back.startswith(("/calendar/", "/campaigns/")) and "//" not in back:
        return back
    return reverse("campaigns:campaign", args=[campaign.pk])
