from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "tandem.api"
    label = "api"
    verbose_name = "REST API and access tokens"

    def ready(self) -> None:
        from tandem.core.navigation import NavEntry, register_nav

        register_nav(NavEntry("API tokens", "api_tokens", 95, lambda u: True, section="user"))
