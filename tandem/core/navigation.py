"""The navigation, assembled from what the installed apps register.

Core knows no domain app; each app adds its entries in ``AppConfig.ready`` with a test
of who may see them, so the shell only ever shows what exists for this person.

Entries sit in groups named by how people think of their work (``GROUPS``), not by
app: a person looking for the pipeline board looks under *Sales*, wherever its code
lives. Entries of the ``user`` section go to the user menu (profile, tokens) and the
bell (notifications) instead of the sidebar.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

# (key, heading) in the order the sidebar shows them. An app picks one by its key.
GROUPS: tuple[tuple[str, str], ...] = (
    ("customers", "Customers"),
    ("marketing", "Marketing"),
    ("sales", "Sales"),
    ("together", "Together"),
    ("admin", "Admin"),
)
_GROUP_KEYS = {key for key, _ in GROUPS}


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    order: int
    visible: Callable[[Any], bool]
    badge: Callable[[Any], int] | None = None
    badge_says: str = "unread"  # read out after the number: "3 unread"
    section: str = "main"  # "main" (the sidebar) or "user" (the user menu and bell)
    group: str = ""  # a key of GROUPS for the sidebar; "" stands alone at the top

    def __post_init__(self) -> None:
        if self.group and self.group not in _GROUP_KEYS:
            raise ValueError(f"unknown navigation group {self.group!r}")


_ENTRIES: list[NavEntry] = []


def register_nav(entry: NavEntry) -> None:
    if all(e.url_name != entry.url_name for e in _ENTRIES):
        _ENTRIES.append(entry)
        _ENTRIES.sort(key=lambda e: e.order)


def nav_for(user: Any, current_path: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for entry in _ENTRIES:
        if not entry.visible(user):
            continue
        url = reverse(entry.url_name)
        items.append(
            {
                "label": entry.label,
                "url": url,
                "active": current_path == url if url == "/" else current_path.startswith(url),
                "badge": entry.badge(user) if entry.badge else 0,
                "counter": entry.badge is not None,  # the user menu shows these as bells
                "badge_says": entry.badge_says,
                "section": entry.section,
                "group": entry.group,
            }
        )
    # Of two entries whose addresses both start the current path (/leads/ and
    # /leads/board/), only the longer one is where the person is.
    here = [i for i in items if i["active"]]
    for item in here:
        item["active"] = len(item["url"]) == max(len(i["url"]) for i in here)
    return items


def grouped(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The sidebar's groups in ``GROUPS`` order, each with its entries; empty groups
    (nothing in them this person may see) are left out."""
    groups = []
    for key, heading in GROUPS:
        entries = [i for i in items if i["group"] == key]
        if entries:
            groups.append(
                {
                    "key": key,
                    "heading": heading,
                    "items": entries,
                    "active": any(i["active"] for i in entries),
                }
            )
    return groups
