"""What the approvals API reads and writes."""

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from tandem.approvals.models import ApprovalRequest, Decision
from tandem.approvals.services import MAX_COMMENT, MAX_REASON
from tandem.core.schemas import InputSchema, RequiredText, one_of


class RequirementOut(Schema):
    label: str
    side: str
    satisfied_by_id: int | None
    satisfied_at: datetime | None


class DecisionOut(Schema):
    decided_by_id: int | None
    outcome: str
    comment: str
    version: int
    decided_at: datetime
    voided_at: datetime | None = Field(None, description="Set once a newer version voided it")


class ApprovalOut(Schema):
    id: int
    kind: str
    subject: str = Field(..., description="The record it is about, as label:id")
    title: str
    version: int = Field(..., description="The subject's version the decisions are about")
    status: str = one_of(ApprovalRequest.Status.values)
    reason: str
    requested_by_id: int | None
    requested_at: datetime
    needed: int = Field(..., description="How many requirements must be satisfied")
    closed_at: datetime | None
    closed_by_id: int | None
    override_reason: str
    requirements: list[RequirementOut]
    decisions: list[DecisionOut]

    @staticmethod
    def resolve_subject(obj: Any) -> str:
        return f"{obj.subject_type.app_label}.{obj.subject_type.model}:{obj.subject_id}"

    @staticmethod
    def resolve_requirements(obj: Any) -> list[Any]:
        return list(obj.requirements.all())

    @staticmethod
    def resolve_decisions(obj: Any) -> list[Any]:
        return list(obj.decisions.all())


class DecideIn(InputSchema):
    outcome: str = one_of(Decision.Outcome.values, description="approve or changes")
    version: int = Field(
        ..., ge=1, le=2**31 - 1, description="The version you looked at (the request's)"
    )
    comment: str = Field("", max_length=MAX_COMMENT, description="Required for changes")


class OverrideIn(InputSchema):
    reason: RequiredText = Field(..., max_length=MAX_REASON)
