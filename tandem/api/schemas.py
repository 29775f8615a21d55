from datetime import datetime
from typing import Any

from ninja import Field, Schema

from tandem.core.schemas import InputSchema


class ErrorOut(Schema):
    """Every error the API answers: ``code`` a stable string (a generic
    tandem.core.errors.ErrorCode or an app's specific code, e.g. ``duplicate_email``),
    ``message`` for people, ``details`` the field at fault and per-field ``errors``."""

    code: str = Field(
        description=(
            "A stable code to branch on: generic (not_found, forbidden, invalid, conflict, "
            "rate_limited, unauthenticated, server_error) or specific to the rule, such as "
            "duplicate_email. New codes may be added; treat an unknown one by its status."
        )
    )
    message: str
    details: dict[str, Any]


class TokenOut(Schema):
    id: int
    name: str
    scope: str
    display: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    may_capture: bool
    capture_granted_at: datetime | None


class CaptureGrantIn(InputSchema):
    key: str = Field(max_length=60, description="The token's id, e.g. tdm_1a2b3c4d5e6f")
