from django import forms

from tandem.campaigns.models import Campaign, Channel
from tandem.core.forms import RecordChoiceField


class CampaignForm(forms.Form):
    name = forms.CharField(max_length=200)
    type = forms.ChoiceField(choices=Campaign.Type.choices)
    channel = forms.ChoiceField(choices=Channel.choices)
    starts_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    planned_budget = forms.DecimalField(max_digits=14, decimal_places=2, initial=0)
    currency = forms.CharField(max_length=3, initial="GBP")
    expected_leads_per_week = forms.IntegerField(initial=0)
    audience = forms.CharField(max_length=300, required=False)
    region = forms.CharField(
        max_length=100, required=False, help_text="Where it runs; blank for every region."
    )
    goal = forms.CharField(max_length=300, required=False)
    parent = RecordChoiceField(
        queryset=Campaign.objects.exclude(status="cut").order_by("-starts_on", "name"),
        required=False,
        empty_label="None (a top-level campaign)",
        help_text="A campaign this one is part of, e.g. a trade-show series.",
    )


class CostForm(forms.Form):
    incurred_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.DecimalField(max_digits=14, decimal_places=2)
    description = forms.CharField(max_length=200)


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Campaign.Status.choices)
