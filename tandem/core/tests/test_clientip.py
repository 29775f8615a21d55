"""The client's address comes from the trusted proxy hops, never from what it claims."""

import pytest
from django.test import RequestFactory

from tandem.core.clientip import client_ip

LB = "10.0.0.2"  # the load balancer every request arrives from


def request_from(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_a_proxy_the_header_is_ignored(settings):
    settings.PROXY_COUNT = 0
    assert client_ip(request_from("198.51.100.7", "203.0.113.1")) == "198.51.100.7"


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("203.0.113.9", "203.0.113.9"),
        # The client wrote the left entries itself: only the one our proxy added counts.
        ("1.2.3.4, 203.0.113.9", "203.0.113.9"),
        ("203.0.113.9:52311", "203.0.113.9"),
        ("[2001:db8::7]:443", "2001:db8::7"),
        ("2001:db8::7", "2001:db8::7"),
        ("", LB),  # not through the proxy: the connecting address
        ("not-an-address", LB),
    ],
)
def test_behind_one_proxy_the_last_hop_is_the_client(settings, forwarded, expected):
    settings.PROXY_COUNT = 1
    assert client_ip(request_from(LB, forwarded)) == expected


def test_behind_two_proxies_the_second_hop_from_the_right(settings):
    settings.PROXY_COUNT = 2
    assert client_ip(request_from(LB, "6.6.6.6, 203.0.113.9, 10.0.0.9")) == "203.0.113.9"
    assert client_ip(request_from(LB, "203.0.113.9")) == LB  # too few hops to trust


def test_the_proxy_count_defaults_to_one_behind_the_documented_proxy():
    import os
    import subprocess
    import sys

    script = "from tandem.config import settings as s; print(s.PROXY_COUNT)"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TANDEM_", "DJANGO_"))}
    env["TANDEM_SECRET_KEY"] = "x" * 50
    counts = []
    for extra in (
        {},
        {"TANDEM_BEHIND_PROXY": "true"},
        {"TANDEM_BEHIND_PROXY": "true", "TANDEM_PROXY_COUNT": "2"},
    ):
        result = subprocess.run(
            [sys.executable, "-c", script], env={**env, **extra}, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        counts.append(result.stdout.strip())
    assert counts == ["0", "1", "2"]
