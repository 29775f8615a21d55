"""Attribution reports (cached per scope) and the model the organisation attributes by."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from tandem.approvals.contracts import JointContract
from tandem.core.models import Job

# Every model the reports show, with a plain-language explanation beside it.
MODELS: dict[str, tuple[str, str]] = {
    "first_touch": ("First touch", "All the credit to the touch that started the journey."),
    "last_touch": ("Last touch", "All the credit to the last touch before the conversion."),
    "last_non_direct": (
        "Last non-direct",
        "All the credit to the last touch that was not a direct visit (to the direct visit "
        "when there was nothing else).",
    ),
    "linear": ("Linear", "Every touch in the journey gets an equal share."),
    "time_decay": (
        "Time decay",
        "Recent touches count more: a touch one half-life (7 days) before the conversion "
        "counts half as much as one on the day.",
    ),
    "position_based": (
        "Position-based (U)",
        "40 % to the first touch, 40 % to the last, 20 % shared by the touches between.",
    ),
    "w_shaped": (
        "W-shaped",
        "30 % each to the first, the middle and the last touch, 10 % shared by the others.",
    ),
    "full_path": (
        "Full path (Z)",
        "22.5 % each to the first touch, two evenly spaced touches between and the last; "
        "10 % shared by the others.",
    ),
    "markov_1": (
        "Markov (data-driven)",
        "How many conversions would be lost without the channel, from the journeys that "
        "converted and those that did not; solved exactly, not simulated.",
    ),
    "shapley": (
        "Shapley (data-driven)",
        "Each channel's fair share of what every combination of channels converted: its "
        "average added conversions over every order the channels could have joined in.",
    ),
}
DEFAULT_MODEL = "linear"


class AttributionReport(models.Model):
    """Every model's credits for one scope (see ``journeys.Scope``), computed in the
    background and kept until the next refresh: pages read it, never compute it."""

    key = models.CharField(max_length=64, unique=True)  # the scope's hash
    scope = models.JSONField()
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    rows = models.JSONField(default=list, blank=True)  # [model, label, conversions, value]
    totals = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    viewed_at = models.DateTimeField()  # the scheduled refresh keeps recent views fresh

    class Meta:
        indexes = [models.Index(fields=["viewed_at"])]

    def __str__(self) -> str:
        return f"Attribution {self.scope.get('conversion')} {self.scope.get('start')}"


# The longest lookback window: two years of touches before a conversion.
MAX_LOOKBACK_DAYS = 730


class AttributionChoice(JointContract):
    """The model campaign ROI uses: the two heads' joint choice, like the SLA."""

    model = models.CharField(max_length=20, choices=[(k, v[0]) for k, v in MODELS.items()])
    lookback_days = models.PositiveIntegerField(
        default=90, validators=[MinValueValidator(1), MaxValueValidator(MAX_LOOKBACK_DAYS)]
    )

    class Meta(JointContract.Meta):
        indexes = [models.Index(fields=["status", "proposed_at"])]

    def __str__(self) -> str:
        return f"Attribution by {MODELS[self.model][0]} ({self.get_status_display().lower()})"


def current_choice() -> tuple[str, int]:
    """The model and lookback in force, or the defaults before the heads agree one."""
    chosen = AttributionChoice.objects.in_force()
    return (chosen.model, chosen.lookback_days) if chosen else (DEFAULT_MODEL, 90)
