"""Who may satisfy a requirement: the roles an approval kind asks for.

A ``Need`` is stored on each requirement as (role, params) so the question "may this
person decide?" is answered the same way when the request is made, when someone
decides, and when a reminder is sent, even if the kind's code changed in between.
Each role answers both ways: ``holds(user)`` for one person, ``candidates()`` for
everyone who could (to notify them). A role is a fact about teams, never about the
administrator flag: no role, admin included, bypasses a requirement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tandem.people.models import Membership, Team, User


class Role:
    HEAD_OF = "head_of"  # a head of a team of function F ("marketing", "sales", ...)
    MEMBER_OF_FUNCTION = "member_of_function"  # anyone in a team of function F
    MEMBER_OF_TEAM = "member_of_team"  # anyone in team T (a region's sales team, a branch)
    PERSON = "person"  # one named person (the subject's owning rep)
    EXECUTIVE = "executive"  # a head of a leadership team


@dataclass(frozen=True)
class Need:
    """One requirement of a request: who may satisfy it, and for which side."""

    role: str
    label: str  # what people read: "a head of a marketing team"
    side: str = ""  # "marketing", "sales", "front_line", "leadership" (the requester rule)
    params: dict[str, Any] = field(default_factory=dict)

    def holds(self, user: Any) -> bool:
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        return bool(self.candidates().filter(pk=user.pk).exists())

    def candidates(self) -> Any:
        """Everyone who could satisfy this need, as a User queryset."""
        people = User.objects.filter(is_active=True)
        if self.role == Role.PERSON:
            return people.filter(pk=self.params.get("user_id"))
        if self.role == Role.MEMBER_OF_TEAM:
            return people.filter(memberships__team_id=self.params.get("team_id")).distinct()
        function = (
            Team.Function.LEADERSHIP
            if self.role == Role.EXECUTIVE
            else self.params.get("function", "")
        )
        memberships = Membership.objects.filter(team__function=function)
        if self.role in (Role.HEAD_OF, Role.EXECUTIVE):
            memberships = memberships.filter(role=Membership.Role.HEAD)
        return people.filter(pk__in=memberships.values("user_id"))


FUNCTION_NAMES = dict(Team.Function.choices)


def head_of(function: str) -> Need:
    """A head of a team of ``function``: the contracts' "head of marketing/sales"."""
    name = FUNCTION_NAMES[function].lower()
    return Need(Role.HEAD_OF, f"a head of a {name} team", function, {"function": function})


def member_of(function: str, label: str = "") -> Need:
    """Anyone in a team of ``function``, e.g. a front-line reviewer."""
    name = FUNCTION_NAMES[function].lower()
    return Need(
        Role.MEMBER_OF_FUNCTION,
        label or f"someone in a {name} team",
        function,
        {"function": function},
    )


def front_line_reviewer() -> Need:
    return member_of(Team.Function.FRONT_LINE, "a front-line reviewer (branch or call centre)")


def member_of_team(team: Team, label: str = "") -> Need:
    """Anyone in one team: "any rep of region X" where the region is a sales team."""
    return Need(
        Role.MEMBER_OF_TEAM,
        label or f"someone in {team.name}",
        team.function,
        {"team_id": team.pk},
    )


def person(user: User, label: str, side: str = "") -> Need:
    """One named person, e.g. the subject's owning sales rep."""
    return Need(Role.PERSON, label, side, {"user_id": user.pk})


def executive() -> Need:
    return Need(Role.EXECUTIVE, "the executive", Team.Function.LEADERSHIP)
