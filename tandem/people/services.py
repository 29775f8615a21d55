"""Writes about people and teams. Each checks permission, validates, audits.

``actor=None`` means the system itself (seed data, console commands); views and the
API always pass the signed-in user.
"""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from tandem.core.dates import check_date
from tandem.core.errors import DomainError, ErrorCode, invalid
from tandem.core.permissions import ORGANISATION, Action, require
from tandem.core.services import record_event
from tandem.people.errors import PeopleError
from tandem.people.models import Membership, Team, User


def _require(actor: User | None, action: Action, obj: Any) -> None:
    if actor is not None:
        require(actor, action, obj)


def unique_handle(name: str) -> str:
    """``Sam Patel`` -> ``sam.patel``, or ``sam.patel2`` when taken."""
    base = slugify(name).replace("-", ".")[:50] or "user"
    handle, n = base, 1
    while User.objects.filter(handle=handle).exists():
        n += 1
        handle = f"{base}{n}"
    return handle


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(
            ErrorCode.INVALID, "Enter a valid e-mail address.", field="email"
        ) from None
    return email


def clean_time_zone(time_zone: str) -> str:
    try:
        zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise DomainError(
            ErrorCode.INVALID, f"{time_zone!r} is not a known time zone.", field="time_zone"
        ) from None
    return time_zone


def create_user(
    *,
    actor: User | None,
    email: str,
    full_name: str,
    time_zone: str = "Europe/London",
    job_title: str = "",
    is_admin: bool = False,
    password: str | None = None,
    send_invite: bool = True,
) -> User:
    """Create a person. Without a password they get an e-mail to set one."""
    _require(actor, Action.CREATE_USER, ORGANISATION)
    email = _clean_email(email)
    full_name = full_name.strip()
    if not full_name:
        raise DomainError(ErrorCode.INVALID, "Enter the person's name.", field="full_name")
    if User.objects.filter(email=email).exists():
        raise DomainError(
            PeopleError.EMAIL_TAKEN, "Someone already has this e-mail address.", field="email"
        )
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email,
                password,
                full_name=full_name[:150],
                time_zone=clean_time_zone(time_zone),
                job_title=job_title.strip()[:120],
                is_admin=is_admin,
            )
            record_event("user.created", subject=user, data={"is_admin": is_admin})
            if password is None and send_invite:
                from tandem.people.tasks import send_invite as send_invite_task

                transaction.on_commit(lambda: send_invite_task(user.pk))
    except IntegrityError:
        # Two requests raced: the same e-mail, or (rarely) the same generated handle.
        if User.objects.filter(email=email).exists():
            raise DomainError(
                PeopleError.EMAIL_TAKEN, "Someone already has this e-mail address.", field="email"
            ) from None
        raise DomainError(
            PeopleError.USER_ADDED_CONCURRENTLY,
            "Someone was added at the same moment; please try again.",
        ) from None
    return user


def update_profile(
    *,
    actor: User | None,
    user: User,
    full_name: str,
    time_zone: str,
    job_title: str = "",
    email_notifications: bool = True,
) -> User:
    _require(actor, Action.CHANGE, user)
    full_name = full_name.strip()
    if not full_name:
        raise DomainError(ErrorCode.INVALID, "Enter your name.", field="full_name")
    user.full_name = full_name[:150]
    user.time_zone = clean_time_zone(time_zone)
    user.job_title = job_title.strip()[:120]
    user.email_notifications = email_notifications
    with transaction.atomic():
        user.save(update_fields=["full_name", "time_zone", "job_title", "email_notifications"])
        record_event("user.profile_updated", subject=user)
    return user


def set_active(*, actor: User | None, user: User, active: bool) -> User:
    """Close or reopen an account (administrators). A closed account cannot log in,
    and its sessions and API tokens stop working at once; its history stays."""
    _require(actor, Action.CREATE_USER, ORGANISATION)
    if actor is not None and actor.pk == user.pk and not active:
        raise DomainError(ErrorCode.INVALID, "You cannot close your own account.", field="user")
    if user.is_active == active:
        return user
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        record_event("user.reopened" if active else "user.closed", subject=user)
    return user


