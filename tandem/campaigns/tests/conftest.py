"""Helpers and fixtures the campaign tests share (``contact`` is crm's)."""

from datetime import date

from tandem.campaigns import services
from tandem.crm.tests.conftest import contact  # noqa: F401


def make_campaign(actor, **overrides):
    """A spring webinar with a budget, made through the service as ``actor``."""
    fields = {
        "name": "Spring heat pumps",
        "type": "webinar",
        "channel": "events",
        "starts_on": date(2026, 3, 1),
        "ends_on": date(2026, 4, 30),
        "planned_budget": "5000",
    }
    return services.create_campaign(actor=actor, **{**fields, **overrides})
