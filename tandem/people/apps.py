from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "tandem.people"
    label = "people"
    verbose_name = "People and teams"

    def ready(self) -> None:
        from tandem.core.navigation import NavEntry, register_nav
        from tandem.core.permissions import ORGANISATION, Action, can, is_staff
        from tandem.core.records import register_record

        register_record("people.team", url_name="people:team")
        register_record("people.user", url_name="people:person")

        register_nav(NavEntry("Teams", "people:teams", 10, is_staff, group="admin"))
        register_nav(NavEntry("People", "people:directory", 20, is_staff, group="admin"))
        register_nav(
            NavEntry(
                "Audit log",
                "core:audit_log",
                80,
                lambda u: can(u, Action.VIEW_AUDIT_LOG, ORGANISATION),
                group="admin",
            )
        )
        register_nav(NavEntry("Profile", "people:profile", 100, lambda u: True, section="user"))
