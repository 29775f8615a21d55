"""The API app's error codes and their HTTP status (see tandem.core.errors)."""

from enum import StrEnum

from tandem.core.errors import register_codes


class ApiError(StrEnum):
    READ_ONLY_TOKEN = "read_only_token"  # noqa: S105 - an error code, not a secret
    TOO_MANY_TOKENS = "too_many_tokens"


register_codes({ApiError.READ_ONLY_TOKEN: 403, ApiError.TOO_MANY_TOKENS: 409})
