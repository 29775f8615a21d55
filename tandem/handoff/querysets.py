"""Named reads of leads and joint proposals. Everyone who works here sees the funnel
(the hand-off is measured in the open); acting on a lead is checked in ``lifecycle``."""

from __future__ import annotations

from typing import Any

from django.db import models

from tandem.core.permissions import is_staff


class ReferralQuerySet(models.QuerySet[Any]):
    """Referrals are read like the leads they made: by everyone who works here."""

    def visible_to(self, user: Any) -> ReferralQuerySet:
        return self.all() if is_staff(user) else self.none()

    def with_outcomes(self) -> ReferralQuerySet:
        """With what a list of referrals shows (the person, their rep, the reason, the
        opportunity), joined: one query for a page."""
        return self.select_related(
            "lead__contact", "lead__rep", "rejection_reason", "opportunity", "referrer", "team"
        )

    def made_by(self, user: Any) -> ReferralQuerySet:
        return self.filter(referrer_id=user.pk).order_by("-id")

    def of_teams(self, team_ids: Any) -> ReferralQuerySet:
        return self.filter(team_id__in=list(team_ids)).order_by("-id")


class LeadQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> LeadQuerySet:
        return self.all() if is_staff(user) else self.none()

    def open(self) -> LeadQuerySet:
        from tandem.handoff.models import OPEN_STAGES

        return self.filter(stage__in=OPEN_STAGES)

    def queue_of(self, rep: Any) -> LeadQuerySet:
        """A rep's "My leads": open leads, the most urgent SLA clock first, then score.
        The accept clock runs first; once accepted, the follow-up clock."""
        from tandem.handoff.models import Stage

        return (
            self.filter(rep=rep)
            .open()
            .exclude(stage=Stage.ACCEPTED, followed_up_at__isnull=False)
            # Prefetched, not joined: joined, PostgreSQL merge-joined along the whole
            # contact index to find a rep's forty leads (figures in bench/README.md).
            .prefetch_related("contact__account", "source_campaign")
            .annotate(
                clock_due=models.Case(
                    models.When(stage=Stage.MQL, then="accept_due_at"),
                    default="follow_up_due_at",
                )
            )
            .order_by("clock_due", "-score", "contact_id")
        )
