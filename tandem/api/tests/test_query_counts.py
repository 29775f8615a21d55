"""API lists cost the same number of queries whatever their length (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.api.services import create_token
from tandem.core.audit import Source, acting_as
from tandem.core.services import record_event
from tandem.factories.people import MembershipFactory, TeamFactory, UserFactory
from tandem.notifications.services import post_comment


def _grow(org, n):
    for i in range(n):
        team = TeamFactory()
        MembershipFactory(team=team, role="head")
        MembershipFactory(team=org.sales)
        post_comment(actor=org.marketer, record=org.sales, body=f"note {i} @sam")
        with acting_as(org.admin, Source.API):
            record_event("test.event", subject=team)
        UserFactory()
        create_token(actor=org.sales_rep, name=f"token {i}", scope="read")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/teams?limit=200",
        "/api/v1/people?limit=200",
        "/api/v1/teams/{sales}/members?limit=200",
        "/api/v1/notifications?limit=200",
        "/api/v1/records/people.team/{sales}/comments?limit=200",
        "/api/v1/events?limit=200",
        "/api/v1/tokens?limit=200",
    ],
)
def test_list_query_count_is_constant(client, org, path):
    path = path.format(sales=org.sales.pk)
    user = org.admin if "events" in path else org.sales_rep
    _, raw = create_token(actor=user, name="counting", scope="read")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    _grow(org, 2)
    client.get(path, **headers)  # first use stamps the token's last_used_at, once a minute
    with CaptureQueriesContext(connection) as few:
        assert client.get(path, **headers).status_code == 200
    _grow(org, 12)
    with CaptureQueriesContext(connection) as many:
        response = client.get(path, **headers)
    assert response.status_code == 200 and len(response.json()["items"]) > 2
    assert len(many) == len(few)
