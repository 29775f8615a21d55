"""Background entry points of the hand-off. Each takes ids and is safe to run twice."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from tandem.handoff import services


@db_task(name="handoff.lead_arrived")
def lead_arrived(contact_ids: list[int], source: str = "") -> int:
    """Speed to lead: enqueued when touches or a form arrive; scores, routes, notifies."""
    return services.lead_arrived(contact_ids, source=source)


@db_periodic_task(crontab(minute="*"), name="handoff.detect_breaches")
def detect_breaches() -> int:
    return services.detect_breaches()


@db_periodic_task(crontab(minute="40", hour="2"), name="handoff.refresh_scores")
def refresh_scores() -> int:
    """Engagement decays: rescore everyone nightly so stored scores stay current."""
    rules = services.scoring_in_force()
    return services.rescore_all(rules) if rules else 0
