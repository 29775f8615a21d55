from typing import Any

from django import forms

from tandem.core.forms import RecordChoiceField
from tandem.crm.models import Activity, Opportunity


class AccountForm(forms.Form):
    name = forms.CharField(max_length=200)
    domain = forms.CharField(max_length=253, required=False, help_text="e.g. acme.co.uk")
    industry = forms.CharField(max_length=100, required=False)
    segment = forms.CharField(max_length=100, required=False)
    region = forms.CharField(max_length=100, required=False)


class ContactForm(forms.Form):
    first_name = forms.CharField(max_length=100, required=False)
    last_name = forms.CharField(max_length=100, required=False)
    email = forms.CharField(label="E-mail", max_length=254, required=False)
    phone = forms.CharField(
        max_length=40, required=False, help_text="e.g. 07700 900123 or +44 7700 900123"
    )
    job_title = forms.CharField(max_length=120, required=False)


class ConsentForm(forms.Form):
    consent = forms.TypedChoiceField(
        choices=[
            ("yes", "Agreed to marketing"),
            ("no", "Refused or withdrew"),
            ("unknown", "Not asked"),
        ],
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
        label="Marketing consent",
    )
    source = forms.CharField(max_length=200, label="Where (e.g. phone call, branch form)")


class OpportunityForm(forms.Form):
    name = forms.CharField(max_length=200)
    amount = forms.DecimalField(max_digits=14, decimal_places=2, min_value=0, initial=0)
    currency = forms.CharField(max_length=3, initial="GBP")
    close_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


class StageForm(forms.Form):
    stage = forms.ChoiceField(choices=Opportunity.Stage.choices)
    reason = forms.CharField(max_length=300, required=False, label="Why (needed when lost)")


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(choices=Activity.Kind.choices, initial=Activity.Kind.CALL)
    subject = forms.CharField(max_length=200)
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=10000, label="Notes"
    )
    due_at = forms.DateTimeField(
        required=False,
        label="Due (tasks)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


def possible_owners() -> Any:
    """Who may own a deal: active people in a team (what the service checks again)."""
    from tandem.people.models import User

    return (
        User.objects.active()
        .filter(memberships__isnull=False)
        .distinct()
        .order_by("full_name", "email")
    )


class OpportunityEditForm(forms.Form):
    """Every property of a deal, or only some (``only``: one property edited in place
    on the record page). Values are checked by ``update_opportunity``, the one rule for
    the page, the board and the API: the amount arrives as typed."""

    name = forms.CharField(max_length=200)
    amount = forms.CharField(
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text="e.g. 12500.00",
    )
    currency = forms.CharField(max_length=3, help_text="e.g. GBP, EUR, USD")
    close_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    stage = forms.ChoiceField(choices=Opportunity.Stage.choices)
    reason = forms.CharField(
        max_length=300, required=False, label="Why won or lost (needed when lost)"
    )
    owner = RecordChoiceField(queryset=None, empty_label=None)

    def __init__(self, *args: Any, only: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, RecordChoiceField)
        owner.queryset = possible_owners()
        for name in list(self.fields):
            if only and name not in only:
                del self.fields[name]


class MoveForm(forms.Form):
    """A card's "Move to" on the pipeline board: the keyboard's way, and the form a
    dragged card submits."""

    stage = forms.ChoiceField(choices=Opportunity.Stage.choices, label="Move to")
    reason = forms.CharField(max_length=300, required=False, label="Why (needed when lost)")
