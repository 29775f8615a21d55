from __future__ import annotations

from typing import Any

from django import forms

from tandem.core.forms import RecordChoiceField, RecordMultipleChoiceField
from tandem.crm.models import Account, Activity, Opportunity
from tandem.handoff.conversion import open_opportunities, suggested_accounts
from tandem.handoff.models import Lead, RejectionReason, ScoringRule, Stage, Tier
from tandem.handoff.scoring import FIT_FIELDS
from tandem.people.models import Team, User, time_zone_choices


class RejectForm(forms.Form):
    reason = forms.ChoiceField(choices=())
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="What marketing should know, e.g. “student, no budget”.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        active = RejectionReason.objects.filter(active=True)
        self.fields["reason"].choices = [  # type: ignore[attr-defined]
            ("", "Choose a reason"),
            *active.values_list("code", "label"),
        ]


class FollowUpForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[
            (Activity.Kind.CALL, "Call"),
            (Activity.Kind.EMAIL, "E-mail"),
            (Activity.Kind.MEETING, "Meeting"),
        ]
    )
    subject = forms.CharField(max_length=200)
    body = forms.CharField(
        label="Notes", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=10000
    )


class ReassignForm(forms.Form):
    rep = RecordChoiceField(queryset=User.objects.none(), empty_label="Choose a rep")

    def __init__(self, *args: Any, team_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team = User.objects.active().filter(memberships__team_id=team_id).order_by("full_name")
        self.fields["rep"].queryset = team  # type: ignore[attr-defined]


class StageForm(forms.Form):
    """Any stage is parsed (the service refuses a move its rule does not allow, however
    it was sent); ``offer`` narrows the picker to the moves the rule allows."""

    stage = forms.ChoiceField(choices=Stage.choices)
    why = forms.CharField(max_length=300)

    def offer(self, moves: list[str]) -> StageForm:
        self.fields["stage"].choices = [(m, Stage(m).label) for m in moves]  # type: ignore[attr-defined]
        return self


class ConvertForm(forms.Form):
    """Sales qualified: open a new opportunity on the lead's account or link an open one
    (and, for a contact with no account, choose or name the account). Ids are checked
    against what the user may see; whether they fit the lead is the service's rule."""

    NEW, LINK = "new", "link"
    account = RecordChoiceField(
        queryset=Account.objects.none(),
        required=False,
        empty_label="A new account, named below",
        label="Their company's account",
    )
    account_name = forms.CharField(
        max_length=200,
        required=False,
        label="New account's name",
    )
    choice = forms.ChoiceField(
        label="Opportunity",
        choices=[(NEW, "Open a new opportunity"), (LINK, "Link an open opportunity")],
        initial=NEW,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    opportunity = RecordChoiceField(
        queryset=Opportunity.objects.none(),
        required=False,
        empty_label="Choose the opportunity",
        label="Open opportunity to link",
    )
    name = forms.CharField(
        max_length=200,
        required=False,
        label="Name of the new opportunity",
    )
    amount = forms.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.01"}),
    )
    currency = forms.CharField(max_length=3, initial="GBP")
    close_date = forms.DateField(
        required=False,
        label="Expected close date",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    why = forms.CharField(
        max_length=300,
        required=False,
        label="Note",
    )

    def __init__(self, *args: Any, lead: Lead, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        account = lead.contact.account
        self.needs_account = account is None
        fields: Any = self.fields
        fields["opportunity"].queryset = Opportunity.objects.visible_to(user)
        self.linkable = list(open_opportunities(account))
        fields["opportunity"].widget.choices = [
            ("", "Choose the opportunity"),
            *(
                (o.pk, f"{o.name} ({o.get_stage_display()}, {o.amount} {o.currency})")
                for o in self.linkable
            ),
        ]
        if not self.linkable:
            fields["choice"].choices = fields["choice"].choices[:1]
        if self.needs_account:
            fields["account"].queryset = Account.objects.visible_to(user)
            fields["account"].widget.choices = [
                ("", "A new account, named below"),
                *((a.pk, a.name) for a in suggested_accounts(lead.contact, user)),
            ]
        else:
            del fields["account"], fields["account_name"]
            self.initial.setdefault("name", f"{account}: new opportunity")

    def new_opportunity_fields(self) -> list[Any]:
        return [self[name] for name in ("name", "amount", "currency", "close_date")]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("choice") == self.LINK and not data.get("opportunity"):
            self.add_error("opportunity", "Choose the opportunity to link.")
        return data

    def conversion(self) -> dict[str, Any]:
        """The service's arguments: a link, or a new opportunity's details."""
        data = self.cleaned_data
        linking = data["choice"] == self.LINK
        return {
            "opportunity": data["opportunity"] if linking else None,
            "name": data["name"],
            "amount": data["amount"],
            "currency": data["currency"],
            "close_date": data["close_date"],
            "account": data.get("account"),
            "account_name": data.get("account_name", ""),
            "why": data["why"],
        }


class SlaPolicyForm(forms.Form):
    mqls_per_month = forms.IntegerField(label="MQLs per month (marketing's promise)", min_value=1)
    min_acceptance_rate = forms.DecimalField(
        label="Minimum acceptance rate, % (marketing's promise)",
        min_value=0,
        max_value=100,
        decimal_places=2,
    )
    note = forms.CharField(max_length=500, required=False, label="Why this change")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for tier, label in Tier.choices:
            self.fields[f"{tier}_min_score"] = forms.IntegerField(label=f"{label}: score from")
            self.fields[f"{tier}_accept"] = forms.DecimalField(
                label=f"{label}: accept or reject within (business hours)", decimal_places=2
            )
            self.fields[f"{tier}_follow_up"] = forms.DecimalField(
                label=f"{label}: first follow-up within (business hours)", decimal_places=2
            )

    def tiers(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        return [
            {
                "tier": tier,
                "min_score": data[f"{tier}_min_score"],
                "accept_within_hours": data[f"{tier}_accept"],
                "follow_up_within_hours": data[f"{tier}_follow_up"],
            }
            for tier in Tier.values
        ]


RULE_FIELDS = [("", "—")] + [(k, v[0]) for k, v in FIT_FIELDS.items()]


class ScoringModelForm(forms.Form):
    threshold = forms.IntegerField(label="MQL threshold (points)", min_value=1)
    half_life_days = forms.DecimalField(
        label="Engagement half-life (days)", min_value=0.1, decimal_places=2
    )
    note = forms.CharField(max_length=500, required=False, label="Why this change")


class RuleForm(forms.Form):
    kind = forms.ChoiceField(choices=[("", "—"), *ScoringRule.Kind.choices], required=False)
    field = forms.CharField(
        max_length=40,
        required=False,
        help_text="Fit: job_title, email, phone, account.name, account.domain, "
        "account.industry, account.segment, account.region. Engagement: a touch kind "
        "(ad_click, visit, form, email_open, email_click, event, call, branch_visit).",
    )
    operator = forms.ChoiceField(choices=[("", "—"), *ScoringRule.Operator.choices], required=False)
    value = forms.CharField(max_length=200, required=False)
    points = forms.IntegerField(required=False)


RuleFormSet = forms.formset_factory(RuleForm, extra=3, max_num=200, validate_max=True)


WEEKDAYS = [
    ("1", "Mon"),
    ("2", "Tue"),
    ("3", "Wed"),
    ("4", "Thu"),
    ("5", "Fri"),
    ("6", "Sat"),
    ("7", "Sun"),
]


class RoutingRuleForm(forms.Form):
    name = forms.CharField(max_length=120)
    position = forms.IntegerField(
        min_value=0,
        max_value=1000,
        initial=0,
        help_text="Rules are tried from the lowest position up.",
    )
    region = forms.CharField(max_length=100, required=False, help_text="Blank: any region.")
    segment = forms.CharField(max_length=100, required=False, help_text="Blank: any segment.")
    team = RecordChoiceField(queryset=Team.objects.filter(function=Team.Function.SALES))
    reps = RecordMultipleChoiceField(
        queryset=User.objects.active().filter(memberships__team__function="sales").distinct(),
        required=False,
        help_text="None chosen: every member of the team, in turn.",
    )
    prefer_owner = forms.BooleanField(
        label="Send to the contact's or account's owner first",
        required=False,
        initial=True,
        help_text="When the contact, or else the account, has a sales owner who is in and "
        "below their open-lead limit, the lead goes to them instead of the next in turn.",
    )
    active = forms.BooleanField(required=False, initial=True)


class CapacityForm(forms.Form):
    lead_capacity = forms.IntegerField(label="Open-lead limit", min_value=0, max_value=10_000)
    away_until = forms.DateField(
        label="Out of office until",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class BusinessHoursForm(forms.Form):
    time_zone = forms.ChoiceField(choices=time_zone_choices)
    opens_at = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))
    closes_at = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))
    weekdays = forms.MultipleChoiceField(
        choices=WEEKDAYS, widget=forms.CheckboxSelectMultiple, label="Working days"
    )


class HolidayForm(forms.Form):
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    name = forms.CharField(max_length=120)


# --- Referrals ---------------------------------------------------------------------------
CONSENT_CHOICES = [
    ("", "Not asked"),
    ("yes", "Agreed to hear from marketing"),
    ("no", "Does not want marketing"),
]


class ReferralForm(forms.Form):
    """Refer a known customer to sales: what they want, a note, how urgent, and what
    they said about marketing."""

    interest = forms.CharField(
        max_length=200,
        label="What they would like",
        help_text="e.g. “a quote for solar panels”, “a heat-pump survey”.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        label="Note for sales",
        help_text="What they told you: budget, timing, when to call.",
    )
    urgency = forms.ChoiceField(
        choices=[("normal", "Normal"), ("urgent", "Urgent: the SLA's fastest tier")],
        initial="normal",
    )
    consent = forms.TypedChoiceField(
        choices=CONSENT_CHOICES,
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
        required=False,
        label="Marketing consent",
        help_text="Only what they told you just now.",
    )

    def referral(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in ("interest", "note", "urgency", "consent")}


class NewCustomerReferralForm(ReferralForm):
    """A walk-in or a caller: who they are first, then what they want."""

    first_name = forms.CharField(max_length=100, required=False)
    last_name = forms.CharField(max_length=100, required=False)
    email = forms.CharField(
        label="E-mail",
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        max_length=40, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    company = forms.CharField(
        max_length=200, required=False, help_text="If they are buying for a business."
    )
    field_order = ["first_name", "last_name", "email", "phone", "company"]

    def referral(self) -> dict[str, Any]:
        person = ("first_name", "last_name", "email", "phone", "company")
        return {**super().referral(), **{k: self.cleaned_data[k] for k in person}}
