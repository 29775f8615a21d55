"""The page where a person creates and revokes personal access tokens."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tandem.api import services
from tandem.api.models import ApiToken
from tandem.core.errors import DomainError
from tandem.core.forms import form_error, report_error


class NewTokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What will use it, e.g. 'Reporting script'.")
    scope = forms.ChoiceField(choices=ApiToken.Scope.choices, initial=ApiToken.Scope.READ)


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    form = NewTokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_secret = services.create_token(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            form = NewTokenForm()
    listed = (
        ApiToken.objects.visible_to(request.user)
        .select_related("capture_granted_by")
        .order_by("revoked_at", "-created_at")[:100]
    )
    context = {
        "form": form,
        "tokens": listed,
        "new_secret": new_secret,
        "capturing": ApiToken.objects.capturing(request.user)[:100],
        "grant_form": GrantForm(),
    }
    response = render(request, "api/tokens.html", context)
    response["Cache-Control"] = "no-store"  # the page may hold a secret shown once
    return response


class GrantForm(forms.Form):
    key = forms.CharField(
        label="Token id",
        max_length=60,
        help_text="As its owner's token list shows it, e.g. tdm_1a2b3c4d5e6f_…",
    )


@login_required
@require_POST
def grant_capture(request: HttpRequest) -> HttpResponse:
    """An administrator grants touch capture to an integration's token, by its id."""
    form = GrantForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the token id, e.g. tdm_1a2b3c4d5e6f_…")
        return redirect("api_tokens")
    try:
        token = services.find_token_for_grant(actor=request.user, key=form.cleaned_data["key"])
        services.set_capture_grant(actor=request.user, token=token, granted=True)
    except DomainError as exc:
        report_error(request, exc)
    else:
        messages.success(
            request, f"{token.display} ({token.user}) may now capture touches through the API."
        )
    return redirect("api_tokens")


@login_required
@require_POST
def withdraw_capture(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.capturing(request.user), pk=pk)
    services.set_capture_grant(actor=request.user, token=token, granted=False)
    messages.success(request, f"{token.display} may no longer capture touches.")
    return redirect("api_tokens")


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.visible_to(request.user), pk=pk)
    services.revoke_token(actor=request.user, token=token)
    messages.success(
        request, f"Token {token.name} is revoked; anything using it stops working now."
    )
    return redirect("api_tokens")
