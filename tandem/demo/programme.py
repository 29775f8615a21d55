"""The next quarter as marketing has planned it, so the calendar has something true to
show on the first login: a trade show, a mailing, a branch weekend, a webinar, press and
an e-mail series, each through the campaign services, and sales' readiness as far as
sales has got with it (one ready, one needing help, the rest not yet marked)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from tandem.core.audit import Source, acting_as

# (name, type, channel, first day and last day from today, region, expected leads a
# week, budget, sales' readiness: (status, note) or None)
PROGRAMME = [
    ("Press: Brightwell opens a Sheffield depot", "press", "content", 6, 6, "", 0, "0", None),
    ("Harrogate Home & Garden Show", "trade_show", "events", 10, 12, "Yorkshire", 40, "8500",
     ("need_help", "Two reps on leave that week: can marketing staff the stand on Saturday?")),
    ("Leeds showroom open weekend", "branch_promotion", "branch", 15, 16, "Yorkshire", 12,
     "1200", ("ready", "Showroom team briefed; follow-up calls booked for the Monday")),
    ("Spring boiler-swap mailing", "direct_mail", "direct_mail", 20, 34, "Yorkshire", 25,
     "6400", None),
    ("Heat-pump grants explained (webinar)", "webinar", "events", 27, 27, "", 15, "900", None),
    ("January energy newsletter", "email", "email", 28, 58, "", 8, "300", None),
    ("Installer partner week", "event", "partner", 41, 45, "North East", 10, "3000", None),
]  # fmt: skip


def seed_programme(users: dict[str, Any]) -> None:
    from tandem.calendar import readiness
    from tandem.campaigns import services as campaigns

    marketer, head = users["marketer"], users["sales head"]
    today = timezone.localdate()
    for name, kind, channel, first, last, region, leads, budget, ready in PROGRAMME:
        with acting_as(marketer, Source.SYSTEM):
            campaign = campaigns.create_campaign(
                actor=marketer,
                name=name,
                type=kind,
                channel=channel,
                starts_on=today + timedelta(days=first),
                ends_on=today + timedelta(days=last),
                region=region,
                expected_leads_per_week=leads,
                planned_budget=budget,
            )
        if ready is not None:
            status, note = ready
            ticks = status == "ready"
            with acting_as(head, Source.SYSTEM):
                readiness.mark(
                    actor=head,
                    campaign=campaign,
                    status=status,
                    note=note,
                    reps_briefed=ticks,
                    collateral_signed_off=ticks,
                    capacity_booked=ticks,
                )


def seed_kill_criteria(users: dict[str, Any]) -> None:
    """The heads agreed that a webinar costing more than £2,000 per SQL after 30 days live
    is cut or kept on the record; this morning's check flagged the spring webinar (its
    spend, no SQL yet), so its owner has a decision waiting on the calendar."""
    from tandem.approvals import contracts as joint
    from tandem.calendar import kill

    marketing, sales = users["marketing head"], users["sales head"]
    with acting_as(marketing, Source.SYSTEM):
        criteria = kill.propose_kill_criteria(
            actor=marketing,
            campaign_type="webinar",
            cost_per_sql_max="2000",
            cost_per_sql_days=30,
            note="Webinars must bring SQLs within a month, or we stop paying for them.",
        )
    with acting_as(sales, Source.SYSTEM):
        joint.approve(actor=sales, contract=criteria)
    with acting_as(None, Source.SYSTEM):
        kill.evaluate()
