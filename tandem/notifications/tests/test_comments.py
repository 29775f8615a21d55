"""Comments with @mentions on any record, and the notification centre."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.core.errors import DomainError
from tandem.factories.people import UserFactory
from tandem.notifications.mentions import handles_in, render_with_mentions
from tandem.notifications.models import Comment, Notification
from tandem.notifications.services import mark_read, post_comment


def test_handles_are_found_but_not_inside_email_addresses():
    assert handles_in("Hi @sam and @hana.head, cc bob@example.com.") == {"sam", "hana.head"}
    assert handles_in("") == set()


def test_mentions_are_linked_and_everything_else_escaped():
    html = render_with_mentions("<b>hi</b> @sam @nobody", {"sam": ("Sam <Rep>", "/people/1/")})
    assert "&lt;b&gt;hi&lt;/b&gt;" in html
    assert '<a class="mention" href="/people/1/" title="Sam &lt;Rep&gt;">@sam</a>' in html
    assert "@nobody" in html and 'href="/people/1/">@nobody' not in html


def test_a_mention_notifies_people_who_can_see_the_record(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        posted = post_comment(
            actor=org.marketer, record=org.sales, body="@sam @otto @mia can we talk?"
        )
    assert posted.notified == [org.sales_rep]
    assert posted.cannot_see == [org.outsider]  # outsider can't see the team: not told
    note = Notification.objects.get(recipient=org.sales_rep)
    assert "Mia Marketer mentioned you on Sales" in note.text
    assert note.url == f"/teams/{org.sales.pk}/"
    assert not Notification.objects.filter(recipient=org.marketer).exists()  # no self-mention
    assert list(posted.comment.mentions.all()) == [org.sales_rep]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("   ", "Write something"),
        ("x" * 5001, "at most 5000"),
    ],
)
def test_bad_comments_are_refused_and_nothing_is_stored(org, body, message):
    with pytest.raises(DomainError) as error:
        post_comment(actor=org.marketer, record=org.sales, body=body)
    assert message in error.value.message and error.value.field == "body"
    assert not Comment.objects.exists()


def test_outsiders_cannot_comment(org):
    with pytest.raises(DomainError) as error:
        post_comment(actor=org.outsider, record=org.sales, body="hello")
    assert error.value.code == "forbidden"


def test_thread_partial_posts_and_shows_the_comment(client, org):
    client.force_login(org.marketer)
    url = f"/records/people.team/{org.sales.pk}/comments/"
    response = client.post(
        url, {"body": "Ping @sam <script>alert(1)</script>"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Notified Sam Rep." in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>alert" not in body


def test_an_empty_comment_keeps_the_form_with_an_error(client, org):
    client.force_login(org.marketer)
    url = f"/records/people.team/{org.sales.pk}/comments/"
    response = client.post(url, {"body": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "Write something before posting." in response.content.decode()


def test_without_javascript_posting_redirects_back_to_the_record(client, org):
    client.force_login(org.marketer)
    response = client.post(f"/records/people.team/{org.sales.pk}/comments/", {"body": "Hi"})
    assert response.status_code == 302 and response["Location"] == f"/teams/{org.sales.pk}/"


def test_comment_threads_are_404_for_outsiders_and_unknown_records(client, org):
    client.force_login(org.outsider)
    assert client.get(f"/records/people.team/{org.sales.pk}/comments/").status_code == 404
    assert (
        client.post(f"/records/people.team/{org.sales.pk}/comments/", {"body": "x"}).status_code
        == 404
    )
    client.force_login(org.marketer)
    assert client.get("/records/people.team/987654/comments/").status_code == 404
    assert client.get("/records/core.domainevent/1/comments/").status_code == 404


def test_thread_query_count_does_not_grow_with_comments(client, org):
    client.force_login(org.marketer)
    url = f"/records/people.team/{org.sales.pk}/comments/"
    post_comment(actor=org.marketer, record=org.sales, body="first @sam")
    with CaptureQueriesContext(connection) as few:
        client.get(url, HTTP_HX_REQUEST="true")
    for n in range(15):
        author = UserFactory()
        org.sales.memberships.create(user=author)
        post_comment(actor=author, record=org.sales, body=f"comment {n} @sam @hana")
    with CaptureQueriesContext(connection) as many:
        client.get(url, HTTP_HX_REQUEST="true")
    assert len(many) == len(few)


def test_notification_centre_lists_marks_read_and_is_private(client, org):
    post_comment(actor=org.marketer, record=org.sales, body="@sam see this")
    note = Notification.objects.get(recipient=org.sales_rep)
    client.force_login(org.sales_rep)
    home = client.get("/").content.decode()
    assert "mentioned you on Sales" in home and "Notifications: 1 unread" in home  # the bell
    response = client.post(f"/notifications/{note.pk}/open/", {"go": "1"})
    assert response["Location"] == f"/teams/{org.sales.pk}/"
    note.refresh_from_db()
    assert note.read_at is not None
    shell = client.get("/").content.decode().split("<main")[0]
    assert "Notifications" in shell and "unread" not in shell
    client.force_login(org.marketer)
    assert client.post(f"/notifications/{note.pk}/open/").status_code == 404
    with pytest.raises(DomainError):
        mark_read(actor=org.marketer, notification=note)


def test_mark_all_read(client, org):
    for n in range(3):
        post_comment(actor=org.marketer, record=org.sales, body=f"@sam {n}")
    client.force_login(org.sales_rep)
    client.post("/notifications/read-all/")
    assert not Notification.objects.filter(recipient=org.sales_rep, read_at__isnull=True).exists()
    assert (
        "No notifications left unread" in client.get("/notifications/?show=unread").content.decode()
    )


def test_notification_list_query_count_is_constant(client, org):
    client.force_login(org.sales_rep)
    post_comment(actor=org.marketer, record=org.sales, body="@sam 1")
    with CaptureQueriesContext(connection) as few:
        client.get("/notifications/")
    for n in range(20):
        post_comment(actor=org.marketer, record=org.sales, body=f"@sam {n}")
    with CaptureQueriesContext(connection) as many:
        client.get("/notifications/")
    assert len(many) == len(few)
