"""The Decisions page: what waits for me, deciding inline, stale versions, who sees it."""

from tandem.approvals.models import ApprovalRequest, Decision
from tandem.approvals.tests.conftest import ask

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_page_lists_what_waits_and_decides_inline(client, org, kinds, log):
    request = ask(org.marketer, kinds["two"], org.marketing, reason="Faster follow-up")
    client.force_login(org.sales_head)
    page = client.get("/decisions/").content.decode()
    assert "Waiting for you" in page and "Test change" in page and "Faster follow-up" in page
    assert 'aria-label="1 waiting for you"' in page  # the navigation's count
    assert "Approve version 1" in page
    answer = client.post(
        f"/decisions/{request.pk}/decide/",
        {"outcome": "approve", "version": 1, "comment": "OK"},
        **HTMX,
    )
    assert answer.status_code == 200
    assert "approved by Sid Head" in answer.content.decode()
    assert "Approve version" not in answer.content.decode()  # nothing left for them
    assert 'aria-label="1 waiting for you"' not in client.get("/decisions/").content.decode()


def test_a_plain_form_goes_back_to_the_page_it_was_on_with_a_message(client, org, kinds):
    request = ask(org.marketer, kinds["two"], org.marketing)
    client.force_login(org.marketing_head)
    answer = client.post(
        f"/decisions/{request.pk}/decide/",
        {"outcome": "approve", "version": 1, "next": "/decisions/"},
        follow=True,
    )
    assert answer.redirect_chain[-1][0] == "/decisions/"
    assert "now waits for a head of a sales team" in answer.content.decode()
    client.force_login(org.sales_head)
    elsewhere = client.post(
        f"/decisions/{request.pk}/decide/",
        {"outcome": "approve", "version": 1, "next": "https://evil.example/"},
        follow=True,
    )
    assert elsewhere.redirect_chain[-1][0] == f"/decisions/{request.pk}/"  # never off-site
    assert "Approved by everyone it needed" in elsewhere.content.decode()


def test_a_stale_version_or_a_missing_comment_is_said_on_the_form(client, org, kinds, log):
    request = ask(org.marketer, kinds["two"], org.marketing)
    log.versions[org.marketing.pk] = 2
    from tandem.approvals.services import new_version

    new_version(org.marketing, 2)
    client.force_login(org.sales_head)
    stale = client.post(f"/decisions/{request.pk}/decide/", {"outcome": "approve", "version": 1})
    assert stale.status_code == 422
    assert "version 2 is current" in stale.content.decode()
    bare = client.post(f"/decisions/{request.pk}/decide/", {"outcome": "changes", "version": 2})
    assert bare.status_code == 422 and "Say what should change." in bare.content.decode()
    assert ApprovalRequest.objects.get().status == "open"


def test_someone_it_does_not_wait_for_is_refused(client, org, kinds):
    request = ask(org.marketer, kinds["two"], org.marketing)
    client.force_login(org.admin)
    refused = client.post(f"/decisions/{request.pk}/decide/", {"outcome": "approve", "version": 1})
    assert refused.status_code == 403
    assert "you are not one of them" in refused.content.decode()
    assert not request.requirements.filter(satisfied_by__isnull=False).exists()


def test_withdraw_and_override_from_the_detail_page(client, org, kinds, log):
    request = ask(org.marketer, kinds["review"], org.sales)
    client.force_login(org.executive)
    detail = client.get(f"/decisions/{request.pk}/").content.decode()
    assert "Override as the executive" in detail and "Withdraw" not in detail
    empty = client.post(f"/decisions/{request.pk}/override/", {"reason": ""})
    assert empty.status_code == 422
    client.post(f"/decisions/{request.pk}/override/", {"reason": "Print deadline"})
    shown = client.get(f"/decisions/{request.pk}/").content.decode()
    assert "Overridden" in shown and "Print deadline" in shown
    other = ask(org.marketer, kinds["two"], org.marketing)
    client.force_login(org.marketer)
    assert "Withdraw" in client.get(f"/decisions/{other.pk}/").content.decode()
    client.post(f"/decisions/{other.pk}/withdraw/")
    assert ApprovalRequest.objects.get(pk=other.pk).status == "withdrawn"


def test_outsiders_see_nothing(client, org, kinds):
    request = ask(org.marketer, kinds["two"], org.marketing)
    client.force_login(org.outsider)
    assert client.get("/decisions/").status_code == 404
    assert client.get(f"/decisions/{request.pk}/").status_code == 404
    assert client.post(f"/decisions/{request.pk}/withdraw/").status_code == 404
    client.force_login(org.marketer)
    assert client.get("/decisions/999999/").status_code == 404


def test_empty_states_say_what_to_do(client, org, kinds):
    client.force_login(org.front_liner)
    page = client.get("/decisions/").content.decode()
    assert "Nothing waits for your decision" in page
    assert "You have not asked for a decision" in page


def test_a_request_has_its_discussion(client, org, kinds):
    request = ask(org.marketer, kinds["two"], org.marketing)
    client.force_login(org.sales_head)
    url = f"/records/approvals.approvalrequest/{request.pk}/comments/"
    client.post(url, {"body": "@hana why 120 and not 100?"})
    page = client.get(f"/decisions/{request.pk}/").content.decode()
    assert "Discussion" in page and "why 120 and not 100?" in page
    assert org.marketing_head.notifications.filter(kind="mention").exists()


def test_hostile_decisions_are_refused_and_store_nothing(client, org, kinds):
    request = ask(org.marketer, kinds["two"], org.marketing)
    client.force_login(org.sales_head)
    url = f"/decisions/{request.pk}/decide/"
    for bad in (
        {"outcome": "approve", "version": "abc"},
        {"outcome": "maybe", "version": 1},
        {"outcome": "changes", "version": 1, "comment": "x" * 2001},
        {"outcome": "approve"},
    ):
        assert client.post(url, bad).status_code == 422, bad
    assert not Decision.objects.exists()
    off_site = client.post(url, {"outcome": "approve", "version": 1, "next": "//evil.example/"})
    assert off_site["Location"] == f"/decisions/{request.pk}/"
    client.force_login(org.marketing_head)  # not the one who asked
    refused = client.post(f"/decisions/{request.pk}/withdraw/")
    assert refused.status_code == 403
    assert ApprovalRequest.objects.get(pk=request.pk).status == "open"  # still waits
