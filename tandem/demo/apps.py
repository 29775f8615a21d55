from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo organisation (seed data) and the one-command demo runner."""

    name = "tandem.demo"
    label = "demo"
    verbose_name = "Demo organisation"
