from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tandem.core"
    label = "core"
    verbose_name = "Tandem core"

    def ready(self) -> None:
        from tandem.core import audit, tasks  # noqa: F401  (connect history hook, register tasks)
