from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "tandem.approvals"
    label = "approvals"
    verbose_name = "Approvals"
