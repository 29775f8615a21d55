"""{% countdown due now %}: an SLA clock as text a script keeps moving."""

from datetime import datetime

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


def _span(seconds: float) -> str:
    minutes = round(abs(seconds) / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h {minutes % 60} min"
    return f"{hours // 24} days"


@register.simple_tag
def countdown(due: datetime | None, now: datetime) -> SafeString | str:
    if due is None:
        return "no SLA clock"
    left = (due - now).total_seconds()
    text = f"due in {_span(left)}" if left >= 0 else f"overdue by {_span(left)}"
    css = "" if left >= 0 else "overdue"
    return format_html(
        '<time data-countdown class="{}" datetime="{}">{}</time>', css, due.isoformat(), text
    )
