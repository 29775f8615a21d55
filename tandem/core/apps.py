from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tandem.core"
    label = "core"
    verbose_name = "Tandem core"

    def ready(self) -> None:
        from tandem.core import audit, lookups, tasks  # noqa: F401  (history hook, any_of, tasks)
