"""Named reads of campaigns and touchpoints (the shared record: staff read all of it)."""

from __future__ import annotations

from typing import Any

from django.db import models

from tandem.core.permissions import is_staff
from tandem.crm.querysets import CustomerQuerySet


class CampaignQuerySet(CustomerQuerySet):
    def search(self, text: str) -> CampaignQuerySet:
        text = text.strip()[:100]
        return self.filter(name__icontains=text) if text else self


class TouchpointQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> TouchpointQuerySet:
        return self.all() if is_staff(user) else self.none()

    def of_contact(self, contact_id: int) -> TouchpointQuerySet:
        return self.filter(contact_id=contact_id)
