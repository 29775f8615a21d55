from django import forms

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
