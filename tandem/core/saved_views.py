"""Saved views: a list page's filters, kept under a name.

Only the parameters a list declares are kept (never ``page``), so a saved view cannot
smuggle anything else into a URL.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db import transaction
from django.http import HttpRequest, QueryDict

from tandem.core.errors import DomainError, ErrorCode
from tandem.core.models import SavedView
from tandem.core.permissions import ORGANISATION, Action, require
from tandem.core.services import record_event
from tandem.core.validation import required_text

# List name -> (URL name of the list page, filter parameters it understands).
LISTS: dict[str, tuple[str, tuple[str, ...]]] = {}


def register_list(name: str, url_name: str, params: tuple[str, ...]) -> None:
    LISTS[name] = (url_name, params)


def clean_query(list_name: str, query: QueryDict) -> str:
    _, params = LISTS[list_name]
    kept = [(key, value[:200]) for key in params for value in query.getlist(key) if value]
    return urlencode(kept)[:500]


def save_view(
    *, actor: Any, list_name: str, name: str, query: QueryDict, shared: bool = False
) -> SavedView:
    if list_name not in LISTS:
        raise DomainError(ErrorCode.NOT_FOUND, "No such list.")
    require(actor, Action.CREATE_RECORD, ORGANISATION)  # every saved list is a staff list
    name = required_text(name, "name", 80, message="Name the view (at most 80 characters).")
    with transaction.atomic():
        view, _ = SavedView.objects.update_or_create(
            owner=actor,
            list_name=list_name,
            name=name,
            defaults={"query": clean_query(list_name, query), "shared": shared},
        )
        record_event("saved_view.saved", subject=view, data={"list": list_name})
    return view


def delete_view(*, actor: Any, view: SavedView) -> None:
    require(actor, Action.CHANGE, view)
    with transaction.atomic():
        record_event("saved_view.deleted", subject=view, data={"list": view.list_name})
        view.delete()


def context_for(request: HttpRequest, list_name: str) -> dict[str, Any]:
    """What a list page needs to show its saved views and the save form."""
    views = SavedView.objects.visible_to(request.user).for_list(list_name)
    return {
        "saved_views": list(views.select_related("owner")[:50]),
        "saved_list_name": list_name,
        "current_query": clean_query(list_name, request.GET),
    }
