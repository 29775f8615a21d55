"""How customer identifiers are compared: one spelling per e-mail and per domain."""

from urllib.parse import urlsplit


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def normalise_domain(value: str) -> str:
    """``https://www.Acme.co.uk/about`` -> ``acme.co.uk``; an e-mail gives its domain."""
    text = (value or "").strip().lower()
    if not text:
        return ""
    if "@" in text and "://" not in text:
        text = text.rsplit("@", 1)[1]
    if "://" not in text:
        text = "//" + text
    host = urlsplit(text).hostname or ""
    host = host.removeprefix("www.").rstrip(".")
    return host
