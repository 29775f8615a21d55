"""Pages of the joint contract: the SLA and scoring model in force, changes waiting for
the other head, and the forms that propose them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tandem.attribution.models import AttributionChoice
from tandem.core.errors import DomainError
from tandem.core.forms import form_error
from tandem.core.permissions import require_staff
from tandem.handoff import contracts
from tandem.handoff.forms import (
    RuleFormSet,
    ScoringModelForm,
    SlaPolicyForm,
)
from tandem.handoff.models import (
    JointProposal,
    RejectionReason,
    ScoringModel,
    SlaPolicy,
)
from tandem.people.auth import signed_in


def _proposals(proposals: Any) -> dict[str, Any]:
    waiting = proposals.waiting().select_related(
        "proposed_by", "marketing_approved_by", "sales_approved_by"
    )
    return {"in_force": proposals.in_force(), "waiting": list(waiting[:10])}


@login_required
def contract(request: HttpRequest) -> HttpResponse:
    """The joint contract: the SLA and the scoring model in force, and changes waiting
    for the other head's approval."""
    require_staff(request.user)
    return render(
        request,
        "handoff/contract.html",
        {
            "sla": _proposals(SlaPolicy.objects.prefetch_related("tiers")),
            "score": _proposals(ScoringModel.objects.prefetch_related("rules")),
            "sides": contracts.head_sides(request.user),
            "reasons": RejectionReason.objects.all(),
        },
    )


@login_required
@require_POST
def decide(request: HttpRequest, kind: str, pk: int, decision: str) -> HttpResponse:
    require_staff(request.user)
    model = {"sla": SlaPolicy, "scoring": ScoringModel, "attribution": AttributionChoice}.get(kind)
    if model is None or decision not in ("approve", "withdraw"):
        raise Http404
    proposal = get_object_or_404(model.objects.all(), pk=pk)
    action = contracts.approve if decision == "approve" else contracts.withdraw
    try:
        result = action(actor=signed_in(request), proposal=proposal)
    except DomainError as exc:
        if exc.status == 403:
            raise
        messages.error(request, exc.message)
    else:
        if result.status == JointProposal.Status.ACTIVE:
            messages.success(request, "Approved by both sides: the change is now in force.")
        elif decision == "approve":
            messages.success(request, "Approved. It takes effect when the other side approves.")
        else:
            messages.success(request, "Withdrawn.")
    return redirect("attribution:report" if kind == "attribution" else "handoff:contract")


@login_required
def propose_sla(request: HttpRequest) -> HttpResponse:
    require_staff(request.user)
    current = SlaPolicy.objects.in_force()
    initial: dict[str, Any] = {}
    if current is not None:
        initial = {
            "mqls_per_month": current.mqls_per_month,
            "min_acceptance_rate": current.min_acceptance_rate,
        }
        for t in current.tiers.all():
            initial |= {
                f"{t.tier}_min_score": t.min_score,
                f"{t.tier}_accept": t.accept_within_hours,
                f"{t.tier}_follow_up": t.follow_up_within_hours,
            }
    form = SlaPolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contracts.propose_sla_policy(
                actor=signed_in(request),
                mqls_per_month=data["mqls_per_month"],
                min_acceptance_rate=data["min_acceptance_rate"],
                tiers=form.tiers(),
                note=data["note"],
            )
        except DomainError as exc:
            _tier_error(form, exc)
        else:
            messages.success(request, "Proposed. It takes effect when the other side approves.")
            return redirect("handoff:contract")
    status = 422 if form.errors else 200
    return render(
        request, "handoff/propose.html", {"form": form, "title": "Propose an SLA"}, status=status
    )


def _tier_error(form: Any, exc: DomainError) -> None:
    """``tiers[0].min_score`` -> the form's ``high_min_score`` field."""
    field = exc.field or ""
    if field.startswith("tiers[") and "]." in field:
        index, name = field[6:].split("].", 1)
        tier = ("high", "medium", "low")[int(index)] if index.isdigit() and int(index) < 3 else ""
        short = {"accept_within_hours": "accept", "follow_up_within_hours": "follow_up"}
        exc.field = f"{tier}_{short.get(name, name)}"
    form_error(form, exc)


@login_required
def propose_scoring(request: HttpRequest) -> HttpResponse:
    require_staff(request.user)
    current = ScoringModel.objects.in_force()
    initial = (
        {"threshold": current.threshold, "half_life_days": current.half_life_days}
        if current
        else {"threshold": 50, "half_life_days": 30}
    )
    rules_initial = (
        list(current.rules.values("kind", "field", "operator", "value", "points"))
        if current
        else []
    )
    form = ScoringModelForm(request.POST or None, initial=initial)
    rules = RuleFormSet(request.POST or None, initial=rules_initial, prefix="rules")
    if request.method == "POST" and form.is_valid() and rules.is_valid():
        given = [r for r in rules.cleaned_data if r and r.get("kind")]
        try:
            contracts.propose_scoring_model(
                actor=signed_in(request),
                threshold=form.cleaned_data["threshold"],
                half_life_days=form.cleaned_data["half_life_days"],
                rules=given,
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            field = exc.field or ""
            if field.startswith("rules[") and "]." in field:
                index, name = field[6:].split("].", 1)
                kept = [i for i, r in enumerate(rules.cleaned_data) if r and r.get("kind")]
                target = rules.forms[kept[int(index)]] if index.isdigit() else None
                if target is not None:
                    exc.field = name
                    form_error(target, exc)
            else:
                form_error(form, exc)
        else:
            messages.success(request, "Proposed. It takes effect when the other side approves.")
            return redirect("handoff:contract")
    status = 422 if (form.errors or any(f.errors for f in rules.forms)) else 200
    return render(
        request,
        "handoff/propose_scoring.html",
        {"form": form, "rules": rules, "title": "Propose scoring rules"},
        status=status,
    )
