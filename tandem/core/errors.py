"""Domain errors: an enum code plus a human message. Forms and the API map them."""

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    INVALID = "invalid"
    CONFLICT = "conflict"
    RATE_LIMITED = "rate_limited"
    UNAUTHENTICATED = "unauthenticated"
    READ_ONLY_TOKEN = "read_only_token"  # noqa: S105 - an error code, not a secret
    ALREADY_MEMBER = "already_member"
    LAST_HEAD = "last_head"
    SERVER_ERROR = "server_error"


# HTTP status each code is answered with by the API and the pages; apps add theirs.
HTTP_STATUS: dict[StrEnum, int] = {
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.INVALID: 422,
    ErrorCode.CONFLICT: 409,
    ErrorCode.RATE_LIMITED: 429,
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.READ_ONLY_TOKEN: 403,
    ErrorCode.ALREADY_MEMBER: 409,
    ErrorCode.LAST_HEAD: 409,
    ErrorCode.SERVER_ERROR: 500,
}


def register_codes(statuses: dict[Any, int]) -> None:
    """An app's own error codes (``<app>/errors.py``) and their HTTP status."""
    for code, status in statuses.items():
        if HTTP_STATUS.get(code, status) != status:
            raise ValueError(f"Error code {code!r} is registered twice.")
        HTTP_STATUS[code] = status


class DomainError(Exception):
    """A rule of the domain was not met. ``field`` names the input at fault, if any."""

    def __init__(
        self, code: StrEnum, message: str, *, field: str | None = None, **details: Any
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.details: dict[str, Any] = dict(details)
        if field:
            self.details["field"] = field

    @property
    def status(self) -> int:
        return HTTP_STATUS.get(self.code, 400)


def invalid(field: str, message: str) -> DomainError:
    """INVALID input, naming the field at fault: what every service's checks raise."""
    return DomainError(ErrorCode.INVALID, message, field=field)
