from django.apps import AppConfig


class CalendarConfig(AppConfig):
    """The shared calendar: every campaign, communication and event on one calendar that
    sales sees; sales readiness per campaign; capacity against inflow; the ICS feed; the
    kill criteria and the cut/continue decisions. Above campaigns, the hand-off and
    attribution, whose figures it weighs."""

    name = "tandem.calendar"
    label = "calendar"
    verbose_name = "Calendar and capacity"

    def ready(self) -> None:
        from tandem.calendar.readiness import launch_check
        from tandem.campaigns.services import register_launch_check
        from tandem.core.navigation import NavEntry, register_nav
        from tandem.core.permissions import is_staff

        register_nav(NavEntry("Calendar", "calendar:calendar", 8, is_staff, group="together"))
        # A campaign of a type sales must follow up goes live only once sales is ready.
        register_launch_check(launch_check)
        # Cutting what fails: kill criteria are a joint contract of the two heads; a
        # flagged campaign's decision shows on the campaign page (campaigns does not
        # import the calendar); performance and criteria pages under marketing.
        from tandem.approvals.kinds import register_kind
        from tandem.calendar.kill import KillKind
        from tandem.calendar.kill_views import KILL_PANEL
        from tandem.core.panels import register_panel

        register_kind(KillKind())
        register_panel("campaigns.campaign", KILL_PANEL)
        register_nav(
            NavEntry("Performance", "calendar:performance", 6, is_staff, group="marketing")
        )
        register_nav(
            NavEntry("Kill criteria", "calendar:kill_criteria", 6, is_staff, group="marketing")
        )
