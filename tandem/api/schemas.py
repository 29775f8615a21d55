from datetime import datetime

from ninja import Schema


class ErrorOut(Schema):
    code: str
    message: str
    details: dict[str, object] = {}


class TokenOut(Schema):
    id: int
    name: str
    scope: str
    display: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
