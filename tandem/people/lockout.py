"""The log-in lockout: django-axes' per e-mail and address, plus a limit per address.

Axes locks an e-mail at one address after a few failures, which password spraying (one
common password tried on many e-mails) never reaches. Failed log-ins are therefore also
counted per client address across e-mails, in the shared rate-limit counters; past
``LOGIN_IP_FAILURE_LIMIT`` within the cool-off period the address gets the same lockout
page until that window ends. A success does not clear this count: a sprayer who finds
one password must not earn another round of guesses.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings

from tandem.core import ratelimit
from tandem.core.clientip import client_ip

SCOPE = "login-failures-per-ip"


def _window() -> int:
    return max(1, int(float(settings.AXES_COOLOFF_TIME) * 3600))


class LockoutHandler(AxesDatabaseHandler):
    def is_locked(self, request: Any, credentials: dict[str, Any] | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        return ratelimit.count(SCOPE, client_ip(request)) >= settings.LOGIN_IP_FAILURE_LIMIT

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
    ) -> None:
        # A try refused by the lockout itself is not a new failure.
        already_locked = bool(getattr(request, "axes_locked_out", False))
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None or already_locked:
            return
        verdict = ratelimit.hit(
            SCOPE, client_ip(request), limit=settings.LOGIN_IP_FAILURE_LIMIT, window=_window()
        )
        if verdict.hits >= settings.LOGIN_IP_FAILURE_LIMIT:
            request.axes_locked_out = True
            request.axes_credentials = credentials
