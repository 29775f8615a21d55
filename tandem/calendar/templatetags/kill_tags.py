"""The "Flagged" block of the calendar's item panel, reading its own figures, so the panel
includes it with one tag: ``{% load kill_tags %}{% kill_flags item %}``."""

from __future__ import annotations

from typing import Any

from django import template

from tandem.calendar.kill_views import flag_context

register = template.Library()


@register.inclusion_tag("calendar/_kill_flags.html", takes_context=True)
def kill_flags(context: template.Context, campaign: Any) -> dict[str, Any]:
    request = context["request"]
    return {
        **flag_context(request, campaign, context.get("decision_form")),
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "back": context.get("back", ""),
        "decided": context.get("decided", ""),
        "in_calendar": True,
        "level": 3,
    }
