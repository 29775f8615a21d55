"""The approvals app's error codes and the HTTP status each is answered with."""

from enum import StrEnum

from tandem.core.errors import register_codes


class ApprovalError(StrEnum):
    ALREADY_DECIDED = "already_decided"  # closed, or this person already decided
    VERSION_NOT_CURRENT = "version_not_current"  # decided on a version since replaced
    NOT_A_DECIDER = "not_a_decider"  # no requirement this person may satisfy
    NO_OVERRIDE = "no_override"  # the kind allows no override, or not by this person


register_codes(
    {
        ApprovalError.ALREADY_DECIDED: 409,
        ApprovalError.VERSION_NOT_CURRENT: 409,
        ApprovalError.NOT_A_DECIDER: 403,
        ApprovalError.NO_OVERRIDE: 403,
    }
)
