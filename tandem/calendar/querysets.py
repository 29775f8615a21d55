"""Named reads of the calendar's own records."""

from __future__ import annotations

from typing import Any

from django.db import models


class FeedTokenQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> FeedTokenQuerySet:
        """A feed is its owner's alone (its URL reads the calendar as them): even an
        administrator sees only their own, as with API tokens."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        return self.filter(owner=user)

    def live(self) -> FeedTokenQuerySet:
        return self.filter(revoked_at__isnull=True)
