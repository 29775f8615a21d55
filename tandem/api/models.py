"""Personal access tokens for the REST API, stored hashed."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tandem.api.querysets import ApiTokenQuerySet
from tandem.core.audit import field_history
from tandem.core.permissions import OwnedRecord

TOKEN_PREFIX = "tdm"  # noqa: S105 - the public prefix of every token


class ApiToken(OwnedRecord, models.Model):
    permission_owner_field = "user"

    class Scope(models.TextChoices):
        READ = "read", "Read only"
        WRITE = "write", "Read and write"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.READ)
    # The public part of the token, shown in lists so a person can tell tokens apart.
    key_id = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Capturing marketing touches (they move scores and make MQLs) is a permission of its
    # own: an administrator grants it to an integration's token.
    capture_granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    capture_granted_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()
    history = field_history(excluded_fields=["secret_hash", "last_used_at"])

    class Meta:
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({TOKEN_PREFIX}_{self.key_id}_…)"

    @property
    def display(self) -> str:
        return f"{TOKEN_PREFIX}_{self.key_id}_…"

    @property
    def may_capture(self) -> bool:
        return self.capture_granted_at is not None and self.can_write

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE and self.revoked_at is None
