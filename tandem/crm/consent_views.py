"""A person's data rights on their contact page: consent (withdrawn consent returns only by
their own opt-in link) and erasure."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tandem.core.errors import DomainError
from tandem.core.forms import report_error
from tandem.crm import consent, services
from tandem.crm.forms import ConsentForm
from tandem.crm.models import Contact
from tandem.people.auth import signed_in


@login_required
@require_POST
def contact_consent(request: HttpRequest, pk: int) -> HttpResponse:
    shown = get_object_or_404(Contact.objects.visible_to(request.user), pk=pk)
    form = ConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the consent and say where it was given.")
    else:
        try:
            services.set_consent(
                actor=signed_in(request),
                contact=shown,
                consent=form.cleaned_data["consent"],
                source=form.cleaned_data["source"],
            )
        except DomainError as exc:
            report_error(request, exc)
        else:
            messages.success(request, "Consent recorded.")
    return redirect("crm:contact", pk=shown.pk)


@login_required
@require_POST
def ask_to_opt_in(request: HttpRequest, pk: int) -> HttpResponse:
    shown = get_object_or_404(Contact.objects.visible_to(request.user), pk=pk)
    try:
        sent = consent.ask_to_opt_in(actor=signed_in(request), contact=shown)
    except DomainError as exc:
        report_error(request, exc)
    else:
        messages.success(
            request,
            f"We e-mailed {shown.email} a link to opt in; consent returns when they confirm."
            if sent
            else "An opt-in link went to them within the last hour; give them time to answer.",
        )
    return redirect("crm:contact", pk=shown.pk)


def confirm_opt_in(request: HttpRequest, token: str) -> HttpResponse:
    """The person's own link (no log-in). GET asks, POST confirms: mail scanners that
    open links must not give consent on the person's behalf. (The site's referrer
    policy, same-origin, keeps the link from leaving for another site; "no-referrer"
    here made browsers post the confirmation with ``Origin: null``, which the CSRF check
    refuses.)"""
    context: dict[str, Any] = {}
    try:
        if request.method == "POST":
            consent.confirm_opt_in(token=token)
            context["confirmed"] = True
        else:
            contact, _ = consent.read_link(token)
            context["already"] = contact.marketing_consent is True
    except DomainError as exc:
        context["error"] = exc.message
    return render(request, "crm/opt_in.html", context, status=404 if "error" in context else 200)


@login_required
@require_POST
def erase_contact(request: HttpRequest, pk: int) -> HttpResponse:
    shown = get_object_or_404(Contact.objects.visible_to(request.user), pk=pk)
    if request.POST.get("confirm") != "ERASE":
        messages.error(request, "Type ERASE to confirm: erasure cannot be undone.")
        return redirect("crm:contact", pk=shown.pk)
    services.erase_contact(actor=signed_in(request), contact=shown)
    messages.success(request, "The contact's personal data is erased everywhere.")
    return redirect("crm:contact", pk=shown.pk)
