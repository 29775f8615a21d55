"""Background entry points of collateral. Each is safe to run twice."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from tandem.collateral import services
from tandem.core.audit import Source, acting_as

WARN_DAYS = 14


@db_periodic_task(crontab(minute="35", hour="5"), name="collateral.expire_assets")
def expire_assets() -> dict[str, int]:
    """Daily: warn owners two weeks before an asset expires (once), and retire what has
    expired, telling everyone who downloaded it."""
    today = timezone.localdate()
    with acting_as(None, Source.JOB):
        warned = services.warn_expiring(today=today, days=WARN_DAYS)
        retired = services.retire_expired(today=today)
    return {"warned": warned, "retired": retired}
