"""Bearer-token authentication and the per-token rate limit."""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle

from tandem.api.models import ApiToken
from tandem.api.services import authenticate_token
from tandem.core import audit
from tandem.core.errors import DomainError, ErrorCode

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class TokenAuth(HttpBearer):
    """``Authorization: Bearer tdm_…``. Read-scope tokens may only read."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = authenticate_token(token)
        if found is None:
            return None
        if request.method not in SAFE_METHODS and not found.can_write:
            raise DomainError(
                ErrorCode.READ_ONLY_TOKEN,
                "This token is read-only; create a read-write token to make changes.",
            )
        request.user = found.user
        audit.set_actor(found.user)
        return found


class TokenRateThrottle(SimpleRateThrottle):
    """N requests per period per token (``TANDEM_API_RATE_LIMIT``, e.g. ``600/m``).

    Counts live in the shared cache (Redis in production), so the limit holds across
    web hosts. Ninja shares throttle objects between requests, so per-request state is
    kept thread-local.
    """

    scope = "token"

    def __init__(self) -> None:
        self._local = threading.local()
        super().__init__(settings.API_RATE_LIMIT)

    def get_cache_key(self, request: HttpRequest) -> str | None:
        token = getattr(request, "auth", None)
        if not isinstance(token, ApiToken):
            return None
        return f"throttle_token_{token.pk}"

    def allow_request(self, request: HttpRequest) -> bool:
        self.num_requests, self.duration = self.parse_rate(settings.API_RATE_LIMIT)
        return bool(super().allow_request(request))

    # SimpleRateThrottle keeps key/history/now on self; make those per thread.
    def __getattr__(self, name: str) -> Any:
        if name in {"key", "history", "now"}:
            try:
                return getattr(self.__dict__["_local"], name)
            except AttributeError:
                raise AttributeError(name) from None
        raise AttributeError(name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in {"key", "history", "now"}:
            setattr(self._local, name, value)
        else:
            super().__setattr__(name, value)
