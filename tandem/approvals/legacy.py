"""Moving the joint contracts' own approval columns (marketing_approved_by/_at,
sales_approved_by/_at) onto approval requests, for the data migrations of the apps that
had them. Each proposal becomes a request of its kind with two requirements (a head of a
marketing team, a head of a sales team), each satisfied by the head who approved, with
their decision at the time they approved, so who approved what and when is kept."""

from typing import Any

STATUS = {  # the proposal's status -> its request's
    "proposed": "open",
    "active": "approved",
    "superseded": "approved",  # approved, later replaced by a newer contract
    "withdrawn": "withdrawn",
}
SIDES = (("marketing", "a head of a marketing team"), ("sales", "a head of a sales team"))


def copy_approvals(apps: Any, app_label: str, model_name: str, kind: str, noun: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    Request = apps.get_model("approvals", "ApprovalRequest")
    Requirement = apps.get_model("approvals", "Requirement")
    Decision = apps.get_model("approvals", "Decision")
    subject_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model_name)
    for proposal in apps.get_model(app_label, model_name).objects.order_by("pk"):
        approvers = {
            side: (
                getattr(proposal, f"{side}_approved_by_id"),
                getattr(proposal, f"{side}_approved_at"),
            )
            for side, _ in SIDES
        }
        mine = [s for s, (who, _) in approvers.items() if who and who == proposal.proposed_by_id]
        times = [at for _, at in approvers.values() if at]
        status = STATUS.get(proposal.status, "open")
        last = max(approvers.values(), key=lambda pair: pair[1] or proposal.proposed_at)
        request = Request.objects.create(
            kind=kind,
            subject_type=subject_type,
            subject_id=proposal.pk,
            title=f"{noun} #{proposal.pk}",
            version=1,
            status=status,
            reason=proposal.note,
            requested_by_id=proposal.proposed_by_id,
            requester_side=mine[0] if mine else "",
            needed=2,
            requested_at=proposal.proposed_at,
            closed_at=(max(times) if times else proposal.proposed_at) if status != "open" else None,
            closed_by_id=last[0] if status == "approved" else None,
        )
        for position, (side, label) in enumerate(SIDES):
            who, at = approvers[side]
            requirement = Requirement.objects.create(
                request=request,
                position=position,
                role="head_of",
                function=side,
                label=label,
                side=side,
                satisfied_by_id=who,
                satisfied_at=at if who else None,
            )
            if who:
                Decision.objects.create(
                    request=request,
                    requirement=requirement,
                    decided_by_id=who,
                    outcome="approve",
                    version=1,
                    decided_at=at or proposal.proposed_at,
                )


def restore_approvals(apps: Any, app_label: str, model_name: str, kind: str) -> None:
    """The way back: the columns from the requirements, then the requests go."""
    Request = apps.get_model("approvals", "ApprovalRequest")
    Model = apps.get_model(app_label, model_name)
    for request in Request.objects.filter(kind=kind):
        fields: dict[str, Any] = {}
        for requirement in request.requirements.all():
            fields[f"{requirement.side}_approved_by_id"] = requirement.satisfied_by_id
            fields[f"{requirement.side}_approved_at"] = requirement.satisfied_at
        Model.objects.filter(pk=request.subject_id).update(**fields)
        request.delete()