def set_grants(
    *, actor: User | None, user: User, may_export_lists: bool, may_create_campaigns: bool
) -> User:
    """An administrator grants (or withdraws) rights beyond what the person's teams may:
    exporting whole lists and creating campaigns, which the front line does not do
    otherwise (``tandem.people.grants``). Recorded in the person's history."""
    _require(actor, Action.GRANT, user)
    changed = {
        name: value
        for name, value in (
            ("may_export_lists", bool(may_export_lists)),
            ("may_create_campaigns", bool(may_create_campaigns)),
        )
        if getattr(user, name) != value
    }
    if not changed:
        return user
    with transaction.atomic():
        for name, value in changed.items():
            setattr(user, name, value)
        user.save(update_fields=list(changed))
        record_event("user.grants_changed", subject=user, data=changed)
    return user


def update_team(
    *, actor: User | None, team: Team, name: str, description: str, desk: str | None = None
) -> Team:
    """Rename a team or change its description, or where a front-line team meets
    customers (its heads or an administrator)."""
    _require(actor, Action.CHANGE, team)
    name = name.strip()[:120]
    if not name:
        raise DomainError(ErrorCode.INVALID, "Enter the team's name.", field="name")
    if Team.objects.filter(name__iexact=name).exclude(pk=team.pk).exists():
        raise DomainError(
            PeopleError.TEAM_NAME_TAKEN, "A team with this name exists.", field="name"
        )
    team.name, team.description = name, description.strip()[:2000]
    if desk is not None:
        team.desk = _desk(team.function, desk)
    try:
        with transaction.atomic():
            team.save(update_fields=["name", "description", "desk"])
            record_event("team.updated", subject=team)
    except IntegrityError:
        raise DomainError(
            PeopleError.TEAM_NAME_TAKEN, "A team with this name exists.", field="name"
        ) from None
    return team


def _desk(function: str, desk: str) -> str:
    """A front-line team's desk (a branch unless said), nothing for other teams."""
    if function != Team.Function.FRONT_LINE:
        return ""
    if desk and desk not in Team.Desk.values:
        raise DomainError(ErrorCode.INVALID, "Choose a branch or a call centre.", field="desk")
    return desk or Team.Desk.BRANCH


def create_team(
    *, actor: User | None, name: str, function: str, description: str = "", desk: str = ""
) -> Team:
    """A team. A front-line team meets customers in a branch (the default) or on the
    phone (``desk``): the source of the customers it refers to sales."""
    _require(actor, Action.CREATE_USER, ORGANISATION)
    name = name.strip()[:120]
    if not name:
        raise DomainError(ErrorCode.INVALID, "Enter the team's name.", field="name")
    if function not in Team.Function.values:
        raise DomainError(ErrorCode.INVALID, "Choose the team's function.", field="function")
    taken = DomainError(PeopleError.TEAM_NAME_TAKEN, "A team with this name exists.", field="name")
    if Team.objects.filter(name__iexact=name).exists():
        raise taken
    try:
        with transaction.atomic():
            team = Team.objects.create(
                name=name,
                function=function,
                description=description[:2000],
                desk=_desk(function, desk),
            )
            record_event("team.created", subject=team, data={"function": function})
    except IntegrityError:
        raise taken from None
    return team


