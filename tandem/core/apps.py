from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tandem.core"
    label = "core"
    verbose_name = "Tandem core"

    def ready(self) -> None:
        from django.urls import register_converter

        from tandem.core.ids import RecordIdConverter

        register_converter(RecordIdConverter, "id")
        from tandem.core import audit, lookups, tasks  # noqa: F401  (history hook, any_of, tasks)
