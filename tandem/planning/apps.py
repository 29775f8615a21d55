from django.apps import AppConfig


class PlanningConfig(AppConfig):
    """The revenue plan both teams work to: fiscal periods, the target (set by the
    executive), the reverse funnel from measured rates and lags, plan against actual,
    and the joint scorecard with its shared incentive. Above collateral, whose sign-off
    coverage the scorecard reads."""

    name = "tandem.planning"
    label = "planning"
    verbose_name = "Planning"

    def ready(self) -> None:
        from tandem.approvals.kinds import register_kind
        from tandem.core.navigation import NavEntry, register_nav
        from tandem.core.permissions import is_staff
        from tandem.planning import errors  # noqa: F401  (registers the error codes)
        from tandem.planning.incentive import IncentiveKind
        from tandem.planning.services import TargetKind

        register_kind(TargetKind())
        register_kind(IncentiveKind())
        register_nav(NavEntry("Plan", "planning:periods", 13, is_staff, group="together"))
