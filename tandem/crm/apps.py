from django.apps import AppConfig


class CrmConfig(AppConfig):
    name = "tandem.crm"
    label = "crm"
    verbose_name = "Customer record"

    def ready(self) -> None:
        from tandem.core.navigation import NavEntry, register_nav
        from tandem.core.permissions import ORGANISATION, Action, can
        from tandem.core.records import register_record
        from tandem.core.saved_views import register_list
        from tandem.core.search import register_search_source
        from tandem.crm import imports, opportunity_imports
        from tandem.crm.import_kinds import ImportKind, register_import_kind
        from tandem.crm.opportunity_timeline import CHANGES, COMMENTS
        from tandem.crm.querysets import CONTACT_FILTERS
        from tandem.crm.search import SOURCES
        from tandem.crm.timeline import ACTIVITIES, register_timeline_source

        register_list("crm.contacts", "crm:contacts", (*CONTACT_FILTERS, "sort"))
        register_list("crm.accounts", "crm:accounts", ("q", "region", "segment", "sort", "mine"))
        register_list("crm.opportunities", "crm:opportunities", ("stage", "sort", "mine"))
        register_record("crm.account", url_name="crm:account")
        register_record("crm.contact", url_name="crm:contact")
        register_record("crm.opportunity", url_name="crm:opportunity")

        def staff(user: object) -> bool:
            return can(user, Action.CREATE_RECORD, ORGANISATION)

        register_nav(NavEntry("Accounts", "crm:accounts", 3, staff, group="customers"))
        register_nav(NavEntry("Contacts", "crm:contacts", 4, staff, group="customers"))
        register_nav(NavEntry("Opportunities", "crm:opportunities", 5, staff, group="customers"))
        # Sales' own view of the deals: after Leads (7), before SLA (8, registered later).
        register_nav(NavEntry("Pipeline board", "crm:board", 8, staff, group="sales"))

        for source in SOURCES:
            register_search_source(source)
        register_timeline_source(ACTIVITIES)
        register_timeline_source(CHANGES)
        register_timeline_source(COMMENTS)
        register_import_kind(
            ImportKind("contacts", "crm.import_contacts", imports.contact_import_params)
        )
        register_import_kind(
            ImportKind(
                "opportunities", "crm.import_opportunities", opportunity_imports.import_params
            )
        )
