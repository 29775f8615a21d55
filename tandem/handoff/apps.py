from typing import Any

from django.apps import AppConfig


def leads_to_accept(user: Any) -> int:
    """The badge on "Leads": handed to this person and waiting for accept or reject."""
    from tandem.handoff.models import Lead, Stage

    return Lead.objects.filter(rep=user, stage=Stage.MQL).count() if user.pk else 0


class HandoffConfig(AppConfig):
    name = "tandem.handoff"
    label = "handoff"
    verbose_name = "Lead hand-off, SLA and scoring"

    def ready(self) -> None:
        from tandem.approvals.kinds import register_kind
        from tandem.campaigns.arrivals import register_arrival_listener
        from tandem.core.navigation import NavEntry, register_nav
        from tandem.core.panels import register_panel
        from tandem.core.permissions import is_staff
        from tandem.core.search import register_search_source
        from tandem.crm.erasure import register_eraser
        from tandem.handoff import scoring_runs  # noqa: F401  (registers the rescore job kind)
        from tandem.handoff.arrivals import note_arrivals
        from tandem.handoff.contracts import ScoringKind, SlaKind
        from tandem.handoff.erasure import erase_lead
        from tandem.handoff.panels import ACCOUNT_LEADS_PANEL, CONTACT_LEAD, OPPORTUNITY_LEADS
        from tandem.handoff.search import LEADS

        register_kind(SlaKind())
        register_kind(ScoringKind())
        register_nav(
            NavEntry(
                "Leads",
                "handoff:queue",
                7,
                is_staff,
                badge=leads_to_accept,
                badge_says="waiting for you",
                group="sales",
            )
        )
        register_nav(NavEntry("SLA", "handoff:sla_report", 8, is_staff, group="sales"))
        # The front line's own: the customers they sent to sales, and what became of them.
        register_nav(NavEntry("Referrals", "handoff:referrals", 5, is_staff, group="customers"))
        # Touches arriving queue their contacts to be scored; erasing a contact removes
        # what sales wrote about the lead (campaigns and crm do not import handoff).
        register_arrival_listener(note_arrivals)
        register_eraser(erase_lead)
        # The lead and its opportunity on crm's record pages, both ways.
        register_panel("crm.contact", CONTACT_LEAD)
        register_panel("crm.account", ACCOUNT_LEADS_PANEL)
        register_panel("crm.opportunity", OPPORTUNITY_LEADS)
        register_search_source(LEADS)
