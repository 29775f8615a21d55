from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "tandem.home"
    label = "home"
    verbose_name = "Home"

    def ready(self) -> None:
        from tandem.core.navigation import NavEntry, register_nav

        register_nav(NavEntry("Home", "home", 0, lambda u: True))