def add_member(*, actor: User | None, team: Team, user: User, role: str = "member") -> Membership:
    """Heads manage their own team's members; administrators manage every team."""
    _require(actor, Action.MANAGE_MEMBERS, team)
    if role not in Membership.Role.values:
        raise DomainError(ErrorCode.INVALID, "Choose member or head.", field="role")
    if not user.is_active:
        raise DomainError(ErrorCode.INVALID, "This person's account is closed.", field="user")
    try:
        with transaction.atomic():
            membership = Membership.objects.create(team=team, user=user, role=role)
            record_event("team.member_added", subject=team, data={"user_id": user.pk, "role": role})
    except IntegrityError:
        raise DomainError(
            PeopleError.ALREADY_MEMBER, f"{user} is already in {team}.", field="user"
        ) from None
    user.forget_team_roles()
    return membership


def _lock(membership: Membership) -> Membership:
    """The membership as stored now, locked, with the team's head rows locked too.

    Locking every head of the team first means two heads demoting or removing each
    other at once are served one after the other, so a team never ends with no head.
    """
    list(Membership.objects.select_for_update().filter(team_id=membership.team_id).heads())
    try:
        return Membership.objects.select_for_update().select_related("team").get(pk=membership.pk)
    except Membership.DoesNotExist:
        raise DomainError(ErrorCode.NOT_FOUND, "This person is no longer in the team.") from None


def _keep_a_head(membership: Membership) -> None:
    if membership.role != Membership.Role.HEAD:
        return
    if Membership.objects.filter(team_id=membership.team_id).heads().count() <= 1:
        raise DomainError(
            PeopleError.LAST_HEAD,
            f"{membership.team} needs at least one head; make someone else head first.",
            field="role",
        )


def change_role(*, actor: User | None, membership: Membership, role: str) -> Membership:
    _require(actor, Action.MANAGE_MEMBERS, membership.team)
    if role not in Membership.Role.values:
        raise DomainError(ErrorCode.INVALID, "Choose member or head.", field="role")
    with transaction.atomic():
        locked = _lock(membership)
        if role == locked.role:
            return locked
        if role == Membership.Role.MEMBER:
            _keep_a_head(locked)
        old = locked.role
        locked.role = role
        locked.save(update_fields=["role"])
        record_event(
            "team.role_changed",
            subject=locked.team,
            data={"user_id": locked.user_id, "from": old, "to": role},
        )
    return locked


def remove_member(*, actor: User | None, membership: Membership) -> None:
    _require(actor, Action.MANAGE_MEMBERS, membership.team)
    with transaction.atomic():
        locked = _lock(membership)
        _keep_a_head(locked)
        team, user_id = locked.team, locked.user_id
        locked.delete()
        record_event("team.member_removed", subject=team, data={"user_id": user_id})


# --- Capacity (read by the hand-off's routing) -------------------------------------------
MAX_LEAD_CAPACITY = 10_000


def set_capacity(
    *, actor: User, rep: User, lead_capacity: int | None = None, away_until: Any = "keep"
) -> User:
    """A head of one of the rep's teams (or an administrator) sets how many open leads
    the rep can take; the rep, or such a head, sets when they are away. Routing (in
    handoff) reads it; only this function writes it."""
    may_manage = actor.is_admin or bool(actor.headed_team_ids() & set(rep.team_roles()))
    if lead_capacity is not None and not may_manage:
        raise DomainError(ErrorCode.FORBIDDEN, "Only a head of the rep's team sets capacity.")
    if away_until != "keep" and not (may_manage or actor.pk == rep.pk):
        raise DomainError(ErrorCode.FORBIDDEN, "Only the rep or their head sets absence.")
    fields = []
    if lead_capacity is not None:
        if not 0 <= lead_capacity <= MAX_LEAD_CAPACITY:
            raise invalid("lead_capacity", "Use a number from 0 to 10,000.")
        rep.lead_capacity = lead_capacity
        fields.append("lead_capacity")
    if away_until != "keep":
        rep.away_until = None if away_until is None else check_date(away_until, "away_until")
        fields.append("away_until")
    if fields:
        with transaction.atomic():
            rep.save(update_fields=fields)
            record_event("user.capacity_changed", subject=rep, data={"fields": fields})
    return rep
