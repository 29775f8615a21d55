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
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            form = NewTokenForm()
    listed = ApiToken.objects.visible_to(request.user).order_by("revoked_at", "-created_at")[:100]
    response = render(
        request, "api/tokens.html", {"form": form, "tokens": listed, "new_secret": new_secret}
    )
    response["Cache-Control"] = "no-store"  # the page may hold a secret shown once
    return response


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.visible_to(request.user), pk=pk)
    services.revoke_token(actor=request.user, token=token)
    messages.success(
        request, f"Token {token.name} is revoked; anything using it stops working now."
    )
    return redirect("api_tokens")
