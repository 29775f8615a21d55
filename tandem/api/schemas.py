from datetime import datetime
from typing import Any

from ninja import Field, Schema

from tandem.core.schemas import InputSchema


class ErrorOut(Schema):
    """Every error the API answers: ``code`` a stable tandem.core.errors.ErrorCode value,
    ``message`` for people, ``details`` the field at fault and per-field ``errors``."""

    code: str
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
