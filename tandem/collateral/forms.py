"""Forms of collateral. They only shape the input; the services check every rule and
name the field at fault."""

from __future__ import annotations

from typing import Any

from django import forms

from tandem.campaigns.models import Campaign
from tandem.collateral.models import Asset, CollateralRequest, Feedback, Usage
from tandem.core.forms import RecordChoiceField, RecordMultipleChoiceField
from tandem.people.models import Team, User

DATE = forms.DateInput({"type": "date"}, format="%Y-%m-%d")


def sales_people() -> Any:
    return (
        User.objects.filter(is_active=True, memberships__team__function=Team.Function.SALES)
        .distinct()
        .order_by("full_name")
    )


class AssetForm(forms.Form):
    title = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=Asset.Kind.choices)
    audience = forms.CharField(max_length=200, required=False, label="Audience or segment")
    region = forms.CharField(
        max_length=100, required=False, help_text="Leave empty for everywhere."
    )
    products = forms.CharField(max_length=300, required=False)
    campaign = RecordChoiceField(
        Campaign.objects.filter(status__in=Campaign.OPEN_STATUSES).order_by("name"),
        required=False,
    )
    tags = forms.CharField(max_length=300, required=False, help_text="Separate them with commas.")
    expires_on = forms.DateField(
        required=False,
        widget=DATE,
        help_text="It retires on this day; you are told 14 days before.",
    )
    printer = forms.CharField(max_length=200, required=False, help_text="For printed kinds only.")
    print_quantity = forms.IntegerField(required=False, min_value=1, max_value=10_000_000)
    print_due_on = forms.DateField(required=False, widget=DATE, label="Print due on")


class NewAssetForm(AssetForm):
    reps = RecordMultipleChoiceField(
        sales_people(),
        required=False,
        label="Owning sales reps",
        help_text="They sign it off. With none, any rep of the region (or any rep) signs.",
    )
    file = forms.FileField(required=False, help_text="PDF, image, Word, PowerPoint, Excel or MP4.")
    note = forms.CharField(max_length=500, required=False, label="About this version")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reps = self.fields["reps"]
        assert isinstance(reps, RecordMultipleChoiceField)
        reps.queryset = sales_people()


class VersionForm(forms.Form):
    file = forms.FileField(help_text="PDF, image, Word, PowerPoint, Excel or MP4.")
    note = forms.CharField(
        max_length=500, required=False, label="What changed", widget=forms.Textarea({"rows": 2})
    )


class PolicyForm(forms.Form):
    reps = RecordMultipleChoiceField(sales_people(), required=False, label="Owning sales reps")
    sales_team = RecordChoiceField(
        Team.objects.filter(function=Team.Function.SALES),
        required=False,
        label="Or any rep of",
        help_text="Used when no rep is named; with neither, any sales rep signs.",
    )
    front_line = forms.BooleanField(required=False, label="A front-line reviewer signs")
    front_line_team = RecordChoiceField(
        Team.objects.filter(function=Team.Function.FRONT_LINE),
        required=False,
        label="From",
        help_text="A branch or the call centre; empty: anyone on the front line.",
    )
    head = forms.BooleanField(required=False, label="A head of sales signs")
    in_order = forms.BooleanField(
        required=False, label="One after another", help_text="Otherwise all at once."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reps = self.fields["reps"]
        assert isinstance(reps, RecordMultipleChoiceField)
        reps.queryset = sales_people()


class RetireForm(forms.Form):
    reason = forms.CharField(max_length=300, label="Why it is retired")


class PinForm(forms.Form):
    page = forms.IntegerField(min_value=1)
    x = forms.DecimalField(min_value=0, max_value=1, decimal_places=4, label="Across (0 to 1)")
    y = forms.DecimalField(min_value=0, max_value=1, decimal_places=4, label="Down (0 to 1)")
    text = forms.CharField(max_length=2000, widget=forms.Textarea({"rows": 2}), label="Comment")


class ReplyForm(forms.Form):
    text = forms.CharField(max_length=2000, widget=forms.Textarea({"rows": 2}), label="Reply")


class UseForm(forms.Form):
    action = forms.ChoiceField(
        choices=[(Usage.Action.USED, "Used with a customer"), (Usage.Action.SHARED, "Shared")],
        initial=Usage.Action.USED,
        widget=forms.RadioSelect,
    )
    opportunity = forms.CharField(
        max_length=20, required=False, label="On opportunity (id)", widget=forms.HiddenInput
    )
    contact = forms.CharField(max_length=20, required=False, widget=forms.HiddenInput)
    note = forms.CharField(max_length=500, required=False, widget=forms.Textarea({"rows": 2}))


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        choices=[("", "No rating"), *((str(n), f"{n} ★") for n in range(1, 6))],
        coerce=int,
        empty_value=None,
        required=False,
    )
    verdict = forms.ChoiceField(
        choices=[("", "—"), *Feedback.Verdict.choices], required=False, label="It is"
    )
    comment = forms.CharField(max_length=2000, required=False, widget=forms.Textarea({"rows": 2}))


class AskForm(forms.Form):
    title = forms.CharField(max_length=200, label="What is needed")
    detail = forms.CharField(max_length=2000, required=False, widget=forms.Textarea({"rows": 3}))
    audience = forms.CharField(max_length=200, required=False, label="For whom")
    needed_by = forms.DateField(required=False, widget=DATE, label="Needed by")
    campaign = RecordChoiceField(
        Campaign.objects.filter(status__in=Campaign.OPEN_STATUSES).order_by("name"),
        required=False,
    )
    variant_of = forms.CharField(max_length=20, required=False, widget=forms.HiddenInput)


class TriageForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[
            (CollateralRequest.Status.ACCEPTED, "Accept"),
            (CollateralRequest.Status.DECLINED, "Decline"),
            (CollateralRequest.Status.DUPLICATE, "Duplicate of another request"),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        max_length=500, required=False, widget=forms.Textarea({"rows": 2}), label="Why declined"
    )
    duplicate_of = RecordChoiceField(
        CollateralRequest.objects.all().order_by("-created_at"), required=False
    )


class DeliverForm(forms.Form):
    asset = RecordChoiceField(
        Asset.objects.exclude(status=Asset.Status.RETIRED).order_by("title"),
        label="The asset that answers it",
    )
