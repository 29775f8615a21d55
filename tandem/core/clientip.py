"""The address of the client, as the proxies we trust saw it.

Behind a load balancer every request comes from the balancer's address, so limits keyed
on ``REMOTE_ADDR`` put every visitor in one bucket: one flood blocked lead capture and
log-ins for everyone. Each trusted proxy appends the address it was reached from to
``X-Forwarded-For``; with ``TANDEM_PROXY_COUNT`` = N proxies in front of Tandem, the N-th
entry from the right is the client. Entries further left were written by the client
itself and prove nothing, so they are never used.

The web form, the API throttle, the log-in lockout (``AXES_CLIENT_IP_CALLABLE``) and the
per-address log-in limit all ask this one function.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address; ``REMOTE_ADDR`` when no proxy is trusted or the header is short."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    hops = int(getattr(settings, "PROXY_COUNT", 0) or 0)
    if hops <= 0:
        return remote
    forwarded = [a.strip() for a in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    forwarded = [a for a in forwarded if a]
    # Fewer entries than proxies: the request did not come through them (or they are
    # misconfigured); the connecting address is then the only one that is not claimed.
    if len(forwarded) < hops:
        return remote
    return _address(forwarded[-hops]) or remote


def _address(entry: str) -> str | None:
    """The IP in an X-Forwarded-For entry (some proxies add a port), or None."""
    candidate = entry
    if candidate.startswith("["):  # [2001:db8::1]:443
        candidate = candidate[1:].split("]", 1)[0]
    elif candidate.count(":") == 1:  # 203.0.113.7:443
        candidate = candidate.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None
