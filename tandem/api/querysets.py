from __future__ import annotations

from typing import Any

from django.db import models


class ApiTokenQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> ApiTokenQuerySet:
        """Tokens are their owner's alone: even an administrator sees only their own."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        return self.filter(user=user)

    def live(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)

    def capturing(self, user: Any) -> ApiTokenQuerySet:
        """Live tokens granted touch capture, everyone's, for an administrator to review
        (and withdraw); nobody else sees other people's tokens."""
        if not (user.is_authenticated and user.is_active and user.is_admin):
            return self.none()
        return (
            self.live()
            .filter(capture_granted_at__isnull=False)
            .select_related("user", "capture_granted_by")
            .order_by("-capture_granted_at", "-id")
        )
