"""One URL serves a full page or, for htmx requests, just the fragment that changed."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def render_page_or_partial(
    request: HttpRequest, page: str, partial: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    details = getattr(request, "htmx", None)
    is_htmx = bool(details) and not getattr(details, "boosted", False)
    response = render(request, partial if is_htmx else page, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response
