"""Forms of the budget: they shape the input; the services check every rule and name
the field at fault."""

from __future__ import annotations

from typing import Any

from django import forms

from tandem.budget.models import BudgetLine
from tandem.campaigns.models import Campaign
from tandem.core.forms import RecordChoiceField, RecordMultipleChoiceField
from tandem.people.models import Team, User
from tandem.planning import fiscal

DATE = forms.DateInput({"type": "date"}, format="%Y-%m-%d")
MONEY = 20  # characters of an amount as typed


def choices_of(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    field: Any = form.fields[name]
    field.choices = choices


def month_choices(period: Any) -> list[tuple[str, str]]:
    return [(m.isoformat(), fiscal.month_label(m)) for m in period.months]


class LineForm(forms.Form):
    team = RecordChoiceField(
        Team.objects.filter(function__in=(Team.Function.MARKETING, Team.Function.SALES)).order_by(
            "name"
        )
    )
    name = forms.CharField(max_length=200)
    category = forms.ChoiceField(choices=BudgetLine.Category.choices)
    currency = forms.CharField(max_length=3, required=False, help_text="Empty: the period's.")
    campaigns = RecordMultipleChoiceField(
        Campaign.objects.order_by("name"), required=False, help_text="Campaigns it pays for."
    )
    funds = RecordMultipleChoiceField(
        User.objects.filter(is_active=True, memberships__team__function=Team.Function.SALES)
        .distinct()
        .order_by("full_name"),
        required=False,
        label="Reps and resources it funds",
        help_text="Sales lines only.",
    )
    total = forms.CharField(required=False, label="Planned for the year", max_length=MONEY)


class PlanForm(forms.Form):
    """The plan per month, or a total spread evenly over the months ticked."""

    total = forms.CharField(required=False, label="Spread this total", max_length=MONEY)
    months = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="over these months"
    )

    def __init__(self, *args: Any, period: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices_of(self, "months", month_choices(period))
        for value, label in month_choices(period):
            self.fields[f"m_{value}"] = forms.CharField(
                required=False, label=label, max_length=MONEY
            )


class SpendForm(forms.Form):
    amount = forms.CharField(max_length=MONEY)
    currency = forms.CharField(max_length=3, required=False, help_text="Empty: the line's.")
    spent_on = forms.DateField(widget=DATE, label="Spent on")
    supplier = forms.CharField(max_length=200, required=False)
    note = forms.CharField(max_length=500, required=False)
    commitment = forms.ChoiceField(required=False, label="Settles purchase order")
    attachment = forms.FileField(required=False, help_text="Invoice or receipt: PDF, PNG or JPEG.")

    def __init__(self, *args: Any, line: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices_of(
            self,
            "commitment",
            [("", "None")]
            + [
                (str(c.pk), f"PO {c.number} ({c.supplier})")
                for c in line.commitments.filter(status="open")
            ],
        )


class CommitmentForm(forms.Form):
    number = forms.CharField(max_length=60, label="PO number")
    supplier = forms.CharField(max_length=200)
    amount = forms.CharField(max_length=MONEY)
    month = forms.ChoiceField()
    note = forms.CharField(max_length=500, required=False)

    def __init__(self, *args: Any, period: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices_of(self, "month", month_choices(period))


class ReallocationForm(forms.Form):
    to_line = forms.ChoiceField(label="Move to line")
    amount = forms.CharField(max_length=MONEY)
    months = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="From these months",
        help_text="None ticked: the latest months first.",
    )
    rationale = forms.CharField(max_length=500, widget=forms.Textarea({"rows": 3}))

    def __init__(self, *args: Any, line: Any, targets: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices_of(self, "months", month_choices(line.budget.period))
        choices_of(
            self,
            "to_line",
            [(str(t.pk), f"{t.name} ({t.team.name}, {t.budget.period})") for t in targets],
        )
