"""Cursor pagination for API lists: ``?limit=&cursor=``, answered with ``next_cursor``.

Keyset on the primary key, so page 1,000 costs what page 1 costs and rows added while
a client pages through never shift the pages.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

from tandem.core.errors import DomainError, ErrorCode
from tandem.core.ids import MAX_ID

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


# A cursor is opaque to a client: a value Tandem issued, handed back as it came. Each kind
# is declared by the pattern every cursor of that kind matches (a key to page after, or
# an offset), so a string Tandem could not have issued is invalid by the schema, and every
# string the pattern admits is a cursor Tandem reads. A key past the largest id the
# database holds pages after (or before) every row there is; an offset stays far below it.
KEYSET_PATTERN = r"^pk[0-9]{1,19}$"
OFFSET_PATTERN = r"^off[0-9]{1,18}$"
CURSOR_DESCRIPTION = "Opaque: the next_cursor of the previous page, as it was given."


def _decode(cursor: str, pattern: str, prefix: str) -> int:
    if not re.fullmatch(pattern, cursor):
        raise DomainError(
            ErrorCode.INVALID, "This cursor is not valid; start again without it.", field="cursor"
        )
    return int(cursor.removeprefix(prefix))


# Checked by the paginator, not by the schema's validation, so a bad cursor is answered
# as before: 422 with ``details.field`` "cursor".
KeysetCursor = Annotated[str, Field(max_length=100, json_schema_extra={"pattern": KEYSET_PATTERN})]
OffsetCursor = Annotated[str, Field(max_length=100, json_schema_extra={"pattern": OFFSET_PATTERN})]


def encode_cursor(pk: int) -> str:
    return f"pk{pk}"


def decode_cursor(cursor: str) -> int:
    return min(_decode(cursor, KEYSET_PATTERN, "pk"), MAX_ID)


class CursorPagination(PaginationBase):
    class Input(Schema):
        limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
        cursor: KeysetCursor | None = Field(None, description=CURSOR_DESCRIPTION)

    class Output(Schema):
        items: list[Any]
        next_cursor: str | None = None

    items_attribute = "items"

    def __init__(self, *, newest_first: bool = False, **kwargs: Any) -> None:
        self.newest_first = newest_first
        super().__init__(**kwargs)

    def paginate_queryset(
        self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        ordered = queryset.order_by("-pk" if self.newest_first else "pk")
        if pagination.cursor is not None:
            after = decode_cursor(pagination.cursor)
            ordered = (
                ordered.filter(pk__lt=after) if self.newest_first else ordered.filter(pk__gt=after)
            )
        rows = list(ordered[: pagination.limit + 1])
        more = len(rows) > pagination.limit
        rows = rows[: pagination.limit]
        return {"items": rows, "next_cursor": encode_cursor(rows[-1].pk) if more and rows else None}


def encode_offset(offset: int) -> str:
    return f"off{offset}"


def decode_offset(cursor: str) -> int:
    return _decode(cursor, OFFSET_PATTERN, "off")


class OffsetPageIn(Schema):
    """``limit`` and ``cursor`` of a list paged by offset (a name of its own in the schema,
    beside the keyset paginator's ``Input``)."""

    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    cursor: OffsetCursor | None = Field(None, description=CURSOR_DESCRIPTION)


class OffsetCursorPagination(CursorPagination):
    """For lists merged from several tables (a timeline), where ids are not one sequence.

    The queryset arrives already ordered; the cursor is an opaque offset into it.
    """

    # A class of its own name (schema names are unique); ninja only reads the attribute.
    Input = OffsetPageIn  # type: ignore[assignment]

    def paginate_queryset(
        self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        start = decode_offset(pagination.cursor) if pagination.cursor is not None else 0
        rows = list(queryset[start : start + pagination.limit + 1])
        more = len(rows) > pagination.limit
        return {
            "items": rows[: pagination.limit],
            "next_cursor": encode_offset(start + pagination.limit) if more else None,
        }
