"""``GET /api/v1/calendar/capacity``: leads coming in against sales capacity per week."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router

from tandem.calendar import capacity
from tandem.calendar.errors import CalendarError
from tandem.calendar.schemas import SalesCapacityOut
from tandem.core.errors import DomainError, invalid
from tandem.core.permissions import require_staff

router = Router(tags=["calendar"])


@router.get(
    "/calendar/capacity",
    response=SalesCapacityOut,
    summary="Leads coming in against sales capacity, per week, for a region or all",
)
def get_capacity(request: HttpRequest, region: str = "", weeks: int = capacity.WEEKS) -> Any:
    require_staff(request.user)
    if not 1 <= weeks <= 52:
        raise invalid("weeks", "Ask for 1 to 52 weeks.")
    today = timezone.localdate()
    found = capacity.forecast(capacity.monday_of(today), weeks, today=today)
    key = found.region_key(region) if region.strip() else None
    if region.strip() and key is None:
        offered = ", ".join(k for k, _ in found.region_choices()) or "none: one pool"
        raise DomainError(
            CalendarError.UNKNOWN_REGION,
            f"No routing rule names the region “{region.strip()[:60]}” (regions: {offered}).",
            field="region",
        )
    rows = found.week_loads(key)
    notes = []
    reps = rows[0].reps if rows else 0
    if not reps:
        notes.append("No reps: add reps to a sales team.")
    elif away := [w for w in rows if not w.reps_in]:
        notes.append(f"Every rep is away in {len(away)} of these weeks.")
    return {
        "first_week": found.first,
        "region": rows[0].param if rows else "",
        "region_label": rows[0].label if rows else "",
        "regions": [k for k, _ in found.region_choices()],
        "reps": reps,
        "notes": notes,
        "curves": [
            {
                "type": c.type,
                "sample_size": c.sample,
                "mean_members": round(c.mean_members, 1),
                "weekly_mqls": [round(float(v), 2) for v in c.weekly],
            }
            for c in found.curves.values()
        ],
        "weeks": [
            {
                "week_of": w.monday,
                "inflow": w.inflow,
                "expected": w.expected,
                "measured": w.measured,
                "capacity": w.capacity,
                "open_load": w.load,
                "available": w.available,
                "difference": w.difference,
                "over": w.over,
                "reps": w.reps,
                "reps_working": w.reps_in,
                "campaigns": [
                    {
                        "campaign_id": c.campaign_id,
                        "name": c.name,
                        "leads": c.leads,
                        "basis": c.basis,
                        "sample_size": c.sample,
                    }
                    for c in w.causes
                ],
                "more_campaigns": w.more,
            }
            for w in rows
        ],
    }
