from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "tandem.campaigns"
    label = "campaigns"
    verbose_name = "Campaigns and touchpoints"

    def ready(self) -> None:
        from tandem.campaigns import imports  # noqa: F401  (registers the job kind)
        from tandem.core.navigation import NavEntry, register_nav
        from tandem.core.permissions import ORGANISATION, Action, can
        from tandem.core.records import register_record
        from tandem.core.saved_views import register_list

        register_list("campaigns.campaigns", "campaigns:campaigns", ("q", "status"))
        register_record("campaigns.campaign", url_name="campaigns:campaign")
        register_nav(
            NavEntry(
                "Campaigns",
                "campaigns:campaigns",
                6,
                lambda u: can(u, Action.CREATE_RECORD, ORGANISATION),
            )
        )
