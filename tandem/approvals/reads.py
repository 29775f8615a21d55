"""What a page shows of a request: its state, who it waits for, and what this viewer may
do about it. One function for the Decisions page, the detail page and every subject's
page that shows its approvals, so they never disagree."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from tandem.approvals.forms import DecideForm, OverrideForm
from tandem.approvals.kinds import kind_named
from tandem.approvals.models import ApprovalRequest, Decision, Requirement
from tandem.approvals.services import open_needs, waiting_labels


def with_details(requests: Any) -> Any:
    return requests.select_related("requested_by", "closed_by", "subject_type").prefetch_related(
        Prefetch("requirements", Requirement.objects.select_related("satisfied_by")),
        Prefetch("decisions", Decision.objects.select_related("decided_by", "requirement")),
        "subject",  # one query per subject model, not one per request
    )


def card(found: ApprovalRequest, user: Any, **forms: Any) -> dict[str, Any]:
    spec = kind_named(found.kind)
    requirements = list(found.requirements.all())
    is_open = found.is_open
    may_decide = is_open and bool(open_needs(found, user, spec, requirements))
    may_override = bool(is_open and spec.override and spec.override.role.holds(user))
    return {
        "request": found,
        "kind_label": spec.label,
        "subject_url": _subject_url(found, spec),
        "requirements": requirements,
        "waiting_for": waiting_labels(requirements),
        "decisions": list(found.decisions.all()),
        "may_decide": may_decide,
        "may_withdraw": is_open and found.requested_by_id == user.pk,
        "may_override": may_override,
        "override_role": spec.override.role.label if spec.override else "",
        "decide_form": forms.get("decide_form") or DecideForm(initial={"version": found.version}),
        "override_form": forms.get("override_form") or (OverrideForm() if may_override else None),
    }


def cards(requests: Any, user: Any) -> list[dict[str, Any]]:
    return [card(found, user) for found in with_details(requests)]


def _subject_url(found: ApprovalRequest, spec: Any) -> str:
    subject = found.subject
    return spec.url(subject) if subject is not None else ""


def with_cards(subjects: Any, user: Any) -> list[Any]:
    """The subjects, each with ``approval``: the card of its latest request (or None), in
    one read of the requests for all of them. For pages that list proposals."""
    from django.contrib.contenttypes.models import ContentType

    found = list(subjects)
    if not found:
        return found
    requests = ApprovalRequest.objects.filter(
        subject_type=ContentType.objects.get_for_model(found[0]),
        subject_id__in=[s.pk for s in found],
    ).order_by("subject_id", "-requested_at", "-id")
    latest: dict[int, ApprovalRequest] = {}
    for request in with_details(requests):
        latest.setdefault(request.subject_id, request)
    for subject in found:
        request = latest.get(subject.pk)
        subject.approval = card(request, user) if request else None
    return found


def with_request_ids(contracts: Any) -> Any:
    """Annotate each subject with ``approval_request_id``, its latest request's id (one
    subquery, not one query per row)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import OuterRef, Subquery

    latest = ApprovalRequest.objects.filter(
        subject_type=ContentType.objects.get_for_model(contracts.model),
        subject_id=OuterRef("pk"),
    ).order_by("-requested_at", "-id")
    return contracts.annotate(approval_request_id=Subquery(latest.values("pk")[:1]))


def request_id_of(subject: Any) -> int | None:
    """The annotated id, or (for a single subject just written) a read of it."""
    if hasattr(subject, "approval_request_id"):
        return subject.approval_request_id
    found = ApprovalRequest.objects.about(subject).values_list("pk", flat=True).first()
    return found
