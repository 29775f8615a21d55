"""The REST API at /api/v1/, over real HTTP: comments, mentions and the notifications
they send.

Every test goes through the network, the middleware, token auth, the throttle and the
error mapping exactly as an integration would.
"""

from __future__ import annotations

import json

import pytest

from tandem.api.tests.conftest import assert_error, comments_url
from tandem.notifications.models import Comment, Notification

pytestmark = pytest.mark.usefixtures("fresh_throttle_counts")


# --- Comments and notifications ----------------------------------------------------------
def test_mentions_notify_those_who_can_see_and_name_those_who_cannot(live_org, api_for):
    marketer = api_for(live_org.marketer)

    response = marketer.post(comments_url(live_org.sales), json={"body": "Hi @sam and @otto"})

    assert response.status_code == 201, response.text
    posted = response.json()
    assert posted["comment"]["body"] == "Hi @sam and @otto"
    assert posted["comment"]["author"]["id"] == live_org.marketer.pk
    assert [p["id"] for p in posted["notified"]] == [live_org.sales_rep.pk]
    assert [p["handle"] for p in posted["cannot_see"]] == ["otto"]
    assert not Notification.objects.filter(recipient=live_org.outsider).exists()

    comments = marketer.get(comments_url(live_org.sales)).json()["items"]
    assert [c["id"] for c in comments] == [posted["comment"]["id"]]

    rep = api_for(live_org.sales_rep)
    unread = rep.get("/notifications", params={"unread": "true"}).json()["items"]
    assert len(unread) == 1
    note = unread[0]
    assert note["kind"] == "mention"
    assert note["read_at"] is None
    assert "Mia Marketer" in note["text"]

    # The marketer cannot touch the rep's notification, even knowing its id.
    assert_error(marketer.post(f"/notifications/{note['id']}/read"), 404, "not_found")
    assert Notification.objects.get(pk=note["id"]).read_at is None
    assert marketer.get("/notifications").json()["items"] == []

    read = rep.post(f"/notifications/{note['id']}/read")
    assert read.status_code == 200, read.text
    assert read.json()["read_at"] is not None
    assert Notification.objects.get(pk=note["id"]).read_at is not None
    assert rep.get("/notifications", params={"unread": "true"}).json()["items"] == []
    assert len(rep.get("/notifications").json()["items"]) == 1


def test_mentioning_a_handle_that_does_not_exist_notifies_nobody(live_org, api_for):
    response = api_for(live_org.marketer).post(
        comments_url(live_org.sales), json={"body": "Ask @nobody-here please"}
    )
    assert response.status_code == 201, response.text
    assert response.json()["notified"] == []
    assert Notification.objects.count() == 0


def test_hostile_comment_is_stored_verbatim_and_returned_as_json(live_org, api_for):
    hostile = '<script>alert(1)</script> "quoted" & <img src=x onerror=alert(2)>'
    client = api_for(live_org.marketer)

    response = client.post(comments_url(live_org.sales), json={"body": hostile})

    assert response.status_code == 201, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json()["comment"]["body"] == hostile
    stored = Comment.objects.get(pk=response.json()["comment"]["id"])
    assert stored.body == hostile

    listed = client.get(comments_url(live_org.sales))
    assert listed.headers["Content-Type"].startswith("application/json")
    assert listed.json()["items"][0]["body"] == hostile
    # JSON, not HTML: the text is a JSON string value, never markup the server rendered.
    assert json.loads(listed.text)["items"][0]["body"] == hostile
    assert "text/html" not in listed.headers["Content-Type"]


def test_comment_of_exactly_5000_characters_is_accepted(live_org, api_for):
    response = api_for(live_org.marketer).post(
        comments_url(live_org.sales), json={"body": "y" * 5000}
    )
    assert response.status_code == 201, response.text
    assert len(Comment.objects.get().body) == 5000
