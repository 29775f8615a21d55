"""Background entry points of the hand-off. Each takes ids and is safe to run twice."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from tandem.handoff import arrivals, scoring_runs, sla_clocks


@db_task(name="handoff.process_arrivals")
def process_arrivals() -> int:
    """Speed to lead: woken when touches or a form arrive; scores, routes, notifies."""
    return arrivals.process_arrivals()


@db_periodic_task(crontab(minute="*"), name="handoff.sweep_arrivals")
def sweep_arrivals() -> int:
    """A safety net: arrivals whose wake-up was lost (a worker down) are taken here."""
    return arrivals.process_arrivals()


@db_periodic_task(crontab(minute="*"), name="handoff.detect_breaches")
def detect_breaches() -> int:
    return sla_clocks.detect_breaches()


@db_periodic_task(crontab(minute="40", hour="2"), name="handoff.refresh_scores")
def refresh_scores() -> int:
    """Engagement decays: rescore everyone nightly so stored scores stay current."""
    rules = scoring_runs.scoring_in_force()
    return scoring_runs.rescore_all(rules) if rules else 0
