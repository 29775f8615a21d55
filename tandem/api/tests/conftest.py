"""Helpers the API's HTTP tests share: the one error shape, and where a record's comments
live."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from django.core.cache import cache

from tandem.people.models import Team

ERROR_KEYS = {"code", "message", "details"}


@pytest.fixture
def fresh_throttle_counts() -> None:
    # The throttle counts live in the (locmem) cache, which outlives a test.
    cache.clear()


def assert_error(response: requests.Response, status: int, code: str) -> dict[str, Any]:
    """The response is an error of the one documented shape; returns its body."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == ERROR_KEYS, body
    assert body["code"] == code, body
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["details"], dict)
    return body


def comments_url(team: Team) -> str:
    return f"/records/people.team/{team.pk}/comments"
