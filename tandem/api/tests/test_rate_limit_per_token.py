"""The REST API at /api/v1/, over real HTTP: each token's allowance, and the 429 past it.

Every test goes through the network, the middleware, token auth, the throttle and the
error mapping exactly as an integration would.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tandem.api.tests.conftest import assert_error, comments_url
from tandem.notifications.models import Comment

pytestmark = pytest.mark.usefixtures("fresh_throttle_counts")


# --- Rate limit --------------------------------------------------------------------------
def test_rate_limit_answers_429_with_retry_after_per_token(live_org, api_for, settings):
    settings.API_RATE_LIMIT = "3/m"
    cache.clear()
    busy = api_for(live_org.marketer)
    other = api_for(live_org.sales_rep)

    for _ in range(3):
        assert busy.get("/me").status_code == 200

    limited = busy.get("/me")

    assert_error(limited, 429, "rate_limited")
    retry_after = limited.headers.get("Retry-After")
    assert retry_after is not None and retry_after.isdigit(), retry_after
    assert 0 < int(retry_after) <= 60

    # Another token has its own allowance.
    assert other.get("/me").status_code == 200
    # Writes count too, and are refused without being done.
    before = Comment.objects.count()
    assert_error(busy.post(comments_url(live_org.sales), json={"body": "x"}), 429, "rate_limited")
    assert Comment.objects.count() == before


def test_a_second_token_of_the_same_user_is_counted_separately(live_org, api_for, settings):
    settings.API_RATE_LIMIT = "2/m"
    cache.clear()
    first = api_for(live_org.marketer)
    second = api_for(live_org.marketer)
    assert [first.get("/me").status_code for _ in range(3)] == [200, 200, 429]
    assert second.get("/me").status_code == 200
