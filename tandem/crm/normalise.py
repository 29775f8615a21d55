"""How customer identifiers are compared: one spelling per e-mail and per domain."""

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, validate_email

# Django's own patterns, compiled once here: its validator reaches them through lazy
# objects on every call, which made it half the cost of checking an imported row.
_USER = re.compile(EmailValidator.user_regex.pattern, re.IGNORECASE)
_DOMAIN = re.compile(EmailValidator.domain_regex.pattern, re.IGNORECASE)


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


class NotADomain(ValueError):
    """Text that is no web address or domain (``[oops``, which urlsplit cannot read)."""


def normalise_domain(value: str) -> str:
    """``https://www.Acme.co.uk/about`` -> ``acme.co.uk``; an e-mail gives its domain.
    Raises NotADomain for text no address can be read from, rather than let a caller
    store it half-understood or fail with a 500."""
    text = (value or "").strip().lower()
    if not text:
        return ""
    if "@" in text and "://" not in text:
        text = text.rsplit("@", 1)[1]
    if "://" not in text:
        text = "//" + text
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:  # an unbalanced "[" or "]" reads as a broken IPv6 address
        raise NotADomain(f"{value.strip()[:60]!r} is not a web address or domain") from None
    host = host.removeprefix("www.").rstrip(".")
    return host


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
