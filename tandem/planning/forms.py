"""Forms of the plan pages; the services validate again and name the field."""

from __future__ import annotations

from typing import Any

from django import forms

from tandem.planning.funnel import ASSUMPTIONS
from tandem.planning.models import Assumption, RevenueTarget


class OpenPeriodForm(forms.Form):
    year = forms.IntegerField(
        min_value=2000,
        max_value=2100,
        help_text="The calendar year the fiscal year starts in.",
    )


class TargetForm(forms.Form):
    q1 = forms.DecimalField(
        label="Q1", min_value=0, decimal_places=2, max_digits=14, required=False
    )
    q2 = forms.DecimalField(
        label="Q2", min_value=0, decimal_places=2, max_digits=14, required=False
    )
    q3 = forms.DecimalField(
        label="Q3", min_value=0, decimal_places=2, max_digits=14, required=False
    )
    q4 = forms.DecimalField(
        label="Q4", min_value=0, decimal_places=2, max_digits=14, required=False
    )
    dimension = forms.ChoiceField(
        label="Split by", choices=RevenueTarget.Dimension.choices, required=False
    )
    split = forms.CharField(
        label="Split",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text='One line each: "North: 100000, 100000, 150000, 150000" (Q1 to Q4). '
        "Each quarter's parts must add up to its target.",
    )
    note = forms.CharField(label="Why", required=False, max_length=500)

    def quarters(self) -> dict[str, Any]:
        return {str(q): self.cleaned_data.get(f"q{q}") for q in range(1, 5)}

    def clean_split(self) -> dict[str, dict[str, str]]:
        parts: dict[str, dict[str, str]] = {}
        for number, line in enumerate(self.cleaned_data.get("split", "").splitlines(), 1):
            if not line.strip():
                continue
            key, sep, amounts = line.partition(":")
            values = [v.strip() for v in amounts.split(",")]
            if not sep or not key.strip() or len(values) > 4:
                raise forms.ValidationError(
                    f'Line {number}: write "name: Q1, Q2, Q3, Q4", e.g. "North: 1000, 1000, 0, 0".'
                )
            parts[key.strip()] = {str(q): v for q, v in enumerate(values, 1) if v}
        return parts


class AssumptionForm(forms.Form):
    key = forms.ChoiceField(label="Figure", choices=[(k, s.label) for k, s in ASSUMPTIONS.items()])
    applies = forms.ChoiceField(label="Use it", choices=Assumption.Applies.choices)
    value = forms.CharField(
        label="Value",
        max_length=30,
        help_text="Rates in %, lags in days, the deal in the plan's currency.",
    )
    reason = forms.CharField(label="Why", required=False, max_length=500)
