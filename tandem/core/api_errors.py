"""The one shape of every API error: ``{"code", "message", "details"}``.

Here rather than beside the NinjaAPI (tandem.api) so that code below the API — the
middleware that refuses NUL characters before any router runs — answers an API caller
in that same shape without importing the layer that assembles the routers.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja.renderers import JSONRenderer

_renderer = JSONRenderer()


def error_response(
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
) -> HttpResponse:
    """As NinjaAPI.create_response renders it (the API uses ninja's JSON renderer)."""
    body = {"code": code, "message": message, "details": details or {}}
    return HttpResponse(
        _renderer.render(request, body, response_status=status),
        status=status,
        content_type=f"{_renderer.media_type}; charset={_renderer.charset}",
    )
