"""What the record pages share: list sorting, the merged timeline, the edit form, and
the activities logged and tasks completed from any record. Each kind's own pages are
in ``account_views``, ``contact_views`` and ``opportunity_views``."""

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from tandem.core.errors import DomainError
from tandem.core.forms import error_message, form_error, report_error
from tandem.core.pagination import paginate
from tandem.core.permissions import Action, require
from tandem.crm import services
from tandem.crm.forms import (
    ActivityForm,
)
from tandem.crm.models import Account, Activity, Contact, Opportunity
from tandem.crm.opportunity_timeline import describe, owner_ids
from tandem.crm.querysets import sort_matches
from tandem.crm.timeline import kinds as timeline_kinds
from tandem.crm.timeline import sides as timeline_sides
from tandem.crm.timeline import timeline
from tandem.people.auth import signed_in
from tandem.people.models import User


def sorted_by(queryset: Any, request: HttpRequest, sorts: Mapping[str, tuple[str, ...]]) -> Any:
    order = sorts.get(request.GET.get("sort", ""), next(iter(sorts.values())))
    if request.GET.get("q", "").strip():  # search results: see sort_matches
        return queryset.order_by(*sort_matches(queryset.model, order))
    return queryset.order_by(*order)


def mine_only(queryset: Any, request: HttpRequest) -> Any:
    return queryset.owned_by(request.user.pk) if request.GET.get("mine") == "1" else queryset


def timeline_context(request: HttpRequest, **where: int) -> dict[str, Any]:
    """The merged timeline page, with the people who did each entry loaded in one query.
    ``where``: contact_id, account_id or opportunity_id."""
    subject = next(iter(where)).removesuffix("_id")
    labels = dict(timeline_kinds(subject))
    sides = timeline_sides(subject)
    kind = request.GET.get("kind", "")
    kind = kind if kind in labels else ""
    side = request.GET.get("side", "")
    side = side if side in sides else ""
    page = paginate(request, timeline(**where, kind=kind, side=side), per_page=20)
    entries = list(page.object_list)
    people = User.objects.in_bulk(
        {e["who_id"] for e in entries if e["who_id"]} | owner_ids(entries)
    )
    # Only an account's timeline mixes people; a contact's entries are all that contact.
    contacts = (
        Contact.objects.in_bulk({e["contact_id"] for e in entries if e["contact_id"]})
        if "account_id" in where
        else {}
    )
    page.object_list = [
        {
            **e,
            "who": people.get(e["who_id"]),
            "contact": contacts.get(e["contact_id"]),
            "kind_label": labels.get(e["entry_kind"], ""),
            "side_label": sides.get(e["side"], ""),
            **({"detail": describe(e, people)} if e["side"] == "change" else {}),
        }
        for e in entries
    ]
    return {
        "timeline": page,
        "now": timezone.now(),
        "kind": kind,
        "side": side,
        "kinds": list(labels.items()),
        "sides": sides,
        "activity_form": ActivityForm(),
    }


@login_required
@require_POST
def log_activity(request: HttpRequest, label: str, pk: int) -> HttpResponse:
    """Quick-add from a list row or a detail page; answers with a one-line confirmation
    (htmx) or goes back to the record."""
    model = {"crm.contact": Contact, "crm.account": Account, "crm.opportunity": Opportunity}.get(
        label
    )
    if model is None:
        return render(request, "404.html", status=404)
    record = get_object_or_404(model.objects.visible_to(request.user), pk=pk)  # type: ignore[attr-defined]
    form = ActivityForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            services.log_activity(
                actor=signed_in(request),
                **form.cleaned_data,
                **{label.removeprefix("crm."): record},
            )
        except DomainError as exc:
            error = error_message(exc)
    else:
        error = "; ".join(f"{form.fields[f].label or f}: {e[0]}" for f, e in form.errors.items())
    if request.htmx:  # type: ignore[attr-defined]
        return render(
            request,
            "crm/_logged.html",
            {"record": record, "error": error},
            status=422 if error else 200,
        )
    if error:
        messages.error(request, error)
    return redirect(f"crm:{label.split('.')[1]}", pk=record.pk)


# The front line's two clicks: what each quick button logs (kind, subject), by its word
# in the address.
QUICK_LOGS = {
    "visit": (Activity.Kind.IN_BRANCH, "Branch visit"),
    "call": (Activity.Kind.CALL, "Phone call"),
}


