"""Pages of contacts: the list (and its exports), a new contact, a contact with its
timeline, campaigns and consent, and its edit form."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render

from tandem.core import saved_views
from tandem.core.errors import DomainError
from tandem.core.exports import export_response
from tandem.core.forms import form_error
from tandem.core.htmx import render_page_or_partial
from tandem.core.ids import parse_id
from tandem.core.pagination import paginate
from tandem.core.panels import panels_for
from tandem.core.permissions import ORGANISATION, Action, can, require
from tandem.crm import services
from tandem.crm.errors import CrmError
from tandem.crm.forms import (
    ActivityForm,
    ConsentForm,
    ContactForm,
)
from tandem.crm.models import Account, Activity, Contact
from tandem.crm.querysets import CONTACT_FILTERS
from tandem.crm.views import edit_record, sorted_by, timeline_context
from tandem.notifications.views import thread_context
from tandem.people import grants
from tandem.people.auth import signed_in

CONTACT_SORTS = {"name": ("last_name", "first_name", "id"), "-created": ("-id",)}


def _filtered_contacts(request: HttpRequest) -> Any:
    require(request.user, Action.CREATE_RECORD, ORGANISATION)
    found = Contact.objects.visible_to(request.user).list_filters(request.GET, request.user)
    return sorted_by(found.select_related("account", "owner"), request, CONTACT_SORTS)


@login_required
def export_contacts(request: HttpRequest, fmt: str) -> HttpResponseBase:
    grants.require_office(request.user, Action.EXPORT_LIST)
    rows = (
        (
            c.first_name,
            c.last_name,
            c.email,
            c.phone,
            c.job_title,
            c.account.name if c.account_id else "",
            c.owner.email if c.owner_id else "",
            "" if c.marketing_consent is None else ("yes" if c.marketing_consent else "no"),
        )
        for c in _filtered_contacts(request).iterator(chunk_size=2000)
    )
    headers = [
        "first_name",
        "last_name",
        "email",
        "phone",
        "job_title",
        "account_name",
        "owner",
        "marketing_consent",
    ]
    return export_response(name="contacts", fmt=fmt, headers=headers, rows=rows)


@login_required
def contacts(request: HttpRequest) -> HttpResponse:
    page = paginate(request, _filtered_contacts(request))
    return render_page_or_partial(
        request,
        "crm/contacts.html",
        "crm/_contact_rows.html",
        {
            "page": page,
            "activity_form": ActivityForm(),
            "panels": panels_for("crm.contacts", request, page),
            "may_export": grants.may_export_lists(request.user),
            "filters": [(k, request.GET[k]) for k in CONTACT_FILTERS if request.GET.get(k)],
            **saved_views.context_for(request, "crm.contacts"),
        },
    )


@login_required
def new_contact(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.CREATE_RECORD, ORGANISATION)
    form = ContactForm(request.POST or None)
    account_id = parse_id(request.GET.get("account"))
    linked = (
        Account.objects.visible_to(request.user).filter(pk=account_id).first()
        if account_id is not None
        else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.create_contact(
                actor=signed_in(request), account=linked, **form.cleaned_data
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"Contact {contact} created.")
            return redirect("crm:contact", pk=contact.pk)
    title = f"New contact at {linked}" if linked else "New contact"
    return render(request, "crm/form.html", {"form": form, "title": title})


@login_required
def contact(request: HttpRequest, pk: int) -> HttpResponse:
    shown = get_object_or_404(
        Contact.objects.visible_to(request.user).select_related("account", "owner"), pk=pk
    )
    context = timeline_context(request, contact_id=shown.pk)
    context.update({"record": shown, "label": "crm.contact"})
    if request.htmx:  # type: ignore[attr-defined]
        return render_page_or_partial(request, "crm/contact.html", "crm/_timeline.html", context)
    context.update(
        {
            "can_change": can(request.user, Action.CHANGE, shown) and not shown.erased_at,
            "can_log": can(request.user, Action.CREATE_RECORD, ORGANISATION)
            and not shown.erased_at,
            "noting": _just_logged(request, shown),
            "can_erase": can(request.user, Action.ERASE, shown) and not shown.erased_at,
            "panels": panels_for("crm.contact", request, shown),
            "consent_form": ConsentForm(
                initial={
                    "consent": {True: "yes", False: "no"}.get(shown.marketing_consent, "unknown"),
                    "source": "",
                }
            ),
            **thread_context(request, shown),
        }
    )
    return render(request, "crm/contact.html", context)


def _just_logged(request: HttpRequest, contact: Contact) -> Activity | None:
    """The activity a one-click log just made (``?noted=<id>``, after a plain post), for
    its note form: the signed-in person's own, on this contact."""
    activity_id = parse_id(request.GET.get("noted"))
    if activity_id is None:
        return None
    return (
        Activity.objects.visible_to(request.user)
        .filter(pk=activity_id, contact=contact, owner_id=request.user.pk)
        .first()
    )


@login_required
def edit_contact(request: HttpRequest, pk: int) -> HttpResponse:
    shown = get_object_or_404(Contact.objects.visible_to(request.user), pk=pk)
    if shown.erased_at:
        raise DomainError(CrmError.CONTACT_ERASED, "This contact was erased.")
    return edit_record(
        request,
        shown,
        ContactForm,
        lambda actor, record, data: services.update_contact(actor=actor, contact=record, **data),
        "crm:contact",
        properties="crm/_contact_properties.html",
    )
