"""The crm app's error codes and their HTTP status (see tandem.core.errors)."""

from enum import StrEnum

from tandem.core.errors import register_codes


class CrmError(StrEnum):
    DUPLICATE_DOMAIN = "duplicate_domain"  # an account already has the web domain
    DUPLICATE_EMAIL = "duplicate_email"  # a contact already has the e-mail address
    CONSENT_WITHDRAWN = "consent_withdrawn"  # only the person can give it back
    CONTACT_ERASED = "contact_erased"
    INVALID_PHONE = "invalid_phone"  # no phone number can be read from the text


register_codes(
    {
        CrmError.DUPLICATE_DOMAIN: 409,
        CrmError.DUPLICATE_EMAIL: 409,
        CrmError.CONSENT_WITHDRAWN: 409,
        CrmError.CONTACT_ERASED: 409,
        CrmError.INVALID_PHONE: 422,
    }
)
