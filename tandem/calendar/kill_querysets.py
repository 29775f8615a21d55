"""Named reads of the kill flags and decisions: everyone who works here reads them (sales
sees what was flagged and decided on the calendar and the campaign page)."""

from __future__ import annotations

from typing import Any

from django.db import models

from tandem.core.permissions import is_staff


class KillFlagQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> KillFlagQuerySet:
        return self.all() if is_staff(user) else self.none()

    def open(self) -> KillFlagQuerySet:
        return self.filter(decision__isnull=True)

    def of_campaign(self, campaign_id: int) -> KillFlagQuerySet:
        return self.filter(campaign_id=campaign_id)


class KillDecisionQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> KillDecisionQuerySet:
        return self.all() if is_staff(user) else self.none()

    def latest_of(self, campaign_id: int) -> Any:
        return self.filter(campaign_id=campaign_id).order_by("-decided_at", "-id").first()
