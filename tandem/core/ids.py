"""Record ids arriving from outside: a query string, a form field, a JSON body, a file.

A guessed or mangled id must be a 404 or a message naming the field, never a 500:
``"²".isdigit()`` is true and ``int("²")`` fails, and 10**30 overflows the database's
64-bit integer (SQLite raises, PostgreSQL compares it happily).
"""

from typing import Any

MAX_ID = 2**63 - 1


def is_id(value: Any) -> bool:
    """A record id from JSON: a whole number (not true, "7" or 7.0) the database holds."""
    return type(value) is int and 0 < value <= MAX_ID


def parse_id(text: Any) -> int | None:
    """A record id typed as text ("42", from a form or a query string), else None."""
    text = str(text or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    value = int(text)
    return value if is_id(value) else None
