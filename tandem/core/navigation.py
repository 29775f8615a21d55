"""The navigation bar, assembled from what the installed apps register.

Core knows no domain app; each app adds its entries in ``AppConfig.ready`` with a test
of who may see them, so the bar only ever shows what exists for this person.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    order: int
    visible: Callable[[Any], bool]
    badge: Callable[[Any], int] | None = None
    badge_says: str = "unread"  # read out after the number: "3 unread"
    section: str = "main"  # "main" or "user"


_ENTRIES: list[NavEntry] = []


def register_nav(entry: NavEntry) -> None:
    if all(e.url_name != entry.url_name for e in _ENTRIES):
        _ENTRIES.append(entry)
        _ENTRIES.sort(key=lambda e: e.order)


def nav_for(user: Any, current_path: str) -> list[dict[str, Any]]:
    items = []
    for entry in _ENTRIES:
        if not entry.visible(user):
            continue
        url = reverse(entry.url_name)
        active = current_path == url if url == "/" else current_path.startswith(url)
        items.append(
            {
                "label": entry.label,
                "url": url,
                "active": active,
                "badge": entry.badge(user) if entry.badge else 0,
                "badge_says": entry.badge_says,
                "section": entry.section,
            }
        )
    return items
