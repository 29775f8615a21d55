"""Changing a password and choosing one through a reset link: Django's views, with the
revocation of other credentials said before (on the form) and after (on the done page)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import PasswordChangeView, PasswordResetConfirmView
from django.http import HttpRequest, HttpResponse

from tandem.people.forms import ChangePasswordForm, ChooseNewPasswordForm
from tandem.people.models import User
from tandem.people.passwords import live_credentials


def _say_revoked(request: HttpRequest, revoked: list[str]) -> None:
    if revoked:
        messages.success(
            request,
            f"Your password is changed and {', '.join(revoked)} revoked; make new ones "
            "for what used them.",
        )


class ChangePasswordView(PasswordChangeView):
    form_class = ChangePasswordForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["will_revoke"] = live_credentials(self.request.user)  # type: ignore[arg-type]
        return context

    def form_valid(self, form: ChangePasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        _say_revoked(self.request, form.revoked)
        return response


class ChooseNewPasswordView(PasswordResetConfirmView):
    form_class = ChooseNewPasswordForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = getattr(self, "user", None)  # set by Django's view when the link is valid
        if context.get("validlink") and isinstance(user, User):
            context["will_revoke"] = live_credentials(user)
        return context

    def form_valid(self, form: ChooseNewPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        _say_revoked(self.request, form.revoked)
        return response
