from django.apps import AppConfig


class CollateralConfig(AppConfig):
    """Collateral built with the sharp end: assets with versions, a sign-off gate (an
    approval kind bound to the current version) before print or publish, the front-line
    library with full-text search, usage, ratings, feedback and requests. Above the
    calendar, whose campaigns' readiness it joins."""

    name = "tandem.collateral"
    label = "collateral"
    verbose_name = "Collateral"
