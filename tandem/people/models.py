"""People, teams and memberships.

A team has a function (marketing, sales, front line, leadership); a membership gives a
person a role in it (member or head). Administrators are flagged on the user.
"""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.utils import timezone

from tandem.core.audit import field_history
from tandem.people.querysets import MembershipQuerySet, TeamQuerySet, UserManager


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    zones = sorted(z for z in zoneinfo.available_timezones() if "/" in z or z == "UTC")
    return [(z, z.replace("_", " ")) for z in zones]


class User(AbstractBaseUser):
    email = models.EmailField("e-mail", unique=True)
    full_name = models.CharField(max_length=150)
    handle = models.SlugField(
        max_length=60, unique=True, help_text="Used to @mention this person in comments."
    )
    time_zone = models.CharField(max_length=64, default="Europe/London")
    job_title = models.CharField(max_length=120, blank=True)
    is_active = models.BooleanField(default=True)
    is_admin = models.BooleanField("administrator", default=False)
    email_notifications = models.BooleanField(
        default=True, help_text="Also send my notifications by e-mail."
    )
    date_joined = models.DateTimeField(default=timezone.now)
    # Sales capacity: routing gives a rep no more open leads than this, and none while
    # they are away.
    lead_capacity = models.PositiveSmallIntegerField(
        "open-lead limit",
        default=40,
        help_text="How many handed-off leads this person can work at once.",
    )
    away_until = models.DateField(
        "out of office until",
        null=True,
        blank=True,
        help_text="No new leads are routed to this person up to and including this day.",
    )

    # Rights an administrator grants beyond what the person's teams may
    # (``tandem.people.grants``): the front line does not export whole lists or create
    # campaigns unless granted.
    may_export_lists = models.BooleanField(
        "may export whole lists",
        default=False,
        db_default=False,
        help_text="Download contacts, accounts, opportunities or campaigns as CSV or XLSX, "
        "even if their teams may not (the front line).",
    )
    may_create_campaigns = models.BooleanField(
        "may create campaigns",
        default=False,
        db_default=False,
        help_text="Plan new campaigns, even if their teams may not (the front line).",
    )

    objects = UserManager()
    history = field_history(excluded_fields=["password", "last_login"])

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "id"]
        indexes = [models.Index(fields=["full_name"])]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def initials(self) -> str:
        """Up to two letters for the avatar in the user menu: "Priya Raman" → "PR"."""
        words = (self.full_name or self.email).split()
        return "".join(w[0] for w in words[:1] + words[1:][-1:]).upper()

    @property
    def is_staff(self) -> bool:
        return self.is_admin

    @property
    def granted_actions(self) -> frozenset[str]:
        """The permission table's actions an administrator granted this person beyond
        their teams' (the table's GRANTED relation)."""
        return frozenset(
            action
            for action, flag in (
                ("export_list", self.may_export_lists),
                ("create_campaign", self.may_create_campaigns),
            )
            if flag
        )

    # Memberships read once per user object (team_roles, or load_team_roles for many).
    _team_roles: dict[int, str]
    _team_functions: dict[int, str]

    def team_roles(self) -> dict[int, str]:
        """{team_id: role} for this user, loaded once per user object."""
        if "_team_roles" not in self.__dict__:
            load_team_roles([self])
        return self._team_roles

    def team_functions(self) -> dict[int, str]:
        """{team_id: the team's function} (marketing, sales, ...), loaded with the roles."""
        self.team_roles()
        functions: dict[int, str] = self.__dict__.get("_team_functions", {})
        return functions

    def headed_team_ids(self) -> set[int]:
        """The teams this person heads."""
        return {team for team, role in self.team_roles().items() if role == "head"}

    def headed_teams_of(self, function: str) -> list[int]:
        """The teams of this function (front line, sales, ...) this person heads."""
        functions = self.team_functions()
        return sorted(t for t in self.headed_team_ids() if functions.get(t) == function)

    def home_team_id(self) -> int | None:
        """The team records this person creates belong to: their first team."""
        return min(self.team_roles(), default=None)

    def forget_team_roles(self) -> None:
        self.__dict__.pop("_team_roles", None)
        self.__dict__.pop("_team_functions", None)

    @property
    def permission_team_ids(self) -> set[int]:
        return set(self.team_roles())

    @property
    def permission_owner_id(self) -> int | None:
        return self.pk


class Team(models.Model):
    class Function(models.TextChoices):
        MARKETING = "marketing", "Marketing"
        SALES = "sales", "Sales"
        FRONT_LINE = "front_line", "Front line"
        LEADERSHIP = "leadership", "Leadership"

    class Desk(models.TextChoices):
        """Where a front-line team meets customers: the source of the leads it refers."""

        BRANCH = "branch", "In a branch or showroom"
        CALL_CENTRE = "call_centre", "On the phone (call centre)"

    name = models.CharField(max_length=120, unique=True)
    function = models.CharField(max_length=20, choices=Function.choices)
    # Front-line teams only: a branch unless an administrator says it is a call centre.
    desk = models.CharField(
        "where it meets customers",
        max_length=12,
        choices=Desk.choices,
        blank=True,
        default="",
        db_default="",
        help_text="Front-line teams: the source of the customers they refer to sales.",
    )
    description = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TeamQuerySet.as_manager()
    history = field_history()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def permission_team_ids(self) -> tuple[int, ...]:
        return (self.pk,)

    @property
    def front_line_desk(self) -> str:
        """A front-line team's desk (a branch unless set), "" for any other team."""
        if self.function != Team.Function.FRONT_LINE:
            return ""
        return self.desk or Team.Desk.BRANCH

    @property
    def permission_owner_id(self) -> int | None:
        return None


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", "Member"
        HEAD = "head", "Head"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()
    history = field_history()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "team"], name="one_membership_per_team")
        ]
        indexes = [models.Index(fields=["team", "role"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.team} ({self.role})"

    @property
    def permission_team_ids(self) -> tuple[int, ...]:
        return (self.team_id,)

    @property
    def permission_owner_id(self) -> Any:
        return None


def load_team_roles(users: list[User]) -> list[User]:
    """Fill the roles cache (``User.team_roles``) of many users in one query, not one
    per user."""
    found: dict[int, list[tuple[int, str, str]]] = {u.pk: [] for u in users if u.pk}
    rows = Membership.objects.filter(user_id__in=list(found)).values_list(
        "user_id", "team_id", "role", "team__function"
    )
    for user_id, team, role, function in rows:
        found[user_id].append((team, role, function))
    for user in users:
        mine = found.get(user.pk, [])
        user._team_roles = {team: role for team, role, _ in mine}
        user._team_functions = {team: function for team, _, function in mine}
    return users
