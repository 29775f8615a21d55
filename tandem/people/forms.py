from typing import Any

from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.db import transaction

from tandem.core import ratelimit
from tandem.core.forms import RecordChoiceField
from tandem.people.models import Membership, Team, User, time_zone_choices
from tandem.people.passwords import password_changed


class EmailLoginForm(AuthenticationForm):
    """Django's login form with the field shown as e-mail."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "E-mail"
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autofocus": True, "autocomplete": "email"}
        )


class ProfileForm(forms.Form):
    full_name = forms.CharField(label="Name", max_length=150)
    job_title = forms.CharField(max_length=120, required=False)
    time_zone = forms.ChoiceField(choices=time_zone_choices)
    email_notifications = forms.BooleanField(
        label="Also send my notifications by e-mail", required=False
    )


class NewUserForm(forms.Form):
    full_name = forms.CharField(label="Name", max_length=150)
    email = forms.EmailField(label="E-mail", max_length=254)
    job_title = forms.CharField(max_length=120, required=False)
    time_zone = forms.ChoiceField(choices=time_zone_choices, initial="Europe/London")
    team = RecordChoiceField(queryset=Team.objects.all(), required=False, empty_label="No team yet")
    role = forms.ChoiceField(choices=Membership.Role.choices, initial="member")
    is_admin = forms.BooleanField(label="Administrator", required=False)


DESK_CHOICES = [("", "—"), *Team.Desk.choices]
DESK_HELP = "Front-line teams: where they meet the customers they refer to sales."


class NewTeamForm(forms.Form):
    name = forms.CharField(max_length=120)
    function = forms.ChoiceField(choices=Team.Function.choices)
    desk = forms.ChoiceField(
        choices=DESK_CHOICES, required=False, label="Meets customers", help_text=DESK_HELP
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )


class EditTeamForm(forms.Form):
    name = forms.CharField(max_length=120)
    desk = forms.ChoiceField(
        choices=DESK_CHOICES, required=False, label="Meets customers", help_text=DESK_HELP
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )


class GrantsForm(forms.Form):
    """What an administrator grants a person beyond their teams' rights."""

    may_export_lists = forms.BooleanField(
        required=False,
        label="May export whole lists",
        help_text="Contacts, accounts, opportunities and campaigns as CSV or XLSX.",
    )
    may_create_campaigns = forms.BooleanField(required=False, label="May create campaigns")


class AddMemberForm(forms.Form):
    email = forms.EmailField(label="Person's e-mail", max_length=254)
    role = forms.ChoiceField(choices=Membership.Role.choices, initial="member")


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices)


class ResetOrInviteForm(PasswordResetForm):
    """Password reset that also reaches people who never set one (lost invite links).

    At most RESETS_PER_HOUR e-mails per address, so the form cannot flood an inbox;
    the page looks the same either way, so it reveals nothing about accounts.
    """

    RESETS_PER_HOUR = 3

    def get_users(self, email: str) -> Any:
        return User.objects.filter(email=email.strip().lower(), is_active=True)

    def save(self, *args: Any, **kwargs: Any) -> None:
        email = self.cleaned_data["email"].strip().lower()
        verdict = ratelimit.hit(
            "password-reset-per-email", email, limit=self.RESETS_PER_HOUR, window=3600
        )
        if not verdict.allowed:
            return
        super().save(*args, **kwargs)


class ChangePasswordForm(PasswordChangeForm):
    """Django's change form; saving also revokes what the old password let be made."""

    revoked: list[str]

    def save(self, commit: bool = True) -> Any:
        with transaction.atomic():
            user = super().save(commit)
            self.revoked = password_changed(user=user, how="change")
        return user


class ChooseNewPasswordForm(SetPasswordForm):  # type: ignore[type-arg]  # generic in stubs only
    """The form behind a reset (or invitation) link; saving revokes as a change does."""

    revoked: list[str]

    def save(self, commit: bool = True) -> Any:
        with transaction.atomic():
            user = super().save(commit)
            self.revoked = password_changed(user=user, how="reset")
        return user