def _quick_logged(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    """The confirmation (with the note form) in place of the buttons' status line; the
    contact's timeline reloads itself on the ``activity-logged`` event."""
    response = render(request, "crm/_quick_logged.html", context, status=status)
    if status == 200:
        response["HX-Trigger"] = "activity-logged"
    return response


@login_required
@require_POST
def quick_log(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    """ "Log branch visit" or "Log call" on a contact in one click (an htmx post from the
    contact page or a list row, or a plain form post); a note can follow. Without
    JavaScript it goes back to the contact page, which offers the note form."""
    contact = get_object_or_404(Contact.objects.visible_to(request.user), pk=pk)
    if what not in QUICK_LOGS:
        return render(request, "404.html", status=404)
    kind, subject = QUICK_LOGS[what]
    try:
        activity = services.log_activity(
            actor=signed_in(request), kind=kind, subject=subject, contact=contact
        )
    except DomainError as exc:
        if request.htmx:  # type: ignore[attr-defined]
            return _quick_logged(request, {"error": error_message(exc)}, 422)
        report_error(request, exc)
        return redirect("crm:contact", pk=contact.pk)
    if request.htmx:  # type: ignore[attr-defined]
        return _quick_logged(request, {"activity": activity, "record": contact})
    messages.success(request, f"{subject} logged on {contact}'s timeline.")
    return redirect(f"{reverse('crm:contact', args=[contact.pk])}?noted={activity.pk}#quick-log")


@login_required
@require_POST
def add_note(request: HttpRequest, pk: int) -> HttpResponse:
    """The note that follows a quick log (or any activity of one's own), added to it."""
    activity = get_object_or_404(
        Activity.objects.visible_to(request.user).select_related("contact"), pk=pk
    )
    error = ""
    try:
        services.add_activity_note(
            actor=signed_in(request), activity=activity, note=request.POST.get("note", "")
        )
    except DomainError as exc:
        error = error_message(exc)
    if request.htmx:  # type: ignore[attr-defined]
        context = {"activity": activity, "record": activity.contact, "error": error}
        return _quick_logged(request, {**context, "noted": not error}, status=422 if error else 200)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "Note added.")
    if activity.contact_id:
        return redirect("crm:contact", pk=activity.contact_id)
    return redirect("crm:account", pk=activity.account_id)


@login_required
@require_POST
def complete_task(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Mark done" on a task of a timeline: the task's line again (htmx), or back to the
    record it is on."""
    task = get_object_or_404(Activity.objects.visible_to(request.user), pk=pk)
    error = ""
    try:
        services.complete_task(actor=signed_in(request), activity=task)
    except DomainError as exc:
        error = error_message(exc)
    if request.htmx:  # type: ignore[attr-defined]
        context = {
            "task_id": task.pk,
            "due_at": task.due_at,
            "done_at": task.done_at,
            "now": timezone.now(),
            "error": error,
        }
        return render(request, "crm/_task_state.html", context, status=422 if error else 200)
    if error:
        messages.error(request, error)
    if task.opportunity_id:
        return redirect("crm:opportunity", pk=task.opportunity_id)
    if task.contact_id:
        return redirect("crm:contact", pk=task.contact_id)
    return redirect("crm:account", pk=task.account_id)  # log_activity always sets one


def edit_record(
    request: HttpRequest,
    record: Any,
    form_class: Any,
    save: Any,
    url_name: str,
    properties: str = "",
) -> HttpResponse:
    """Edit form for a record: initial values from it, saved through its service.

    With ``properties`` (the record page's side column, a template with
    ``id="properties"``), ``?field=name`` edits that one property in place: for htmx
    the column comes back with the field's form (GET), saved, or with the error (422);
    without JS it is a page with that one field. An htmx GET without a field is the
    column as it was ("Cancel")."""
    require(request.user, Action.CHANGE, record)
    field = request.GET.get("field", "")
    only = (field,) if properties and field in form_class.base_fields else ()
    fields = only or tuple(form_class.base_fields)
    form = form_class(request.POST or None, initial={f: getattr(record, f) for f in fields})
    for name in list(form.fields):
        if name not in fields:
            del form.fields[name]
    in_place = bool(properties) and bool(request.htmx)  # type: ignore[attr-defined]
    column = {"record": record, "can_change": True}
    if in_place and request.method == "GET" and not only:
        return render(request, properties, column)
    if request.method == "POST" and form.is_valid():
        try:
            save(signed_in(request), record, form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            if in_place:
                record.refresh_from_db()
                return render(request, properties, {**column, "saved": True})
            messages.success(request, f"{record} saved.")
            return redirect(url_name, pk=record.pk)
    status = 422 if form.errors else 200
    if in_place:
        editing = {**column, "form": form, "editing": field}
        return render(request, properties, editing, status=status)
    return render(
        request,
        "crm/form.html",
        {"form": form, "title": f"Edit {record}"},
        status=status,
    )
