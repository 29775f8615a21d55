"""Named reads of campaigns and touchpoints (the shared record: staff read all of it)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Count, Max

from tandem.core.permissions import Action, can, is_staff
from tandem.crm.querysets import CustomerQuerySet


class CampaignQuerySet(CustomerQuerySet):
    def search(self, text: str) -> CampaignQuerySet:
        text = text.strip()[:100]
        return self.filter(name__icontains=text) if text else self

    def open(self) -> CampaignQuerySet:
        """Campaigns people can still be targeted by (``Campaign.OPEN_STATUSES``)."""
        return self.filter(status__in=self.model.OPEN_STATUSES)

    def overlapping(self, first: Any, last: Any) -> CampaignQuerySet:
        """Campaigns running on any day from ``first`` to ``last`` (both included)."""
        return self.filter(ends_on__gte=first, starts_on__lte=last)

    def calendar_filters(self, chosen: dict[str, Any]) -> CampaignQuerySet:
        """The calendar's filters, each applied only when given: ``team``, ``owner``
        (ids), ``channel``, ``type``, ``status`` (codes) and ``region`` (a campaign for
        every region, region "", shows under each)."""
        found = self
        for name in ("team", "owner"):
            if chosen.get(name):
                found = found.filter(**{f"{name}_id": chosen[name]})
        for name in ("channel", "type", "status"):
            if chosen.get(name):
                found = found.filter(**{name: chosen[name]})
        if chosen.get("region"):
            found = found.filter(region__in=[chosen["region"], ""])
        return found

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

    def campaigns_touched(self, contact_id: int, limit: int = 20) -> list[dict[str, Any]]:
        """The campaigns whose touches reached a contact, latest first, with how many and
        when last: one grouped read of the contact's touches (its index leads with the
        contact), so a page never walks the touches one by one."""
        return list(
            self.of_contact(contact_id)
            .filter(campaign__isnull=False)
            .values("campaign_id", "campaign__name")
            .annotate(touches=Count("id"), last_at=Max("occurred_at"))
            .order_by("-last_at")[:limit]
        )
