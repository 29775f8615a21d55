"""Sections that higher apps add to a lower app's pages, so the page renders them
without importing those apps (as ``tandem.core.navigation`` does for the bar).

A page names its place (``"<app>.<page>"``) and passes ``panels_for(place, request,
subject)`` to its template, which includes each panel's template with ``panel`` in the
context (the page's own context stays visible to it):

    {% for panel in panels %}{% include panel.template %}{% endfor %}

An app registers a ``Panel`` for a place in its ``AppConfig.ready``. Places:

- ``"crm.contact"``: the contact page; subject: the contact.
- ``"crm.account"``: the account page; subject: the account.
- ``"crm.opportunity"``: the opportunity page; subject: the opportunity.
- ``"crm.contacts"``: the contact list (page and htmx rows), above the rows; subject:
  the page of contacts shown.
- ``"campaigns.campaign"``: the campaign page, below its summary; subject: the campaign.

A record page (``core/record.html``: properties in a side column, the timeline in the
middle, associations beside it) places each panel by its ``column``: ``"side"`` (a
property block), ``"related"`` (associated records) or ``"main"`` (above the timeline).
Other pages ignore it.

A panel's context is read-only work: a page view (a GET) never starts a job.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class Panel:
    template: str
    context: Callable[[HttpRequest, Any], dict[str, Any]]  # (request, subject) -> context
    column: str = "main"  # on a record page: "side", "main" or "related"


_PANELS: dict[str, list[Panel]] = {}


def register_panel(place: str, panel: Panel) -> None:
    panels = _PANELS.setdefault(place, [])
    if panel not in panels:
        panels.append(panel)


def panels_for(place: str, request: HttpRequest, subject: Any) -> list[dict[str, Any]]:
    """Each panel registered for ``place``, as ``{"template": …, **its context}``."""
    return [
        {"template": panel.template, "column": panel.column, **panel.context(request, subject)}
        for panel in _PANELS.get(place, ())
    ]
