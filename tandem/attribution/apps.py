from django.apps import AppConfig


class AttributionConfig(AppConfig):
    name = "tandem.attribution"
    label = "attribution"
    verbose_name = "Attribution and closed-loop revenue"

    def ready(self) -> None:
        from tandem.approvals.kinds import register_kind
        from tandem.attribution import reports  # noqa: F401  (registers the report job kind)
        from tandem.attribution.panels import CAMPAIGN_RETURN
        from tandem.attribution.services import AttributionChoiceKind
        from tandem.core.navigation import NavEntry, register_nav
        from tandem.core.panels import register_panel
        from tandem.core.permissions import is_staff

        register_kind(AttributionChoiceKind())
        register_nav(NavEntry("Attribution", "attribution:report", 9, is_staff, group="marketing"))
        # The campaign page shows the campaign's return without importing attribution.
        register_panel("campaigns.campaign", CAMPAIGN_RETURN)
