from django.apps import AppConfig


class HandoffConfig(AppConfig):
    name = "tandem.handoff"
    label = "handoff"
    verbose_name = "Lead hand-off, SLA and scoring"

    def ready(self) -> None:
        from tandem.core.navigation import NavEntry, register_nav
        from tandem.core.permissions import is_staff
        from tandem.handoff import services  # noqa: F401  (registers the rescore job kind)

        register_nav(NavEntry("Leads", "handoff:queue", 7, is_staff))
        register_nav(NavEntry("SLA", "handoff:sla_report", 8, is_staff))
