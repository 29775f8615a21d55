from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "tandem.notifications"
    label = "notifications"
    verbose_name = "Comments and notifications"

    def ready(self) -> None:
        from tandem.core.navigation import NavEntry, register_nav
        from tandem.notifications.querysets import unread_count

        register_nav(
            NavEntry(
                "Notifications",
                "notifications:centre",
                90,
                lambda u: True,
                badge=unread_count,
                section="user",
            )
        )
