"""Who marks sales' readiness besides the heads of sales: their delegates, appointed and
removed by a head. Everyone who works here may read the list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tandem.calendar import readiness
from tandem.calendar.models import ReadinessDelegate
from tandem.core.errors import DomainError, ErrorCode
from tandem.core.forms import report_error
from tandem.core.ids import parse_id
from tandem.core.permissions import is_staff, require_works_here
from tandem.people.auth import signed_in
from tandem.people.models import Membership, Team, User


@login_required
def delegates(request: HttpRequest) -> HttpResponse:
    require_works_here(request.user, "who marks readiness")
    if request.method == "POST":
        chosen = parse_id(request.POST.get("user"))
        found = User.objects.filter(pk=chosen).first() if chosen else None
        try:
            if found is None:
                raise DomainError(ErrorCode.INVALID, "Choose someone from the list.", field="user")
            readiness.appoint(actor=signed_in(request), user=found)
        except DomainError as exc:
            report_error(request, exc)
        else:
            messages.success(request, f"{found} may now mark sales' readiness.")
        return redirect("calendar:delegates")
    current = ReadinessDelegate.objects.select_related("user", "appointed_by").order_by(
        "user__full_name"
    )
    heads = User.objects.filter(
        memberships__role=Membership.Role.HEAD,
        memberships__team__function=Team.Function.SALES,
        is_active=True,
    ).distinct()
    candidates = (
        User.objects.filter(memberships__team__function=Team.Function.SALES, is_active=True)
        .exclude(pk__in=current.values("user_id"))
        .exclude(pk__in=heads.values("pk"))
        .distinct()
        .order_by("full_name")
    )
    context = {
        "delegates": current,
        "heads": heads.order_by("full_name"),
        "candidates": candidates,
        "may_appoint": readiness.heads_sales(request.user),
    }
    return render(request, "calendar/delegates.html", context)


@login_required
@require_POST
def remove_delegate(request: HttpRequest, pk: int) -> HttpResponse:
    if not is_staff(request.user):
        raise DomainError(ErrorCode.FORBIDDEN, "You are not allowed to change who marks readiness.")
    found = get_object_or_404(ReadinessDelegate.objects.select_related("user"), pk=pk)
    try:
        readiness.remove(actor=signed_in(request), delegate=found)
    except DomainError as exc:
        report_error(request, exc)
    else:
        messages.success(request, f"{found.user} no longer marks sales' readiness.")
    return redirect("calendar:delegates")
