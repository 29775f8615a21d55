"""Core records: the append-only domain-event log, background-job records, saved views,
rate counters and the exchange rates totals in mixed currencies are converted with."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

from tandem.core.permissions import OwnedRecord
from tandem.core.querysets import (
    DomainEventQuerySet,
    ExchangeRateQuerySet,
    JobQuerySet,
    SavedViewQuerySet,
)


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(DomainEventQuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("Domain events are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Domain events are append-only.")


class DomainEvent(models.Model):
    """Something that happened in the domain: who did it, through what, to which record.

    Append-only: the ORM refuses updates and deletes. ``data`` carries ids and codes,
    never personal data, so the log can be kept after a person is erased.
    """

    occurred_at = models.DateTimeField(auto_now_add=True)
    name = models.CharField(max_length=80)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(max_length=16)
    subject_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_id = models.BigIntegerField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "occurred_at"]),
            models.Index(fields=["occurred_at"]),
            models.Index(fields=["name", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} #{self.subject_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Domain events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Domain events are append-only.")

    @property
    def summary(self) -> str:
        return self.name.replace(".", " ").replace("_", " ")


class Job(OwnedRecord, models.Model):
    """A piece of background work that a person started and can watch."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs"
    )
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    result_file = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["owner", "created_at"]),
            models.Index(fields=["status", "heartbeat_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, int(self.done * 100 / self.total))

    @property
    def result_label(self) -> str:
        from tandem.core.jobs import result_label

        return result_label(self.kind)

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def can_resume(self) -> bool:
        from tandem.core.jobs import is_resumable

        return self.status == self.Status.FAILED and is_resumable(self.kind)


class SavedView(OwnedRecord, models.Model):
    """A named set of filters on a list page, for its owner or shared with everyone."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    list_name = models.CharField(max_length=60)
    name = models.CharField(max_length=80)
    query = models.CharField(max_length=500, blank=True)
    shared = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SavedViewQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["list_name", "owner"]),
            models.Index(fields=["list_name", "shared"]),
        ]

    def __str__(self) -> str:
        return self.name


class ExchangeRate(models.Model):
    """One unit of ``currency`` is worth ``rate`` of ``home`` (the organisation's reporting
    currency, ``TANDEM_CURRENCY``, when the rate was entered) from ``valid_from`` until the
    currency's next rate. Kept by administrators; a total of amounts in several currencies
    converts through the rates in force on the day it is read (``core.exchange_rates``).
    Rates of another home currency stay, unused, should the setting change back."""

    home = models.CharField(max_length=3)
    currency = models.CharField(max_length=3)
    valid_from = models.DateField()
    rate = models.DecimalField(max_digits=18, decimal_places=8)
    note = models.CharField(max_length=200, blank=True)  # where it came from: "ECB, 1 Dec"
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ExchangeRateQuerySet.as_manager()

    class Meta:
        ordering = ["currency", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["home", "currency", "valid_from"], name="one_rate_per_currency_and_day"
            ),
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="exchange_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"1 {self.currency} = {self.rate.normalize():f} {self.home} from {self.valid_from}"


class RateCounter(models.Model):
    """One fixed-window rate-limit counter, for sites without Redis (see core/ratelimit.py).

    Keyed by what is limited (``scope:subject``); a new window restarts the same row, so the
    table holds one row per subject seen, and a periodic task drops rows long expired.
    """

    key = models.CharField(max_length=200, primary_key=True)
    hits = models.PositiveIntegerField(default=0)
    # Epoch milliseconds: plain integers compare the same way in every database.
    window_ends_ms = models.BigIntegerField(db_index=True)

    def __str__(self) -> str:
        return self.key
