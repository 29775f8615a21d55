from typing import Any

from django import forms

from tandem.calendar.models import Readiness

DATE = forms.DateInput({"type": "date"}, format="%Y-%m-%d")


class MoveForm(forms.Form):
    starts_on = forms.DateField(label="Starts", widget=DATE)
    ends_on = forms.DateField(label="Ends", widget=DATE)
    # The version the mover saw: someone else's change since then is a conflict.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    # Set by "Move anyway": the mover saw the over-capacity warning and goes ahead.
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


class ReadinessForm(forms.Form):
    status = forms.ChoiceField(
        choices=Readiness.Status.choices, widget=forms.RadioSelect, label="Sales is"
    )
    note = forms.CharField(
        max_length=500,
        required=False,
        widget=forms.Textarea({"rows": 2}),
        help_text="What sales needs, or why it is not ready (needed unless ready).",
    )
    reps_briefed = forms.BooleanField(required=False, label="Reps briefed")
    collateral_signed_off = forms.BooleanField(required=False, label="Collateral signed off")
    capacity_booked = forms.BooleanField(required=False, label="Follow-up capacity booked")


class FeedForm(forms.Form):
    """A new feed: its name and the calendar's filters (choices from ``filter_choices``)."""

    name = forms.CharField(
        max_length=100,
        help_text="Where you will subscribe to it, e.g. 'Outlook at work'.",
    )

    def __init__(self, *args: Any, choices: dict[str, list[tuple[str, str]]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        anything = {
            "team": "All teams",
            "owner": "Anyone",
            "channel": "Any channel",
            "type": "Any type",
            "region": "Every region",
            "status": "Any status",
        }
        for name, label in anything.items():
            self.fields[name] = forms.ChoiceField(
                label=name.capitalize(),
                required=False,
                choices=[("", label), *choices.get(name, [])],
            )
