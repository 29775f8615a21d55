"""The marketing touches on crm's timeline of a contact or account (registered in
``CampaignsConfig.ready``: crm reads them without importing campaigns)."""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, DateTimeField, F, Q, Value
from django.db.models.functions import Coalesce

from tandem.campaigns.models import Touchpoint
from tandem.crm.timeline import COLUMNS, TimelineSource


def touch_entries(*, contact_id: int | None = None, account_id: int | None = None) -> Any:
    if contact_id is not None:
        where = Q(contact_id=contact_id)
    else:
        where = Q(contact__account_id=account_id)
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
        .order_by()  # no ORDER BY inside a UNION's parts
    )


def touch_kinds() -> list[tuple[str, str]]:
    return list(Touchpoint.Kind.choices)


TOUCHES = TimelineSource("touch", "Marketing touches", touch_entries, touch_kinds)
