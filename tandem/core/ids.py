"""Record ids arriving from outside: a query string, a form field, a JSON body, a file.

A guessed or mangled id must be a 404 or a message naming the field, never a 500:
``"²".isdigit()`` is true and ``int("²")`` fails, and 10**30 overflows the database's
64-bit integer (SQLite raises, PostgreSQL compares it happily).
"""

from typing import Annotated, Any

from pydantic import Field

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


# The one id type of the API: path, query and body alike. Declared in the OpenAPI schema
# (minimum 1, maximum 2**63 - 1), so a client sees the range; out of it, a query or body
# field is a 422 naming it and a path is a 404 (tandem.api.api maps it).
RecordId = Annotated[int, Field(gt=0, le=MAX_ID)]


class RecordIdConverter:
    """``<id:pk>`` in every page's URL: a record id the database can hold, else the URL
    does not match and the page is a 404 before any view runs (``<int:pk>`` let
    ``/leads/99999999999999999999/`` through to the database, where SQLite overflowed)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        found = parse_id(value)
        if found is None:
            raise ValueError(value)  # Django answers: no such URL
        return found

    def to_url(self, value: Any) -> str:
        return str(value)
