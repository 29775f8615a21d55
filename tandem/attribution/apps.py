from django.apps import AppConfig


class AttributionConfig(AppConfig):
    name = "tandem.attribution"
    label = "attribution"
    verbose_name = "Attribution and closed-loop revenue"

    def ready(self) -> None:
        from tandem.attribution import reports  # noqa: F401  (registers the report job kind)
        from tandem.core.navigation import NavEntry, register_nav
        from tandem.core.permissions import is_staff

        register_nav(NavEntry("Attribution", "attribution:report", 9, is_staff))
