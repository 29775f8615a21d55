"""Showing stored times on pages: a value already stored never answers a page with a 500.

Django turns every datetime into the reader's zone before its ``date`` and ``time``
filters see it, and that overflows within a day of year 1 or 9999 (a touch dated
0001-01-01T00:00Z is 23:58:45 on 31 December of year 0 in London's 1847 mean time).
New values are kept within 1900-2200 by ``tandem.core.dates``; rows stored before that
rule, or written around it, are shown as stored, in UTC. Loaded as a template builtin
(settings.TEMPLATES), so these replace Django's filters of the same names everywhere.
"""

from datetime import datetime
from typing import Any

from django import template
from django.template import defaultfilters
from django.utils import timezone

register = template.Library()


def _local(value: Any) -> Any:
    if isinstance(value, datetime) and timezone.is_aware(value):
        try:
            return timezone.localtime(value)
        except OverflowError:  # at the edge of what Python holds: show it in UTC
            return value
    return value


@register.filter(is_safe=False)
def date(value: Any, arg: str | None = None) -> str:
    return defaultfilters.date(_local(value), arg)


@register.filter(is_safe=False)
def time(value: Any, arg: str | None = None) -> str:
    return defaultfilters.time(_local(value), arg)


@register.filter(is_safe=False)
def timesince(value: Any, arg: Any = None) -> str:
    try:
        return defaultfilters.timesince_filter(value, arg)
    except OverflowError:  # the span cannot be computed; the date filter still shows it
        return ""


@register.filter(is_safe=False)
def timeuntil(value: Any, arg: Any = None) -> str:
    try:
        return defaultfilters.timeuntil_filter(value, arg)
    except OverflowError:
        return ""
