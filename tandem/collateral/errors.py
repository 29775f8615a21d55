"""The collateral app's error codes and their HTTP status (see tandem.core.errors)."""

from enum import StrEnum

from tandem.core.errors import register_codes


class CollateralError(StrEnum):
    FILE_TYPE = "collateral_file_type"  # content is not one of the allowed types
    FILE_TOO_LARGE = "collateral_file_too_large"  # over TANDEM_COLLATERAL_MAX_BYTES
    FILE_BOMB = "collateral_file_bomb"  # an Office file that unpacks far larger than it is
    FILE_DAMAGED = "collateral_file_damaged"  # the right signature but unreadable inside
    FILE_EMPTY = "collateral_file_empty"  # no bytes at all
    SIGN_OFF_MISSING = "collateral_sign_off_missing"  # publish/print before every sign-off
    STALE_VERSION = "collateral_stale_version"  # acting on a version no longer current
    WRONG_STATUS = "collateral_wrong_status"  # a step the asset's status does not allow
    NOT_PRINTED_KIND = "collateral_not_printed_kind"  # print details for a kind never printed
    REQUEST_CLOSED = "collateral_request_closed"  # triaging a request already triaged


register_codes(
    {
        CollateralError.FILE_TYPE: 415,
        CollateralError.FILE_TOO_LARGE: 413,
        CollateralError.FILE_BOMB: 422,
        CollateralError.FILE_DAMAGED: 422,
        CollateralError.FILE_EMPTY: 422,
        CollateralError.SIGN_OFF_MISSING: 409,
        CollateralError.STALE_VERSION: 409,
        CollateralError.WRONG_STATUS: 409,
        CollateralError.NOT_PRINTED_KIND: 422,
        CollateralError.REQUEST_CLOSED: 409,
    }
)
