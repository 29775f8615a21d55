from django.apps import AppConfig


class AttributionConfig(AppConfig):
    name = "tandem.attribution"
    label = "attribution"
    verbose_name = "Attribution and closed-loop revenue"
