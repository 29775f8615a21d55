"""Named reads of leads and joint proposals. Everyone who works here sees the funnel
(the hand-off is measured in the open); acting on a lead is checked in ``lifecycle``."""

from __future__ import annotations

from typing import Any

from django.db import models

from tandem.core.permissions import is_staff


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


class ProposalQuerySet(models.QuerySet[Any]):
    def in_force(self) -> Any:
        """The proposal now in force, or None."""
        return self.filter(status="active").order_by("-activated_at", "-id").first()

    def waiting(self) -> ProposalQuerySet:
        return self.filter(status="proposed")
