from datetime import date, timedelta
from typing import Any

from django import forms

from tandem.attribution.journeys import BY_CAMPAIGN, BY_CHANNEL, PIPELINE, REVENUE, Scope
from tandem.attribution.models import MAX_LOOKBACK_DAYS, MODELS
from tandem.campaigns.models import Campaign
from tandem.core.dates import RANGE, in_range

MAX_PERIOD_DAYS = 3 * 366


class ScopeForm(forms.Form):
    """The report's filters, read from the query string; every field has a default, so
    an empty query string is a valid report (the last 90 days of pipeline)."""

    conversion = forms.ChoiceField(
        choices=[(PIPELINE, "Pipeline (opportunity created)"), (REVENUE, "Revenue (won)")],
        required=False,
    )
    by = forms.ChoiceField(
        label="Credit", choices=[(BY_CHANNEL, "By channel"), (BY_CAMPAIGN, "By campaign")],
        required=False,
    )  # fmt: skip
    start = forms.DateField(label="From", required=False, widget=forms.DateInput({"type": "date"}))
    end = forms.DateField(label="To", required=False, widget=forms.DateInput({"type": "date"}))
    lookback_days = forms.IntegerField(
        label="Lookback (days)", min_value=1, max_value=MAX_LOOKBACK_DAYS, required=False
    )
    region = forms.CharField(max_length=100, required=False)
    segment = forms.CharField(max_length=100, required=False)
    campaign_type = forms.ChoiceField(
        label="Campaign type", choices=[("", "Any"), *Campaign.Type.choices], required=False
    )
    currency = forms.RegexField(regex=r"^[A-Z]{3}$", max_length=3, required=False)

    def __init__(self, *args: Any, today: date, lookback_days: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.default_lookback = lookback_days

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        end = data.get("end") or self.today
        start = data.get("start") or end - timedelta(days=89)
        if start > end:
            self.add_error("start", "The period starts after it ends.")
        elif (end - start).days > MAX_PERIOD_DAYS:
            self.add_error("start", "Choose a period of at most three years.")
        elif not (in_range(start) and in_range(end)):
            self.add_error("start", f"Choose dates {RANGE}.")
        data["start"], data["end"] = start, end
        return data

    def scope(self, time_zone: str) -> Scope:
        data = self.cleaned_data
        return Scope(
            conversion=data.get("conversion") or PIPELINE,
            start=data["start"],
            end=data["end"],
            lookback_days=data.get("lookback_days") or self.default_lookback,
            currency=data.get("currency") or "GBP",
            region=(data.get("region") or "").strip(),
            segment=(data.get("segment") or "").strip(),
            campaign_type=data.get("campaign_type") or "",
            by=data.get("by") or BY_CHANNEL,
            time_zone=time_zone,
        )


class ChoiceForm(forms.Form):
    model = forms.ChoiceField(choices=[(k, v[0]) for k, v in MODELS.items()])
    lookback_days = forms.IntegerField(
        label="Lookback (days)", min_value=1, max_value=MAX_LOOKBACK_DAYS
    )
    note = forms.CharField(max_length=500, required=False)
