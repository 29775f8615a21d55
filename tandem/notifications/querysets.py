from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models


class CommentQuerySet(models.QuerySet[Any]):
    def on(self, record: Any) -> CommentQuerySet:
        ctype = ContentType.objects.get_for_model(record)
        return self.filter(target_type=ctype, target_id=record.pk)

    def newest_first(self) -> CommentQuerySet:
        return self.order_by("-created_at", "-id")


class NotificationQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> NotificationQuerySet:
        if not (user.is_authenticated and user.is_active):
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def newest_first(self) -> NotificationQuerySet:
        return self.order_by("-created_at", "-id")


def unread_for(user: Any) -> NotificationQuerySet:
    from tandem.notifications.models import Notification

    return Notification.objects.visible_to(user).unread().select_related("actor").newest_first()


def unread_count(user: Any) -> int:
    from tandem.notifications.models import Notification

    return Notification.objects.visible_to(user).unread().count()
