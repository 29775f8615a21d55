"""Cursor pagination for API lists: ``?limit=&cursor=``, answered with ``next_cursor``.

Keyset on the primary key, so page 1,000 costs what page 1 costs and rows added while
a client pages through never shift the pages.
"""

from __future__ import annotations

import base64
from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

from tandem.core.errors import DomainError, ErrorCode

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def encode_cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(f"pk:{pk}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, value = text.split(":", 1)
        if kind != "pk":
            raise ValueError(kind)
        return int(value)
    except (ValueError, UnicodeDecodeError):
        raise DomainError(
            ErrorCode.INVALID, "This cursor is not valid; start again without it.", field="cursor"
        ) from None


class CursorPagination(PaginationBase):
    class Input(Schema):
        limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
        cursor: str | None = Field(None, max_length=100)

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
        if pagination.cursor:
            after = decode_cursor(pagination.cursor)
            ordered = (
                ordered.filter(pk__lt=after) if self.newest_first else ordered.filter(pk__gt=after)
            )
        rows = list(ordered[: pagination.limit + 1])
        more = len(rows) > pagination.limit
        rows = rows[: pagination.limit]
        return {"items": rows, "next_cursor": encode_cursor(rows[-1].pk) if more and rows else None}


def encode_offset(offset: int) -> str:
    return base64.urlsafe_b64encode(f"off:{offset}".encode()).decode().rstrip("=")


def decode_offset(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, value = text.split(":", 1)
        offset = int(value)
        if kind != "off" or offset < 0:
            raise ValueError(kind)
        return offset
    except (ValueError, UnicodeDecodeError):
        raise DomainError(
            ErrorCode.INVALID, "This cursor is not valid; start again without it.", field="cursor"
        ) from None


class OffsetCursorPagination(CursorPagination):
    """For lists merged from several tables (a timeline), where ids are not one sequence.

    The queryset arrives already ordered; the cursor is an opaque offset into it.
    """

    def paginate_queryset(
        self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        start = decode_offset(pagination.cursor) if pagination.cursor else 0
        rows = list(queryset[start : start + pagination.limit + 1])
        more = len(rows) > pagination.limit
        return {
            "items": rows[: pagination.limit],
            "next_cursor": encode_offset(start + pagination.limit) if more else None,
        }
