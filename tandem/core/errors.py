"""Domain errors: a code plus a human message. Forms, pages and the API map them.

A code is a member of a ``StrEnum``; its value is what an API client reads in the error
body's ``code`` and may branch on, so a value never changes once shipped.

- ``ErrorCode`` holds the generic codes every app shares: NOT_FOUND and FORBIDDEN (the
  404 and 403 pages), INVALID (input, naming the field), UNAUTHENTICATED, RATE_LIMITED,
  SERVER_ERROR, and CONFLICT for a clash no app has named yet.
- Each app declares its own, specific codes in ``tandem/<app>/errors.py``: a
  ``StrEnum`` (``CrmError``, ``PeopleError``…) and one ``register_codes({...})`` call
  giving each code its HTTP status. Prefer a specific code to CONFLICT: "duplicate_email"
  tells a client what to do, "conflict" does not.
- ``HTTP_STATUS`` is the one map from code to status, read by the API's error body and
  the error pages. ``register_codes`` refuses a value another enum already registered,
  so two apps cannot mean different things by one code.
- ``DomainError(code, message, field=..., **details)`` refuses a code nobody registered:
  a programming error, caught by ``core/tests/test_errors.py`` for every raise site.

Views turn a DomainError into a form or page error with ``tandem.core.forms``.
"""

from collections.abc import Mapping
from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    """The generic codes, shared by every app."""

    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    INVALID = "invalid"
    CONFLICT = "conflict"
    RATE_LIMITED = "rate_limited"
    UNAUTHENTICATED = "unauthenticated"
    SERVER_ERROR = "server_error"


class CoreError(StrEnum):
    """Codes of core's own rules (jobs, exchange rates)."""

    JOB_NOT_RESUMABLE = "job_not_resumable"
    JOB_NOT_FAILED = "job_not_failed"
    RATE_CLASH = "rate_clash"  # two people saved a rate for the same currency and day
    UPLOAD_TOO_LARGE = "upload_too_large"  # a file over TANDEM_UPLOAD_MAX_BYTES, unread


# The HTTP status each code is answered with by the API and the pages, by code value.
HTTP_STATUS: dict[str, int] = {}
# Which enum registered each value ("module.Class"), to refuse another enum taking it.
_REGISTERED_BY: dict[str, str] = {}


class DuplicateErrorCode(ValueError):
    """Two enums registered the same code value."""


class UnknownErrorCode(LookupError):
    """A DomainError was raised with a code no app registered."""


def register_codes(statuses: Mapping[StrEnum, int]) -> None:
    """Give each code of an app's enum its HTTP status, at import of ``<app>/errors.py``.

    Refuses a value already registered by another enum (``DuplicateErrorCode``) and a
    status that is not an error (4xx or 5xx). Registering the same enum again (a module
    reloaded) is harmless."""
    for code, status in statuses.items():
        owner = f"{type(code).__module__}.{type(code).__qualname__}"
        taken = _REGISTERED_BY.get(code.value)
        if taken is not None and taken != owner:
            raise DuplicateErrorCode(
                f"Error code {code.value!r} of {owner} is already registered by {taken}."
            )
        if not 400 <= status <= 599:
            raise ValueError(f"Error code {code.value!r} needs a 4xx or 5xx status, not {status}.")
        _REGISTERED_BY[code.value] = owner
        HTTP_STATUS[code.value] = status


register_codes(
    {
        ErrorCode.NOT_FOUND: 404,
        ErrorCode.FORBIDDEN: 403,
        ErrorCode.INVALID: 422,
        ErrorCode.CONFLICT: 409,
        ErrorCode.RATE_LIMITED: 429,
        ErrorCode.UNAUTHENTICATED: 401,
        ErrorCode.SERVER_ERROR: 500,
        CoreError.JOB_NOT_RESUMABLE: 409,
        CoreError.JOB_NOT_FAILED: 409,
        CoreError.RATE_CLASH: 409,
        CoreError.UPLOAD_TOO_LARGE: 413,
    }
)


class DomainError(Exception):
    """A rule of the domain was not met. ``code`` is any registered code; ``field``
    names the input at fault, if any."""

    def __init__(
        self, code: StrEnum, message: str, *, field: str | None = None, **details: Any
    ) -> None:
        if code not in HTTP_STATUS:
            raise UnknownErrorCode(
                f"Error code {code!r} is not registered: declare it in the app's errors.py."
            )
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.details: dict[str, Any] = dict(details)
        if field:
            self.details["field"] = field

    @property
    def status(self) -> int:
        return HTTP_STATUS[self.code]


def invalid(field: str, message: str) -> DomainError:
    """INVALID input, naming the field at fault: what every service's checks raise."""
    return DomainError(ErrorCode.INVALID, message, field=field)
