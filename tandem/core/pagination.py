"""Pagination for pages: every list is paginated, never the whole table.

Counting a million rows on every page view costs more than showing the page, so the
count stops at COUNT_CAP rows; past that the pager says "many" (as large mail and code
hosts do) and the last reachable page is COUNT_CAP / page size.
"""

from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 25
COUNT_CAP = 10_000


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    @cached_property
    def count(self) -> int:
        object_list: Any = self.object_list
        if hasattr(object_list, "values_list") and not getattr(
            object_list.query, "combinator", None
        ):
            return len(object_list.order_by().values_list("pk", flat=True)[: COUNT_CAP + 1])
        return super().count

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP


def paginate(request: HttpRequest, queryset: Any, per_page: int | None = None) -> Page[Any]:
    paginator = CappedPaginator(queryset, per_page or PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))
