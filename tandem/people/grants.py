"""The office's work and what an administrator grants beyond it.

Exporting whole lists and creating campaigns are the office teams' (marketing, sales,
leadership) and administrators' (the permission table's ``people.office`` row); a
front-line member may once an administrator grants it on their page
(``User.may_export_lists``, ``User.may_create_campaigns``; ``services.set_grants``).
"""

from __future__ import annotations

from typing import Any

from tandem.core.permissions import ORGANISATION, Action, Scope, can, require
from tandem.people.models import Team


def office(user: Any) -> Scope:
    """The office, as the permission table sees it for ``user``: a scope whose teams are
    the office teams ``user`` is in (any office team would answer the same, and these
    come with the person's roles, loaded once, instead of a query per question)."""

    def office_teams() -> list[int]:
        if not getattr(user, "is_authenticated", False):
            return []
        return [t for t, f in user.team_functions().items() if f != Team.Function.FRONT_LINE]

    return Scope("people.office", "office", office_teams)


def may(user: Any, action: Action) -> bool:
    """Whether ``user`` may do an office action (pages show the way in only then)."""
    return can(user, Action.CREATE_RECORD, ORGANISATION) and can(user, action, office(user))


def require_office(user: Any, action: Action) -> None:
    """FORBIDDEN, saying in plain words what was refused, unless ``user`` works here and
    may do ``action`` (their office team, an administrator's rights, or a grant)."""
    require(user, Action.CREATE_RECORD, ORGANISATION)
    require(user, action, office(user))


def may_export_lists(user: Any) -> bool:
    return may(user, Action.EXPORT_LIST)


def may_create_campaigns(user: Any) -> bool:
    return may(user, Action.CREATE_CAMPAIGN)
