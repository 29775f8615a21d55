"""What a page shows of a request: its state, who it waits for, and what this viewer may
do about it. One function for the Decisions page, the detail page and every subject's
page that shows its approvals, so they never disagree."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from tandem.approvals.forms import DecideForm, OverrideForm
from tandem.approvals.kinds import kind_named
from tandem.approvals.models import ApprovalRequest, Decision, Requirement
from tandem.approvals.services import open_needs


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
        "waiting_for": [r.label for r in requirements if r.satisfied_by_id is None],
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
