"""Asking for, making and overriding joint decisions. Every write goes through here.

The rules, in one place:
- a request is about one version of its subject; a new version voids every decision
  made on an earlier one and reopens the request (``new_version``);
- each requirement is satisfied by one person, and one person satisfies at most one
  requirement of a request; the requester satisfies only requirements of their own side;
- a decision names the version it was made on: one for an older version is refused;
- approving the last needed requirement runs the kind's ``on_approved`` in the same
  transaction, which may refuse (the whole decision is then undone);
- only the kind's override role may decide in place of the requirements, with a reason.
Concurrent deciders are serialised by locking the request row first.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from tandem.approvals.errors import ApprovalError
from tandem.approvals.kinds import ApprovalKind, kind_named
from tandem.approvals.models import ApprovalRequest, Decision, Requirement
from tandem.core.errors import DomainError, ErrorCode
from tandem.core.permissions import require_staff
from tandem.core.records import record_url
from tandem.core.services import record_event
from tandem.notifications.services import notify
from tandem.people.models import load_team_roles

Status = ApprovalRequest.Status
MAX_COMMENT = 2000
MAX_REASON = 500


def _text(value: Any, limit: int) -> str:
    return str(value or "").strip()[:limit]


def _lock(request: ApprovalRequest) -> ApprovalRequest:
    """The request, locked for this transaction, with its requirements read once."""
    return (
        ApprovalRequest.objects.select_for_update()
        .prefetch_related("requirements")
        .get(pk=request.pk)
    )


def requirements_of(request: ApprovalRequest) -> list[Requirement]:
    """The request's requirements: prefetched ones where the caller prefetched (deciding
    reads them several times, and a satisfied one is changed in that same list)."""
    return list(request.requirements.all())


def waiting_labels(requirements: list[Requirement]) -> list[str]:
    """Who a request still waits for, as people read it."""
    return [r.label for r in requirements if r.satisfied_by_id is None]


def kind_of(request: ApprovalRequest) -> ApprovalKind:
    return kind_named(request.kind)


def _close(
    request: ApprovalRequest, status: str, actor: Any, now: Any, *, reason: str = ""
) -> None:
    """Every way a request ends: approved, sent back, withdrawn, overridden, superseded."""
    request.status, request.closed_at, request.closed_by = status, now, actor
    request.override_reason = reason or request.override_reason
    request.save(update_fields=["status", "closed_at", "closed_by", "override_reason"])


def _record_decision(
    request: ApprovalRequest,
    requirement: Requirement,
    actor: Any,
    outcome: str,
    comment: str,
    now: Any,
) -> None:
    Decision.objects.create(
        request=request,
        requirement=requirement,
        decided_by=actor,
        outcome=outcome,
        comment=comment,
        version=request.version,
        decided_at=now,
    )


def request_approval(
    *, actor: Any, kind: str, subject: Any, reason: str = "", title: str = ""
) -> ApprovalRequest:
    """Ask for ``kind``'s decision about ``subject`` at its current version.

    A request of the same kind about the same subject that is still open, or was sent
    back for changes, is superseded: at most one is ever live, so a new version can
    reopen it. If the kind says so, asking counts as the requester's approval for their
    own side."""
    require_staff(actor)
    spec = kind_named(kind)
    needs = spec.requirements(subject)
    if not needs:
        raise ValueError(f"Approval kind {kind!r} gave no requirements.")
    own_sides = [n.side for n in needs if spec.may_decide(actor, n)]
    now = timezone.now()
    with transaction.atomic():
        subject_type = ContentType.objects.get_for_model(subject)
        for older in ApprovalRequest.objects.select_for_update().filter(
            kind=kind,
            subject_type=subject_type,
            subject_id=subject.pk,
            status__in=(Status.OPEN, Status.CHANGES_REQUESTED),
        ):
            _close(older, Status.SUPERSEDED, actor, now)
            record_event("approval.superseded", subject=older)
            spec.on_superseded(subject)
        request = ApprovalRequest.objects.create(
            kind=kind,
            subject_type=subject_type,
            subject_id=subject.pk,
            title=_text(title or spec.describe(subject), 200),
            version=spec.version(subject),
            reason=_text(reason, MAX_REASON),
            requested_by=actor,
            requester_side=_requester_side(spec, own_sides),
            needed=min(spec.needed or len(needs), len(needs)),
            in_order=spec.in_order(subject),
            requested_at=now,
        )
        Requirement.objects.bulk_create(
            Requirement(
                request=request,
                position=i,
                role=n.role,
                function=n.params.get("function", ""),
                team_id=n.params.get("team_id"),
                person_id=n.params.get("user_id"),
                label=n.label,
                side=n.side,
            )
            for i, n in enumerate(needs)
        )
        record_event("approval.requested", subject=request, data={"kind": kind})
        prefetch_related_objects([request], "requirements")
        if spec.requester_approves and own_sides:
            _approve(request, spec, actor, open_needs(request, actor, spec)[0], comment="")
        if request.is_open:
            _tell_deciders(request, spec, f"{actor} asks for your decision: {request.title}")
    return request


# The requester_side of a request whose requester never counts as an approver: no
# requirement has this side, so the rule "a requester decides only for their own side"
# (here and in ApprovalRequestQuerySet.waiting_for) leaves them nothing to decide.
NO_SIDE = "-"


def _requester_side(spec: ApprovalKind, own_sides: list[str]) -> str:
    if not spec.requester_may_decide:
        return NO_SIDE
    return own_sides[0] if own_sides else ""


def open_needs(
    request: ApprovalRequest,
    user: Any,
    spec: ApprovalKind | None = None,
    requirements: list[Requirement] | None = None,
) -> list[Requirement]:
    """The requirements of ``request`` that ``user`` may satisfy now (first is used)."""
    spec = spec or kind_of(request)
    if requirements is None:
        requirements = requirements_of(request)
    if any(r.satisfied_by_id == user.pk for r in requirements):
        return []
    asked = request.requested_by_id == user.pk
    waiting = [r for r in requirements if r.satisfied_by_id is None]
    if request.in_order:
        waiting = waiting[:1]
    return [
        r
        for r in waiting
        if not (asked and r.side != request.requester_side) and spec.may_decide(user, r.need)
    ]


def decide(
    *, actor: Any, request: ApprovalRequest, outcome: str, version: Any, comment: str = ""
) -> ApprovalRequest:
    """Approve or request changes on the version the decider saw."""
    if outcome not in Decision.Outcome.values:
        raise DomainError(ErrorCode.INVALID, "Choose approve or changes.", field="outcome")
    try:
        seen = int(version)
    except (TypeError, ValueError):
        raise DomainError(
            ErrorCode.INVALID, "Say which version you decided on.", field="version"
        ) from None
    comment = _text(comment, MAX_COMMENT)
    if outcome == Decision.Outcome.CHANGES and not comment:
        raise DomainError(ErrorCode.INVALID, "Say what should change.", field="comment")
    spec = kind_of(request)
    with transaction.atomic():
        locked = _lock(request)
        _require_open(locked)
        if seen != locked.version:
            raise DomainError(
                ApprovalError.VERSION_NOT_CURRENT,
                f"You decided on version {seen}, but version {locked.version} is current: "
                "look at it again and decide on that.",
                field="version",
            )
        needs = open_needs(locked, actor, spec)
        if not needs:
            raise _why_not(locked, actor)
        if outcome == Decision.Outcome.APPROVE:
            _approve(locked, spec, actor, needs[0], comment=comment)
        else:
            now = timezone.now()
            _record_decision(locked, needs[0], actor, outcome, comment, now)
            _close(locked, Status.CHANGES_REQUESTED, actor, now)
            spec.on_closed(locked.subject, Status.CHANGES_REQUESTED)
            record_event("approval.changes_requested", subject=locked, data={"comment": comment})
            _tell_requester(locked, f"{actor} asks for changes to {locked.title}: {comment}")
    return locked


def _approve(
    request: ApprovalRequest,
    spec: ApprovalKind,
    actor: Any,
    requirement: Requirement,
    *,
    comment: str,
) -> None:
    now = timezone.now()
    requirement.satisfied_by, requirement.satisfied_at = actor, now
    requirement.save(update_fields=["satisfied_by", "satisfied_at"])
    _record_decision(request, requirement, actor, Decision.Outcome.APPROVE, comment, now)
    record_event(
        "approval.approved",
        subject=request,
        data={"requirement": requirement.label, "version": request.version},
    )
    satisfied = sum(1 for r in requirements_of(request) if r.satisfied_by_id is not None)
    if satisfied >= request.needed:
        _close(request, Status.APPROVED, actor, now)
        spec.on_approved(request.subject, actor)  # may refuse: the caller's atomic undoes
        record_event("approval.passed", subject=request)
        _tell_requester(request, f"Approved: {request.title}")


def withdraw(*, actor: Any, request: ApprovalRequest) -> ApprovalRequest:
    """The requester takes the request back."""
    spec = kind_of(request)
    with transaction.atomic():
        locked = _lock(request)
        if locked.requested_by_id != actor.pk:
            raise DomainError(ErrorCode.FORBIDDEN, "Only the person who asked may withdraw.")
        _require_open(locked)
        _close(locked, Status.WITHDRAWN, actor, timezone.now())
        spec.on_closed(locked.subject, Status.WITHDRAWN)
        record_event("approval.withdrawn", subject=locked)
    return locked


def override(*, actor: Any, request: ApprovalRequest, reason: str) -> ApprovalRequest:
    """Decide in place of the requirements: only the kind's override role, with a reason
    that is shown wherever the result is."""
    spec = kind_of(request)
    if spec.override is None or not spec.override.role.holds(actor):
        raise DomainError(
            ApprovalError.NO_OVERRIDE,
            f"Only {spec.override.role.label} may override this."
            if spec.override
            else "This kind of decision cannot be overridden: it needs its approvals.",
        )
    reason = _text(reason, MAX_REASON)
    if not reason:
        raise DomainError(ErrorCode.INVALID, "Give the reason for the override.", field="reason")
    with transaction.atomic():
        locked = _lock(request)
        _require_open(locked)
        _close(locked, Status.OVERRIDDEN, actor, timezone.now(), reason=reason)
        spec.on_approved(locked.subject, actor)
        record_event("approval.overridden", subject=locked, data={"reason": reason})
        _tell_requester(locked, f"{actor} overrode the approvals of {locked.title}: {reason}")
    return locked


def new_version(subject: Any, version: int) -> int:
    """The subject changed: every open or sent-back request about it moves to
    ``version``, their decisions are voided and their requirements wait again. Call it
    inside the transaction that saves the new version. Returns the requests reopened."""
    subject_type = ContentType.objects.get_for_model(subject)
    now = timezone.now()
    reopened = 0
    for request in ApprovalRequest.objects.select_for_update().filter(
        subject_type=subject_type,
        subject_id=subject.pk,
        status__in=(Status.OPEN, Status.CHANGES_REQUESTED),
    ):
        if request.version == version:
            continue
        request.decisions.filter(voided_at__isnull=True).update(voided_at=now)
        request.requirements.update(satisfied_by=None, satisfied_at=None)
        request.version, request.status = version, Status.OPEN
        request.closed_at = request.closed_by = None
        request.save(update_fields=["version", "status", "closed_at", "closed_by"])
        record_event("approval.new_version", subject=request, data={"version": version})
        _tell_deciders(request, kind_of(request), f"New version to decide on: {request.title}")
        reopened += 1
    return reopened


def remind_waiting(now: Any = None, *, after_hours: float = 24) -> int:
    """Remind the people a request still waits for, once per ``after_hours``."""
    now = now or timezone.now()
    due = now - timedelta(hours=after_hours)
    sent = 0
    for request in (
        ApprovalRequest.objects.open().filter(requested_at__lte=due).exclude(reminded_at__gt=due)
    ):
        with transaction.atomic():
            sent += _tell_deciders(request, kind_of(request), f"Still waiting: {request.title}")
            request.reminded_at = now
            request.save(update_fields=["reminded_at"])
    return sent


def _require_open(request: ApprovalRequest) -> None:
    if not request.is_open:
        raise DomainError(
            ApprovalError.ALREADY_DECIDED,
            f"This request is {request.get_status_display().lower()}: nothing is left to decide.",
        )


def _why_not(request: ApprovalRequest, actor: Any) -> DomainError:
    requirements = requirements_of(request)
    waiting = " and ".join(waiting_labels(requirements)) or "no one"
    if any(r.satisfied_by_id == actor.pk for r in requirements):
        return DomainError(
            ApprovalError.ALREADY_DECIDED,
            f"You have approved this already; it needs someone else for {waiting}.",
        )
    if request.requested_by_id == actor.pk and request.requester_side == NO_SIDE:
        return DomainError(
            ApprovalError.NOT_A_DECIDER,
            f"You proposed this, so you never count as one of its approvers: it waits for "
            f"{waiting}.",
        )
    if request.requested_by_id == actor.pk:
        return DomainError(
            ApprovalError.NOT_A_DECIDER,
            f"You asked for this decision: it needs a second person for {waiting}.",
        )
    if request.in_order:
        first = waiting_labels(requirements)[:1]
        return DomainError(
            ApprovalError.NOT_A_DECIDER,
            f"This is decided in order and waits for {first[0] if first else 'no one'} first.",
        )
    return DomainError(
        ApprovalError.NOT_A_DECIDER, f"This waits for {waiting}; you are not one of them."
    )


def deciders(request: ApprovalRequest, spec: ApprovalKind) -> list[Any]:
    """Everyone who could satisfy a requirement still waiting (the requester excluded
    for the other side's)."""
    found: dict[int, Any] = {}
    requirements = requirements_of(request)
    for requirement in requirements:
        if requirement.satisfied_by_id is not None:
            continue
        for user in load_team_roles(list(requirement.need.candidates())):
            if user.pk not in found and open_needs(request, user, spec, requirements):
                found[user.pk] = user
    return list(found.values())


def _tell_deciders(request: ApprovalRequest, spec: ApprovalKind, text: str) -> int:
    people = deciders(request, spec)
    notify(recipients=people, kind="system", text=text, url=record_url(request))
    return len(people)


def _tell_requester(request: ApprovalRequest, text: str) -> None:
    if request.requested_by_id:
        notify(recipients=[request.requested_by], kind="system", text=text, url=record_url(request))
