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
        from tandem.calendar.panels import CAMPAIGN_READINESS
        from tandem.calendar.readiness import launch_check
        from tandem.campaigns.services import register_launch_check
        from tandem.core.navigation import NavEntry, register_nav
        from tandem.core.panels import register_panel
        from tandem.core.permissions import is_staff

        register_nav(NavEntry("Calendar", "calendar:calendar", 8, is_staff, group="together"))
        # A campaign of a type sales must follow up goes live only once sales is ready.
        register_launch_check(launch_check)
        register_panel("campaigns.campaign", CAMPAIGN_READINESS)

        # A feed's URL reads the calendar as its owner: a new password (perhaps because
        # the old one leaked) revokes it, as it does API tokens.
        from tandem.calendar.feeds import revoke_feeds_of
        from tandem.calendar.models import FeedToken
        from tandem.people.passwords import Credential, register_credential

        register_credential(
            Credential(
                key="calendar_feeds",
                singular="calendar feed",
                plural="calendar feeds",
                live_count=lambda user: FeedToken.objects.filter(owner=user).live().count(),
                revoke_all=lambda user: revoke_feeds_of(user=user, reason="password_changed"),
            )
        )
        self._capacity()

    def _capacity(self) -> None:
        """Capacity: its page, the warning before a schedule is saved, the request to a
        head of sales when someone goes ahead, and the heads' launch rule."""
        from tandem.approvals.kinds import register_kind
        from tandem.calendar import capacity_gate
        from tandem.calendar.kinds import OverCapacityKind
        from tandem.campaigns.services import register_launch_check, register_schedule_check
        from tandem.core.navigation import NavEntry, register_nav
        from tandem.core.permissions import is_staff

        register_nav(NavEntry("Capacity", "calendar:capacity", 8, is_staff, group="sales"))
        register_kind(OverCapacityKind())
        register_schedule_check(capacity_gate.warnings, capacity_gate.confirmed)
        register_launch_check(capacity_gate.launch_check)
        self._cutting()

    def _cutting(self) -> None:
        # Cutting what fails: kill criteria are a joint contract of the two heads; a
        # flagged campaign's decision shows on the campaign page (campaigns does not
        # import the calendar); performance and criteria pages under marketing.
        from tandem.approvals.kinds import register_kind
        from tandem.calendar.kill import KillKind
        from tandem.calendar.kill_views import KILL_PANEL
        from tandem.core.navigation import NavEntry, register_nav
        from tandem.core.panels import register_panel
        from tandem.core.permissions import is_staff

        register_kind(KillKind())
        register_panel("campaigns.campaign", KILL_PANEL)
        register_nav(
            NavEntry("Performance", "calendar:performance", 6, is_staff, group="marketing")
        )
        register_nav(
            NavEntry("Kill criteria", "calendar:kill_criteria", 6, is_staff, group="marketing")
        )
