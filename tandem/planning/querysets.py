"""Named reads of the planning app."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import models

from tandem.core.permissions import is_staff


class PlanPeriodQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> PlanPeriodQuerySet:
        return self.all() if is_staff(user) else self.none()

    def containing(self, day: date) -> Any:
        """The period ``day`` falls in, or None."""
        from tandem.planning import fiscal

        return self.filter(starts_on=fiscal.year_containing(day)).first()
