from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    name = "tandem.core"
    label = "core"
    verbose_name = "Tandem core"

    def ready(self) -> None:
        from django.urls import register_converter

        from tandem.core.ids import RecordIdConverter

        register_converter(RecordIdConverter, "id")
        from tandem.core import audit, lookups, tasks  # noqa: F401  (history hook, any_of, tasks)
        from tandem.core.postgres import read_out_of_range_times

        # Database set-up, not domain flow: each new connection learns to read the
        # times Python cannot hold (see tandem.core.postgres).
        connection_created.connect(read_out_of_range_times, dispatch_uid="tandem.core.times")

        from tandem.core.navigation import NavEntry, register_nav
        from tandem.core.permissions import is_staff

        register_nav(NavEntry("Exchange rates", "core:exchange_rates", 70, is_staff, group="admin"))
