"""The budget's pages: the overview of a period, a line (months, spend, purchase orders,
proposals), the forms that add to them, the return page and the export. Thin: the
services do every write and check every rule."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tandem.approvals.reads import with_cards
from tandem.budget import reads, returns, services, spending
from tandem.budget.forms import CommitmentForm, LineForm, PlanForm, ReallocationForm, SpendForm
from tandem.budget.models import BudgetLine, Commitment, LineMonth, Reallocation, Spend
from tandem.budget.reallocation import propose_reallocation
from tandem.core.errors import DomainError, ErrorCode
from tandem.core.exports import export_response
from tandem.core.forms import form_error, report_error
from tandem.core.pagination import paginate
from tandem.core.permissions import Action, can, require_staff
from tandem.core.uploads import upload_refused
from tandem.people.auth import signed_in
from tandem.planning import fiscal
from tandem.planning.models import PlanPeriod


def _period(request: HttpRequest, pk: int) -> PlanPeriod:
    require_staff(request.user)
    return get_object_or_404(PlanPeriod.objects.visible_to(request.user), pk=pk)


def _line(request: HttpRequest, pk: int) -> BudgetLine:
    require_staff(request.user)
    return get_object_or_404(
        BudgetLine.objects.visible_to(request.user).select_related(
            "budget__period", "team", "owner"
        ),
        pk=pk,
    )


def _refuse_unless(user: Any, action: Action, obj: Any, what: str) -> None:
    if not can(user, action, obj):
        raise DomainError(ErrorCode.FORBIDDEN, f"You are not allowed to {what}.")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The latest open period's budget, or what to do first."""
    require_staff(request.user)
    periods = list(PlanPeriod.objects.visible_to(request.user)[:20])
    current = next((p for p in periods if p.is_open), periods[0] if periods else None)
    if current is not None:
        return redirect("budget:overview", current.pk)
    return render(request, "budget/home.html", {"periods": periods})


