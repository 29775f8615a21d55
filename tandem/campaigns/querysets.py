"""Named reads of campaigns and touchpoints (the shared record: staff read all of it)."""

from __future__ import annotations

from typing import Any

from django.db import models

from tandem.core.permissions import Action, can, is_staff
from tandem.crm.querysets import CustomerQuerySet


class CampaignQuerySet(CustomerQuerySet):
    def search(self, text: str) -> CampaignQuerySet:
        text = text.strip()[:100]
        return self.filter(name__icontains=text) if text else self

    def open(self) -> CampaignQuerySet:
        """Campaigns people can still be targeted by (``Campaign.OPEN_STATUSES``)."""
        return self.filter(status__in=self.model.OPEN_STATUSES)

    def targetable_by(self, user: Any) -> list[Any]:
        """Open campaigns ``user`` may add members to, for the "add to campaign" pickers
        (the newest 200 they can see, then the permission table's CHANGE row)."""
        found = self.visible_to(user).open().order_by("-starts_on", "id")[:200]
        return [c for c in found if can(user, Action.CHANGE, c)]


class TouchpointQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> TouchpointQuerySet:
        return self.all() if is_staff(user) else self.none()

    def of_contact(self, contact_id: int) -> TouchpointQuerySet:
        return self.filter(contact_id=contact_id)
