from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "tandem.api"
    label = "api"
    verbose_name = "REST API and access tokens"

    def ready(self) -> None:
        from tandem.core.navigation import NavEntry, register_nav

        register_nav(NavEntry("API tokens", "api_tokens", 95, lambda u: True, section="user"))

        from tandem.api.models import ApiToken
        from tandem.api.services import revoke_tokens_of
        from tandem.people.passwords import Credential, register_credential

        register_credential(
            Credential(
                key="api_tokens",
                singular="API token",
                plural="API tokens",
                live_count=lambda user: ApiToken.objects.filter(user=user).live().count(),
                revoke_all=lambda user: revoke_tokens_of(user=user, reason="password_changed"),
            )
        )
