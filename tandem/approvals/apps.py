from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "tandem.approvals"
    label = "approvals"
    verbose_name = "Approvals"

    def ready(self) -> None:
        from tandem.core.navigation import NavEntry, register_nav
        from tandem.core.permissions import is_staff
        from tandem.core.records import register_record

        register_record("approvals.approvalrequest", url_name="approvals:detail")
        register_nav(
            NavEntry(
                "Decisions",
                "approvals:decisions",
                9,
                is_staff,
                badge=_waiting_count,
                badge_says="waiting for you",
                group="together",
            )
        )


def _waiting_count(user: object) -> int:
    from tandem.approvals.models import ApprovalRequest

    return int(ApprovalRequest.objects.waiting_for(user).count())
