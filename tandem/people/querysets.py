"""Named reads of people and teams. ``visible_to`` mirrors the "view" rows of POLICY."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.base_user import BaseUserManager
from django.db import models
from django.db.models import Count, Q

from tandem.core.permissions import is_staff

if TYPE_CHECKING:
    from tandem.people.models import User


class TeamQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> TeamQuerySet:
        return self.all() if is_staff(user) else self.none()

    def with_member_counts(self) -> TeamQuerySet:
        return self.annotate(
            member_count=Count("memberships", distinct=True),
            head_count=Count("memberships", filter=Q(memberships__role="head"), distinct=True),
        )


class UserQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> UserQuerySet:
        if is_staff(user):
            return self.all()
        if user.is_authenticated and user.is_active:
            return self.filter(pk=user.pk)
        return self.none()

    def active(self) -> UserQuerySet:
        return self.filter(is_active=True)

    def search(self, text: str) -> UserQuerySet:
        text = text.strip()[:100]
        if not text:
            return self
        return self.filter(Q(full_name__icontains=text) | Q(email__icontains=text))

    def in_team(self, team_id: int) -> UserQuerySet:
        return self.filter(memberships__team_id=team_id)

    def mentionable(self, start: str) -> UserQuerySet:
        """Active people whose handle, first name or a later name starts with ``start``
        (what was typed after an "@"): "sa" finds sam.patel and Sarah Fox, "pat" finds
        Sam Patel."""
        start = start.strip().lstrip("@")[:40]
        if not start:
            return self.none()
        return self.active().filter(
            Q(handle__istartswith=start)
            | Q(full_name__istartswith=start)
            | Q(full_name__icontains=" " + start)
        )

    def by_handles(self, handles: set[str]) -> UserQuerySet:
        return self.filter(handle__in=[h.lower() for h in handles], is_active=True)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    """Users log in by e-mail; e-mail addresses are stored lower-case."""

    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email=(username or "").strip().lower())

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        from tandem.people.services import unique_handle

        email = self.normalize_email(email).strip().lower()
        user = self.model(email=email, **extra)
        if not user.handle:
            user.handle = unique_handle(user.full_name or email.split("@")[0])
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_admin", True)
        return self.create_user(email, password, **extra)


class MembershipQuerySet(models.QuerySet[Any]):
    def heads(self) -> MembershipQuerySet:
        return self.filter(role="head")
