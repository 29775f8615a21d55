"""Bearer-token authentication and the per-token rate limit."""

from __future__ import annotations

import threading

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

from tandem.api.errors import ApiError
from tandem.api.models import ApiToken
from tandem.api.services import authenticate_token
from tandem.core import audit, ratelimit
from tandem.core.errors import DomainError

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class TokenAuth(HttpBearer):
    """``Authorization: Bearer tdm_…``. Read-scope tokens may only read."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = authenticate_token(token)
        if found is None:
            return None
        if request.method not in SAFE_METHODS and not found.can_write:
            raise DomainError(
                ApiError.READ_ONLY_TOKEN,
                "This token is read-only; create a read-write token to make changes.",
            )
        request.user = found.user
        audit.set_actor(found.user)
        return found


class TokenRateThrottle(BaseThrottle):
    """N requests per period per token (``TANDEM_API_RATE_LIMIT``, e.g. ``600/m``).

    Counted by the shared atomic counters of ``tandem.core.ratelimit`` (Redis, or the
    database), so the limit holds exactly under concurrency and across web hosts. Ninja
    shares throttle objects between requests and asks ``wait()`` right after
    ``allow_request()``, so the verdict is kept per thread.
    """

    def __init__(self) -> None:
        self._local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        self._local.verdict = None
        token = getattr(request, "auth", None)
        if not isinstance(token, ApiToken):
            return True
        limit, window = ratelimit.parse_rate(settings.API_RATE_LIMIT)
        verdict = ratelimit.hit("api-token", str(token.pk), limit=limit, window=window)
        self._local.verdict = verdict
        return verdict.allowed

    def wait(self) -> float | None:
        verdict: ratelimit.Verdict | None = getattr(self._local, "verdict", None)
        return None if verdict is None else float(verdict.retry_after_seconds)
