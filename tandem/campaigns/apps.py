from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "tandem.campaigns"
    label = "campaigns"
    verbose_name = "Campaigns and touchpoints"

    def ready(self) -> None:
        from tandem.campaigns import imports  # (also registers the job kind)
        from tandem.campaigns.panels import CONTACT_CAMPAIGNS, TARGET_CONTACTS
        from tandem.campaigns.search import CAMPAIGNS
        from tandem.campaigns.services import erase_touch_visitor_ids
        from tandem.campaigns.timeline import TOUCHES
        from tandem.core.navigation import NavEntry, register_nav
        from tandem.core.panels import register_panel
        from tandem.core.permissions import ORGANISATION, Action, can
        from tandem.core.records import register_record
        from tandem.core.saved_views import register_list
        from tandem.core.search import register_search_source
        from tandem.crm.erasure import register_eraser
        from tandem.crm.import_kinds import ImportKind, register_import_kind
        from tandem.crm.timeline import register_timeline_source

        register_list("campaigns.campaigns", "campaigns:campaigns", ("q", "status"))
        register_record("campaigns.campaign", url_name="campaigns:campaign")
        register_nav(
            NavEntry(
                "Campaigns",
                "campaigns:campaigns",
                6,
                lambda u: can(u, Action.CREATE_RECORD, ORGANISATION),
                group="marketing",
            )
        )
        # What campaigns adds to crm, which does not import it: the touches on a
        # contact's timeline, the contact pages' campaign sections, the visitor ids
        # erasure wipes, and ``tandem import touchpoints``.
        register_timeline_source(TOUCHES)
        register_search_source(CAMPAIGNS)
        register_panel("crm.contact", CONTACT_CAMPAIGNS)
        register_panel("crm.contacts", TARGET_CONTACTS)
        register_eraser(erase_touch_visitor_ids)
        register_import_kind(
            ImportKind(
                "touchpoints", "campaigns.import_touchpoints", imports.touchpoint_import_params
            )
        )
