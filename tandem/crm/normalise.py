"""How customer identifiers are compared: one spelling per e-mail, per domain and per
phone number."""

import functools
import re
from urllib.parse import urlsplit

import phonenumbers
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import EmailValidator, validate_email

# Django's own patterns, compiled once here: its validator reaches them through lazy
# objects on every call, which made it half the cost of checking an imported row.
_USER = re.compile(EmailValidator.user_regex.pattern, re.IGNORECASE)
_DOMAIN = re.compile(EmailValidator.domain_regex.pattern, re.IGNORECASE)


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


class NotADomain(ValueError):
    """Text that is no web address or domain (``[oops``, which urlsplit cannot read)."""


# A bare host name ("acme.co.uk"), as most imported rows spell their company: urlsplit
# would give it back unchanged, at a fifth of an imported row's checking time.
_BARE_HOST = re.compile(r"[a-z0-9.\-]+")


def normalise_domain(value: str) -> str:
    """``https://www.Acme.co.uk/about`` -> ``acme.co.uk``; an e-mail gives its domain.
    Raises NotADomain for text no address can be read from, rather than let a caller
    store it half-understood or fail with a 500."""
    text = (value or "").strip().lower()
    if not text:
        return ""
    if _BARE_HOST.fullmatch(text):  # what _host_of would say, read at once
        return text.removeprefix("www.").rstrip(".")
    return _host_of(text, value)


def _host_of(text: str, value: str) -> str:
    """The host of ``text`` (stripped and lower-cased ``value``) as urlsplit reads it."""
    if "@" in text and "://" not in text:
        text = text.rsplit("@", 1)[1]
    if "://" not in text:
        text = "//" + text
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:  # an unbalanced "[" or "]" reads as a broken IPv6 address
        raise NotADomain(f"{value.strip()[:60]!r} is not a web address or domain") from None
    return host.removeprefix("www.").rstrip(".")


def is_email(value: str) -> bool:
    """Exactly Django's ``validate_email``, as a quick yes or no for bulk checks."""
    if not value or "@" not in value or len(value) > 320:
        return False
    user, domain = value.rsplit("@", 1)
    if not _USER.match(user):
        return False
    if domain in EmailValidator.domain_allowlist or _DOMAIN.match(domain):
        return True
    try:  # an address literal such as user@[192.0.2.1]: Django's own check
        validate_email(value)
    except ValidationError:
        return False
    return True


# --- Phone numbers -------------------------------------------------------------------------
# Kept as written (for display) beside one comparable spelling, E.164 ("+447700900123"),
# read by libphonenumber's port. Numbers written without a country code are read in the
# organisation's region (settings.PHONE_REGION, TANDEM_DEFAULT_PHONE_REGION).


class NotAPhoneNumber(ValueError):
    """Text that cannot be a phone number (letters, too few or too many digits)."""


_SEPARATORS = str.maketrans("", "", " \t-.()/\u00a0")
_PHONE_TEXT = re.compile(r"^\+?[\d\s\-.()/\u00a0]+$")
# An extension may follow a number ("ext. 12", "x12", "#12"); any other letter is a typo,
# not a vanity number, though libphonenumber would read "abc" as 222.
_EXTENSION = re.compile(r"(?:ext(?:ension|n)?\.?|x|#)\s*\d+\s*$", re.IGNORECASE)
LOCAL_ONLY = "has too few digits (with its area code?)"
_REASONS = {
    phonenumbers.ValidationResult.INVALID_COUNTRY_CODE: "has no known country code",
    phonenumbers.ValidationResult.TOO_SHORT: "has too few digits",
    phonenumbers.ValidationResult.TOO_LONG: "has too many digits",
    phonenumbers.ValidationResult.INVALID_LENGTH: "has the wrong number of digits",
    phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY: LOCAL_ONLY,
}


