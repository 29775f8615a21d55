from django.apps import AppConfig


class CollateralConfig(AppConfig):
    """Collateral built with the sharp end: assets with versions, a sign-off gate (an
    approval kind bound to the current version) before print or publish, the front-line
    library with full-text search, usage, ratings, feedback and requests. Above the
    calendar, whose campaigns' readiness it joins."""

    name = "tandem.collateral"
    label = "collateral"
    verbose_name = "Collateral"

    def ready(self) -> None:
        from tandem.approvals.kinds import register_kind
        from tandem.campaigns.services import register_launch_check
        from tandem.collateral import hooks
        from tandem.collateral.signoff import AssetSignOff
        from tandem.core.navigation import NavEntry, register_nav
        from tandem.core.panels import register_panel
        from tandem.core.permissions import is_staff
        from tandem.core.records import register_record
        from tandem.core.search import register_search_source
        from tandem.crm.erasure import register_eraser
        from tandem.crm.timeline import register_timeline_source

        register_record("collateral.asset", url_name="collateral:asset")
        register_record("collateral.collateralrequest", url_name="collateral:request")
        register_kind(AssetSignOff())
        register_nav(NavEntry("Library", "collateral:library", 11, is_staff, group="together"))
        register_nav(
            NavEntry(
                "Collateral reviews",
                "collateral:assets",
                11,
                is_staff,
                group="marketing",
            )
        )
        register_nav(
            NavEntry("Collateral requests", "collateral:requests", 12, is_staff, group="together")
        )
        register_launch_check(hooks.launch_check)
        register_panel("campaigns.campaign", hooks.CAMPAIGN_ASSETS)
        register_timeline_source(hooks.USAGE)
        register_search_source(hooks.ASSETS)
        register_eraser(hooks.erase_usage_notes)
        from tandem.core.saved_views import register_list

        register_list(
            "collateral.library", "collateral:library", ("q", "kind", "region", "audience")
        )
        from tandem.collateral import tasks  # noqa: F401  (the daily expiry task)
