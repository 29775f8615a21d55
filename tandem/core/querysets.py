"""Named reads of core records."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q


class DomainEventQuerySet(models.QuerySet[Any]):
    def about(self, obj: Any) -> DomainEventQuerySet:
        ctype = ContentType.objects.get_for_model(obj)
        return self.filter(subject_type=ctype, subject_id=obj.pk)

    def newest_first(self) -> DomainEventQuerySet:
        return self.order_by("-occurred_at", "-id")

    def visible_to(self, user: Any) -> DomainEventQuerySet:
        # The organisation-wide log is an administrator's; per-record events are shown
        # on that record's history page, after the record itself was access-checked.
        if user.is_authenticated and user.is_active and user.is_admin:
            return self.all()
        return self.none()


class JobQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> JobQuerySet:
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.is_admin:
            return self.all()
        return self.filter(owner=user)


class SavedViewQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> SavedViewQuerySet:
        if not (user.is_authenticated and user.is_active):
            return self.none()
        return self.filter(Q(owner=user) | Q(shared=True))

    def for_list(self, list_name: str) -> SavedViewQuerySet:
        return self.filter(list_name=list_name)


def count_of(queryset: Any, field: str) -> Any:
    """A correlated COUNT(*) of ``queryset`` rows whose ``field`` is the outer row.

    For per-row counts on paged lists: unlike annotate(Count(...)), it costs only the
    rows on the page, and the paginator's COUNT leaves it out.
    """
    from django.db.models import Count, IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    counted = (
        queryset.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


class ExchangeRateQuerySet(models.QuerySet[Any]):
    def in_force(self, home: str, day: Any) -> list[tuple[str, Any, Any]]:
        """(currency, rate, valid_from) of each currency's latest rate into ``home`` on
        ``day``: two reads along the (home, currency, valid_from) unique index, whatever
        the length of the history."""
        mine = self.filter(home=home, valid_from__lte=day)
        latest = list(mine.order_by().values_list("currency").annotate(at=models.Max("valid_from")))
        if not latest:
            return []
        pairs = Q()
        for currency, at in latest:
            pairs |= Q(currency=currency, valid_from=at)
        return list(mine.filter(pairs).values_list("currency", "rate", "valid_from"))