@login_required
def overview(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period(request, pk)
    context = reads.overview(period, request.user)
    lines = [line.pk for block in context["teams"] for line in block.lines]
    waiting = Reallocation.objects.touching(lines).waiting().select_related("from_line", "to_line")
    context.update(
        period=period,
        periods=PlanPeriod.objects.visible_to(request.user)[:10],
        months=[fiscal.month_label(m) for m in period.months],
        proposals=with_cards(waiting[:20], request.user),
    )
    return render(request, "budget/overview.html", context)


@login_required
def new_line(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period(request, pk)
    form = LineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        total = data.pop("total")
        try:
            line = services.add_line(actor=signed_in(request), period=period, **data)
            if total:
                services.spread_plan(
                    actor=signed_in(request), line=line, total=total, months=period.months
                )
        except DomainError as exc:
            if exc.code == ErrorCode.FORBIDDEN:
                raise
            form_error(form, exc)
        else:
            messages.success(request, "Line added. Plan its months next.")
            return redirect("budget:line", line.pk)
    return _form(request, form, f"New line in the {period} budget", period=period)


def _form(request: HttpRequest, form: Any, title: str, **extra: Any) -> HttpResponse:
    return render(
        request,
        "budget/form.html",
        {"form": form, "title": title, **extra},
        status=422 if form.errors else 200,
    )


@login_required
def line(request: HttpRequest, pk: int) -> HttpResponse:
    found = _line(request, pk)
    proposals = Reallocation.objects.touching([found.pk]).select_related("from_line", "to_line")
    return render(
        request,
        "budget/line.html",
        {
            "line": found,
            "period": found.budget.period,
            "months": LineMonth.objects.filter(line=found).order_by("month"),
            "spend_page": paginate(
                request, Spend.objects.filter(line=found).select_related("commitment")
            ),
            "commitments": Commitment.objects.filter(line=found)[:50],
            "proposals": with_cards(proposals[:20], request.user),
            "may_change": can(request.user, Action.CHANGE, found),
            "may_propose": can(request.user, Action.PROPOSE, Reallocation(from_line=found)),
            "campaigns": found.campaigns.all(),
        },
    )


@login_required
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    found = _line(request, pk)
    _refuse_unless(request.user, Action.CHANGE, found, "plan this line")
    period = found.budget.period
    initial = {f"m_{m.month.isoformat()}": m.planned for m in found.months.all()}
    form = PlanForm(request.POST or None, initial=initial, period=period)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["total"]:
                services.spread_plan(
                    actor=signed_in(request), line=found, total=data["total"], months=data["months"]
                )
            else:
                amounts = {
                    key[2:]: value
                    for key, value in data.items()
                    if key.startswith("m_") and value not in ("", None)
                }
                services.set_plan(actor=signed_in(request), line=found, amounts=amounts)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Plan saved.")
            return redirect("budget:line", found.pk)
    return _form(request, form, f"Plan {found.name}", line=found)


@login_required
def spend(request: HttpRequest, pk: int) -> HttpResponse:
    found = _line(request, pk)
    _refuse_unless(request.user, Action.CHANGE, found, "spend from this line")
    form = SpendForm(request.POST or None, request.FILES or None, line=found)
    if upload_refused(request):
        form.is_valid()
        form.add_error("attachment", "The file is too large.")
    elif request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        po = data.pop("commitment")
        try:
            spending.record_spend(
                actor=signed_in(request),
                line=found,
                commitment=found.commitments.filter(pk=po).first() if po else None,
                **data,
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Spend recorded.")
            return redirect("budget:line", found.pk)
    return _form(request, form, f"Spend from {found.name}", line=found, multipart=True)


@login_required
def commit(request: HttpRequest, pk: int) -> HttpResponse:
    found = _line(request, pk)
    _refuse_unless(request.user, Action.CHANGE, found, "commit money from this line")
    form = CommitmentForm(request.POST or None, period=found.budget.period)
    if request.method == "POST" and form.is_valid():
        try:
            spending.add_commitment(actor=signed_in(request), line=found, **form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Purchase order recorded.")
            return redirect("budget:line", found.pk)
    return _form(request, form, f"Purchase order on {found.name}", line=found)


@login_required
@require_POST
def close_commitment(request: HttpRequest, pk: int) -> HttpResponse:
    require_staff(request.user)
    found = get_object_or_404(
        Commitment.objects.visible_to(request.user).select_related("line"), pk=pk
    )
    try:
        spending.close_commitment(
            actor=signed_in(request), commitment=found, release=request.POST.get("how") != "closed"
        )
    except DomainError as exc:
        if exc.code == ErrorCode.FORBIDDEN:
            raise
        report_error(request, exc)
    return redirect("budget:line", found.line_id)


@login_required
@require_POST
def post_costs(request: HttpRequest, pk: int) -> HttpResponse:
    found = _line(request, pk)
    _refuse_unless(request.user, Action.CHANGE, found, "post costs to this line")
    posted = 0
    try:
        for campaign in found.campaigns.all():
            posted += len(spending.post_campaign_costs(actor=signed_in(request), campaign=campaign))
    except DomainError as exc:
        if exc.code == ErrorCode.FORBIDDEN:
            raise
        report_error(request, exc)
    else:
        messages.success(request, f"{posted} cost{'s' if posted != 1 else ''} posted.")
    return redirect("budget:line", found.pk)


@login_required
def propose(request: HttpRequest, pk: int) -> HttpResponse:
    found = _line(request, pk)
    _refuse_unless(
        request.user, Action.PROPOSE, Reallocation(from_line=found), "propose reallocations"
    )
    period = found.budget.period
    targets = (
        BudgetLine.objects.filter(
            budget__period__starts_on__in=[
                period.starts_on,
                fiscal.add_months(period.starts_on, 12),
            ],
            currency=found.currency,
        )
        .exclude(pk=found.pk)
        .select_related("team", "budget__period")
    )
    form = ReallocationForm(request.POST or None, line=found, targets=targets)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            propose_reallocation(
                actor=signed_in(request),
                from_line=found,
                to_line=targets.get(pk=data["to_line"]),
                amount=data["amount"],
                months=data["months"],
                rationale=data["rationale"],
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request,
                "Proposed. A head of marketing and a head of sales decide on the Decisions "
                "page; you never count as one of them.",
            )
            return redirect("budget:line", found.pk)
    return _form(request, form, f"Move money from {found.name}", line=found, submit="Propose")


@login_required
def return_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The ranking; a POST queues the campaigns' attribution reports it reads (a GET
    never starts a job, as on the campaign page)."""
    period = _period(request, pk)
    ranked = returns.ranking(period, request.user)
    if request.method == "POST":
        returns.campaign_reports(
            set(ranked["campaign_currencies"]), queue=True, user=signed_in(request)
        )
        messages.success(request, "The campaigns' return is being computed; reload in a minute.")
        return redirect("budget:return", period.pk)
    return render(request, "budget/return.html", {"period": period, **ranked})


@login_required
def export(request: HttpRequest, pk: int) -> HttpResponseBase:
    period = _period(request, pk)
    return export_response(
        name=f"budget-{period.starts_on:%Y-%m}",
        fmt="xlsx",
        headers=reads.EXPORT_HEADERS,
        rows=reads.export_rows(period, request.user),
    )


@login_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    require_staff(request.user)
    found = get_object_or_404(Spend.objects.visible_to(request.user), pk=pk)
    if not found.attachment:
        raise DomainError(ErrorCode.NOT_FOUND, "This spend has no attachment.")
    return FileResponse(
        found.attachment.open("rb"),
        as_attachment=True,
        filename=found.attachment.name.rsplit("/", 1)[-1],
        content_type=found.attachment_type or "application/octet-stream",
    )
