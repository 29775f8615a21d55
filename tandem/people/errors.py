"""The people app's error codes and their HTTP status (see tandem.core.errors)."""

from enum import StrEnum

from tandem.core.errors import register_codes


class PeopleError(StrEnum):
    EMAIL_TAKEN = "email_taken"  # another person has the e-mail address
    USER_ADDED_CONCURRENTLY = "user_added_concurrently"  # a race on the same handle
    TEAM_NAME_TAKEN = "team_name_taken"
    ALREADY_MEMBER = "already_member"
    LAST_HEAD = "last_head"  # a team keeps at least one head


register_codes(
    {
        PeopleError.EMAIL_TAKEN: 409,
        PeopleError.USER_ADDED_CONCURRENTLY: 409,
        PeopleError.TEAM_NAME_TAKEN: 409,
        PeopleError.ALREADY_MEMBER: 409,
        PeopleError.LAST_HEAD: 409,
    }
)
