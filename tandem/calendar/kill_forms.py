"""Forms of the kill criteria and the cut/continue decision. They only shape the input;
the services check every threshold and rule, naming the field."""

from __future__ import annotations

from django import forms

from tandem.calendar.models import KillDecision
from tandem.campaigns.models import Campaign

DATE = forms.DateInput({"type": "date"}, format="%Y-%m-%d")
NUMBER = forms.TextInput({"inputmode": "decimal"})


class KillCriteriaForm(forms.Form):
    campaign_type = forms.ChoiceField(choices=Campaign.Type.choices, label="Campaign type")
    cost_per_sql_max = forms.CharField(
        required=False,
        max_length=20,
        widget=NUMBER,
        label="Flag when cost per SQL is above",
        help_text="In the currency below; leave empty to leave this criterion off.",
    )
    cost_per_sql_days = forms.CharField(
        required=False, max_length=6, widget=NUMBER, label="…after this many days live"
    )
    mql_share_min = forms.CharField(
        required=False,
        max_length=20,
        widget=NUMBER,
        label="Flag when MQLs are below this % of the forecast",
        help_text="The forecast: the campaign's expected leads a week over the days it ran.",
    )
    mql_share_days = forms.CharField(
        required=False, max_length=6, widget=NUMBER, label="…after this many days live"
    )
    roi_min = forms.CharField(
        required=False,
        max_length=20,
        widget=NUMBER,
        label="Flag when ROI at the end is below (%)",
        help_text="By the attribution model the heads chose; -100 means all spend lost.",
    )
    currency = forms.CharField(max_length=3, required=False, label="Currency of the cost")
    note = forms.CharField(
        max_length=500, required=False, widget=forms.Textarea({"rows": 2}), label="Why"
    )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=KillDecision.Outcome.choices, widget=forms.RadioSelect, label="Decision"
    )
    reason = forms.CharField(
        max_length=500,
        required=False,
        widget=forms.Textarea({"rows": 2}),
        help_text="Needed to continue: why, so sales knows too.",
    )
    review_on = forms.DateField(
        required=False, widget=DATE, label="Review on", help_text="Needed to continue."
    )
