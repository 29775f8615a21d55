"""Named reads of approval requests: what waits for a person, what they asked for."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Exists, F, OuterRef, Q

from tandem.core.permissions import is_staff


def _needs_held_by(user: Any) -> Q:
    """Requirements whose role ``user`` holds, as a filter on Requirement (the SQL twin of
    ``Need.holds``; see ``approvals.needs``)."""
    from tandem.approvals.needs import Role

    roles = user.team_roles()  # {team_id: "head" | "member"}
    functions = user.team_functions()  # loaded with the roles: no query of its own
    member_of = set(functions.values())
    head_of = {functions[t] for t, role in roles.items() if role == "head"}
    return (
        Q(role=Role.PERSON, person=user.pk)
        | Q(role=Role.MEMBER_OF_TEAM, team__in=list(roles))
        | Q(role=Role.HEAD_OF, function__in=sorted(head_of))
        | Q(role=Role.MEMBER_OF_FUNCTION, function__in=sorted(member_of))
        | (Q(role=Role.EXECUTIVE) if "leadership" in head_of else Q(pk__in=[]))
    )


class ApprovalRequestQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> ApprovalRequestQuerySet:
        """Joint decisions are made in the open: everyone who works here sees them."""
        return self.all() if is_staff(user) else self.none()

    def about(self, subject: Any) -> ApprovalRequestQuerySet:
        return self.filter(
            subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk
        )

    def open(self) -> ApprovalRequestQuerySet:
        return self.filter(status="open")

    def asked_by(self, user: Any) -> ApprovalRequestQuerySet:
        return self.filter(requested_by=user)

    def waiting_for(self, user: Any) -> ApprovalRequestQuerySet:
        """Open requests with a requirement ``user`` could satisfy now: they hold its
        role, have satisfied no other requirement of the request, and, if they asked,
        it is of their own side. (A kind may narrow this further in ``may_decide``;
        ``services.open_needs`` applies that.)"""
        if not user.is_authenticated or not user.team_roles():
            return self.none()
        from tandem.approvals.models import Requirement

        # From the unsatisfied requirements this person's roles name (partial indexes),
        # to their open requests; minus those they satisfied or asked for on one side.
        could = Requirement.objects.filter(_needs_held_by(user), satisfied_by__isnull=True)
        could = could.exclude(Q(request__requested_by=user) & ~Q(side=F("request__requester_side")))
        # A request taken in order waits only for its first unsatisfied requirement.
        earlier = Requirement.objects.filter(
            request=OuterRef("request"),
            position__lt=OuterRef("position"),
            satisfied_by__isnull=True,
        )
        could = could.exclude(Q(request__in_order=True) & Exists(earlier))
        done = Requirement.objects.filter(satisfied_by=user).values("request_id")
        return self.open().filter(pk__in=could.values("request_id")).exclude(pk__in=done)
