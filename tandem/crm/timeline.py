"""One timeline per contact or account: sales activities and marketing touches together.

Both are read in one SQL ``UNION ALL``, ordered and paginated by the database, so a
contact with 10,000 touches costs what one with ten does. Filter by kind or by side.
"""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, DateTimeField, F, Q, Value
from django.db.models.functions import Coalesce

from tandem.crm.models import Activity

COLUMNS = (
    "id",
    "occurred_at",
    "contact_id",
    "side",
    "entry_kind",
    "title",
    "detail",
    "who_id",
    "campaign_name",
    "due_at",  # tasks only
    "done_at",
)
# An activity is something a person did (a call, a note); a touch is a marketing
# interaction the customer had (a visit, a form, an e-mail click).
SIDES = {"activity": "Activities", "touch": "Marketing touches"}


def _activities(where: Q) -> Any:
    return (
        Activity.objects.filter(where)
        .annotate(
            side=Value("activity", output_field=CharField()),
            entry_kind=F("kind"),
            title=F("subject"),
            detail=F("body"),
            who_id=F("owner_id"),
            campaign_name=Value("", output_field=CharField()),
            # due_at and done_at are the activity's own columns
        )
        .values(*COLUMNS)
        .order_by()  # no ORDER BY inside a UNION's parts
    )


def _touches(where: Q) -> Any:
    from tandem.campaigns.models import Touchpoint

    return (
        Touchpoint.objects.filter(where)
        .annotate(
            side=Value("touch", output_field=CharField()),
            entry_kind=F("kind"),
            title=F("utm_campaign"),
            detail=F("channel"),
            who_id=F("campaign__owner_id"),  # the campaign's owner answers for the touch
            campaign_name=Coalesce(F("campaign__name"), Value("", output_field=CharField())),
            due_at=Value(None, output_field=DateTimeField()),
            done_at=Value(None, output_field=DateTimeField()),
        )
        .values(*COLUMNS)
        .order_by()
    )


def kinds() -> list[tuple[str, str]]:
    from tandem.campaigns.models import Touchpoint

    return [*Activity.Kind.choices, *Touchpoint.Kind.choices]


def timeline(
    *, contact_id: int | None = None, account_id: int | None = None, kind: str = "", side: str = ""
) -> Any:
    """The entries, newest first, as dicts with COLUMNS (a lazy, sliceable queryset)."""
    if contact_id is not None:
        activity_where, touch_where = Q(contact_id=contact_id), Q(contact_id=contact_id)
    else:
        activity_where = Q(account_id=account_id) | Q(contact__account_id=account_id)
        touch_where = Q(contact__account_id=account_id)
    activities, touches = _activities(activity_where), _touches(touch_where)
    if kind:
        activities, touches = activities.filter(kind=kind), touches.filter(kind=kind)
    if side == "activity":
        return activities.order_by("-occurred_at", "-id")
    if side == "touch":
        return touches.order_by("-occurred_at", "-id")
    return activities.union(touches, all=True).order_by("-occurred_at", "-id")
