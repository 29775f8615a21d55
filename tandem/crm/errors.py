"""The crm app's error codes and their HTTP status (see tandem.core.errors)."""

from enum import StrEnum

from tandem.core.errors import register_codes


class CrmError(StrEnum):
    DUPLICATE_DOMAIN = "duplicate_domain"  # an account already has the web domain
    DUPLICATE_EMAIL = "duplicate_email"  # a contact already has the e-mail address
    CONSENT_WITHDRAWN = "consent_withdrawn"  # only the person can give it back
    CONTACT_ERASED = "contact_erased"
    # Opportunities
    UNKNOWN_CURRENCY = "unknown_currency"  # not an ISO 4217 code of money in use
    OWNER_NOT_MEMBER = "owner_not_member"  # the new owner is inactive or in no team
    UNKNOWN_STAGE = "unknown_stage"  # not one of Opportunity.Stage
    LOST_WITHOUT_REASON = "lost_without_reason"  # closing as lost says why
    INVALID_PHONE = "invalid_phone"  # no phone number can be read from the text


register_codes(
    {
        CrmError.DUPLICATE_DOMAIN: 409,
        CrmError.DUPLICATE_EMAIL: 409,
        CrmError.CONSENT_WITHDRAWN: 409,
        CrmError.CONTACT_ERASED: 409,
        CrmError.UNKNOWN_CURRENCY: 422,
        CrmError.OWNER_NOT_MEMBER: 422,
        CrmError.UNKNOWN_STAGE: 422,
        CrmError.LOST_WITHOUT_REASON: 422,
        CrmError.INVALID_PHONE: 422,
    }
)
