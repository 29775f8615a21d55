"""Named reads of collateral. Everyone who works here reads assets (reviewers on the front
line read drafts they are asked to sign; the library shows the published ones); a
person's feedback and usage are read by everyone who works here too, as the owner's
analytics need them."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Avg, Count, Max, Q, Sum

from tandem.core.permissions import is_staff
from tandem.crm.models import Opportunity
from tandem.people.models import Team


def marketing_team_ids() -> frozenset[int]:
    """The organisation's marketing teams: they triage collateral requests."""
    return frozenset(
        Team.objects.filter(function=Team.Function.MARKETING).values_list("pk", flat=True)
    )


class AssetQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> AssetQuerySet:
        return self.all() if is_staff(user) else self.none()

    def published(self) -> AssetQuerySet:
        """What the front-line library serves (publishing sets the version it serves)."""
        return self.filter(status="published")

    def live(self) -> AssetQuerySet:
        return self.exclude(status="retired")

    def for_campaign(self, campaign_id: int) -> AssetQuerySet:
        return self.filter(campaign_id=campaign_id).live()

    def expiring_by(self, day: Any) -> AssetQuerySet:
        """Live assets whose expiry date is on or before ``day`` (the partial index)."""
        return self.filter(expires_on__isnull=False, expires_on__lte=day).live()

    def with_figures(self) -> AssetQuerySet:
        """Downloads, uses and the average rating, each a subquery-free count over the
        asset's own rows (indexed by asset first)."""
        return self.annotate(
            downloads=Count("uses", filter=Q(uses__action="downloaded"), distinct=True),
            used=Count("uses", filter=Q(uses__action="used"), distinct=True),
            rating=Avg("feedback__rating"),
        )


class FeedbackQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> FeedbackQuerySet:
        return self.all() if is_staff(user) else self.none()

    def summary(self) -> dict[str, Any]:
        """Average rating, how many rated, and how many gave each verdict."""
        found = self.aggregate(
            average=Avg("rating"),
            rated=Count("pk", filter=Q(rating__isnull=False)),
            given=Count("pk"),
        )
        found["verdicts"] = dict(
            self.exclude(verdict="").values_list("verdict").annotate(n=Count("pk")).order_by()
        )
        return found


class UsageQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> UsageQuerySet:
        return self.all() if is_staff(user) else self.none()

    def won(self) -> UsageQuerySet:
        return self.filter(opportunity__isnull=False, opportunity__stage="won")

    def influence(self, limit: int = 20) -> list[dict[str, Any]]:
        """Per asset: the won deals a use was logged on and their revenue per currency,
        each deal counted once however often the asset was used on it."""
        pairs = (
            self.won()
            .values("asset_id", "asset__title", "opportunity_id", "opportunity__currency")
            .annotate(amount=Max("opportunity__amount"))
            .order_by()
        )
        found: dict[tuple[int, str], dict[str, Any]] = {}
        for row in pairs:
            key = (row["asset_id"], row["opportunity__currency"])
            entry = found.setdefault(
                key,
                {
                    "asset_id": row["asset_id"],
                    "title": row["asset__title"],
                    "currency": row["opportunity__currency"],
                    "deals": 0,
                    "revenue": 0,
                },
            )
            entry["deals"] += 1
            entry["revenue"] += row["amount"] or 0
        return sorted(found.values(), key=lambda e: (-e["deals"], -e["revenue"]))[:limit]

    def won_revenue(self) -> Any:
        """Won deals a use was logged on, and their revenue per currency (each deal once)."""
        deals = Opportunity.objects.filter(pk__in=self.won().values("opportunity_id"))
        return deals.values("currency").annotate(total=Sum("amount"), deals=Count("pk"))


class CollateralRequestQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> CollateralRequestQuerySet:
        return self.all() if is_staff(user) else self.none()

    def waiting(self) -> CollateralRequestQuerySet:
        return self.filter(status="open")
