"""The forms people decide with: approve or request changes, withdraw, override."""

from django import forms

from tandem.approvals.models import Decision
from tandem.approvals.services import MAX_COMMENT, MAX_REASON


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(choices=Decision.Outcome.choices, widget=forms.HiddenInput)
    # The version the decider looked at: a newer one since makes the decision stale.
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    comment = forms.CharField(
        required=False,
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when you ask for changes: say what should change.",
    )


class OverrideForm(forms.Form):
    reason = forms.CharField(
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown wherever the result is shown.",
    )