@functools.cache
def _region(region: str) -> tuple[str, str, str, frozenset[int], re.Pattern[str]]:
    """(region, country code, national prefix, national lengths, national pattern)."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region.upper())
    if metadata is None:
        raise ImproperlyConfigured(f"{region!r} is not a phone region (e.g. GB, US, DE).")
    general = metadata.general_desc
    assert general is not None and general.national_number_pattern  # every region has them
    return (
        region.upper(),
        str(metadata.country_code),
        metadata.national_prefix or "",
        frozenset(general.possible_length),
        re.compile(general.national_number_pattern),
    )


def phone_region() -> str:
    return _region(settings.PHONE_REGION)[0]


def normalise_phone(value: str, region: str | None = None) -> str:
    """``07700 900123``, ``+44 7700 900 123`` or ``(0)7700-900123`` -> ``+447700900123``;
    ``""`` for blank. Raises NotAPhoneNumber for text no number can be read from.

    The common spellings in the organisation's own region (a national number with its
    trunk "0", or "+" and its country code) are read here directly: libphonenumber takes
    about 17 µs a number, a tenth of an imported row's budget. The shortcut only answers
    where libphonenumber would answer the same (national pattern and length, as its own
    parser checks); everything else goes to libphonenumber."""
    text = (value or "").strip()
    if not text:
        return ""
    code, country, trunk, lengths, pattern = _region(region or settings.PHONE_REGION)
    digits = text.translate(_SEPARATORS)
    if digits.isascii() and digits.lstrip("+").isdigit() and "+" not in digits[1:]:
        national = ""
        if digits.startswith("+" + country):
            national = digits[1 + len(country) :]
            if trunk and f"({trunk})" in text and national.startswith(trunk):
                national = national[len(trunk) :]  # "+44 (0)7700 900123"
        elif trunk and digits.startswith(trunk) and not digits.startswith("00"):
            national = digits[len(trunk) :]
        if (
            national
            and len(national) in lengths
            and pattern.fullmatch(national)
            and not (trunk and pattern.fullmatch(trunk + national))
        ):
            return f"+{country}{national}"
    return _libphonenumber(text, code)


def _libphonenumber(text: str, region: str) -> str:
    shown = text[:40]
    if any(c.isalpha() for c in _EXTENSION.sub("", text)):
        raise NotAPhoneNumber(f"{shown!r} is not a phone number")
    try:
        number = phonenumbers.parse(text[:100], region)
    except phonenumbers.NumberParseException:
        raise NotAPhoneNumber(f"{shown!r} is not a phone number") from None
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        raise NotAPhoneNumber(f"{shown!r} {_REASONS.get(reason, 'is not a phone number')}")
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def phone_prefix(text: str, region: str | None = None) -> str | None:
    """The start of an E.164 number that ``text`` spells, for search as people type:
    ``07700 9`` -> ``+4477009``, ``+44 (0)7700`` -> ``+447700``, ``0044 77`` -> ``+4477``;
    a bare ``7700 900`` is read as a national number without its "0". None when the text
    is not a phone number's start (letters, fewer than three digits)."""
    text = (text or "").strip()
    if len(text) > 40 or not _PHONE_TEXT.match(text):
        return None
    _, country, trunk, _, _ = _region(region or settings.PHONE_REGION)
    digits = text.translate(_SEPARATORS).lstrip("+")
    if sum(c.isdigit() for c in digits) < 3:
        return None
    # "+44 (0)7700": the trunk prefix some write in brackets after the country code (a
    # "44 (0)7700" pasted without its "+" is the same number).
    written = text.translate(str.maketrans("", "", " \t-.\u00a0"))
    bracketed = bool(trunk) and f"{country}({trunk})" in written.lstrip("+")
    international = text.startswith(("+", "00")) or bracketed
    if international:
        digits = digits.removeprefix("00") if text.startswith("00") else digits
        if bracketed and digits.startswith(country + trunk):
            digits = country + digits[len(country) + len(trunk) :]
        return "+" + digits
    if trunk and digits.startswith(trunk):
        return f"+{country}{digits[len(trunk) :]}"
    return f"+{country}{digits}"
