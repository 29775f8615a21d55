"""Customer-record pages: who sees what, the timeline, quick-add, no N+1 on lists."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.conftest import STAFF_NAMES
from tandem.crm import services
from tandem.crm.models import Activity


@pytest.fixture
def acme(org):
    account = services.create_account(
        actor=org.sales_rep, name="Acme Solar", domain="acme.co.uk", region="Yorkshire"
    )
    jane = services.create_contact(
        actor=org.sales_rep,
        first_name="Jane",
        last_name="Doe",
        email="jane@acme.co.uk",
        account=account,
    )
    deal = services.create_opportunity(
        actor=org.sales_rep, name="Rooftop array", account=account, amount="12500"
    )
    services.log_activity(actor=org.sales_rep, kind="call", subject="Intro call", contact=jane)
    services.log_activity(actor=org.marketer, kind="note", subject="Attended webinar", contact=jane)
    return {"account": account, "contact": jane, "deal": deal}


def _urls(acme):
    return [
        "/accounts/",
        "/contacts/",
        "/opportunities/",
        "/accounts/new/",
        "/contacts/new/",
        f"/accounts/{acme['account'].pk}/",
        f"/contacts/{acme['contact'].pk}/",
        f"/opportunities/{acme['deal'].pk}/",
        f"/accounts/{acme['account'].pk}/opportunities/new/",
        f"/records/crm.contact/{acme['contact'].pk}/history/",
    ]


@pytest.mark.parametrize("persona", STAFF_NAMES)
def test_everyone_who_works_here_reads_the_shared_record(client, org, acme, persona):
    client.force_login(getattr(org, persona))
    for url in _urls(acme):
        assert client.get(url).status_code == 200, url


def test_outsiders_get_nothing(client, org, acme):
    client.force_login(org.outsider)
    for url in _urls(acme):
        assert client.get(url).status_code in (403, 404), url
    assert client.get(f"/contacts/{acme['contact'].pk}/").status_code == 404


def test_the_timeline_shows_both_teams_and_filters_by_kind(client, org, acme):
    client.force_login(org.sales_head)
    url = f"/contacts/{acme['contact'].pk}/"
    page = client.get(url).content.decode()
    assert "Intro call" in page and "Attended webinar" in page
    calls = client.get(url + "?kind=call", HTTP_HX_REQUEST="true").content.decode()
    assert calls.lstrip().startswith('<section id="timeline"')
    assert "Intro call" in calls and "Attended webinar" not in calls
    account_page = client.get(f"/accounts/{acme['account'].pk}/").content.decode()
    assert "Intro call" in account_page and "with Jane Doe" in account_page


def test_quick_add_from_a_list_row(client, org, acme):
    client.force_login(org.front_liner)
    url = f"/records/crm.contact/{acme['contact'].pk}/activities/"
    done = client.post(
        url, {"kind": "call", "subject": "Walk-in asked about batteries"}, HTTP_HX_REQUEST="true"
    )
    assert done.status_code == 200 and "Logged on" in done.content.decode()
    assert Activity.objects.filter(subject__startswith="Walk-in", owner=org.front_liner).exists()
    empty = client.post(url, {"kind": "call", "subject": ""}, HTTP_HX_REQUEST="true")
    assert empty.status_code == 422 and "required" in empty.content.decode()
    client.force_login(org.outsider)
    assert client.post(url, {"kind": "call", "subject": "x"}).status_code == 404


def test_a_task_is_completed_from_the_timeline(client, org, acme):
    from datetime import timedelta

    from django.utils import timezone

    task = services.log_activity(
        actor=org.sales_rep,
        kind="task",
        subject="Send the battery quote",
        contact=acme["contact"],
        due_at=timezone.now() - timedelta(days=1),
    )
    client.force_login(org.sales_rep)
    page = client.get(f"/contacts/{acme['contact'].pk}/").content.decode()
    assert "Send the battery quote" in page and "overdue" in page and "Mark done" in page
    done = client.post(f"/activities/{task.pk}/done/", HTTP_HX_REQUEST="true")
    assert done.status_code == 200 and "Done " in done.content.decode()
    task.refresh_from_db()
    assert task.done_at is not None
    assert "Mark done" not in client.get(f"/contacts/{acme['contact'].pk}/").content.decode()
    # Done twice is still done once; a call is not a task; others' tasks are not yours.
    assert client.post(f"/activities/{task.pk}/done/").status_code == 302
    call = Activity.objects.get(subject="Intro call")
    refused = client.post(f"/activities/{call.pk}/done/", HTTP_HX_REQUEST="true")
    assert refused.status_code == 422 and "Only tasks" in refused.content.decode()
    client.force_login(org.front_liner)  # another team's member: may read, not complete
    other = services.log_activity(
        actor=org.sales_rep,
        kind="task",
        subject="Rep's own follow-up",
        contact=acme["contact"],
        due_at=timezone.now() + timedelta(days=1),
    )
    assert client.post(f"/activities/{other.pk}/done/").status_code == 403
    client.force_login(org.outsider)
    assert client.post(f"/activities/{other.pk}/done/").status_code == 404
    other.refresh_from_db()
    assert other.done_at is None


def test_hostile_text_is_escaped(client, org, acme):
    services.log_activity(
        actor=org.sales_rep,
        kind="note",
        subject="<script>alert(1)</script>",
        contact=acme["contact"],
    )
    client.force_login(org.marketer)
    page = client.get(f"/contacts/{acme['contact'].pk}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page


def test_losing_without_a_reason_shows_the_message(client, org, acme):
    client.force_login(org.sales_rep)
    response = client.post(f"/opportunities/{acme['deal'].pk}/", {"stage": "lost"})
    assert response.status_code == 422
    assert "Say why it was lost" in response.content.decode()
    client.force_login(org.marketer)
    assert client.post(f"/opportunities/{acme['deal'].pk}/", {"stage": "won"}).status_code == 403


def test_creating_an_account_from_the_page(client, org):
    client.force_login(org.marketer)
    response = client.post("/accounts/new/", {"name": "Beta Ltd", "domain": "https://beta.io/x"})
    assert response.status_code == 302
    duplicate = client.post("/accounts/new/", {"name": "Beta Again", "domain": "beta.io"})
    assert "already has the domain beta.io" in duplicate.content.decode()


@pytest.mark.parametrize("url", ["/accounts/", "/contacts/", "/opportunities/"])
def test_list_query_counts_are_constant(client, org, url):
    client.force_login(org.sales_rep)

    def grow(n, start):
        for i in range(start, start + n):
            account = services.create_account(
                actor=org.sales_rep, name=f"Co {i}", domain=f"co{i}.example"
            )
            services.create_contact(
                actor=org.marketer, first_name=f"P{i}", email=f"p{i}@co{i}.example", account=account
            )
            services.create_opportunity(actor=org.sales_rep, name=f"Deal {i}", account=account)

    grow(2, 0)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    grow(15, 2)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_lists_count_per_row_without_grouping_the_whole_table(client, org, acme):
    services.create_contact(actor=org.sales_rep, first_name="Second", account=acme["account"])
    services.create_account(actor=org.sales_rep, name="Empty Co")
    client.force_login(org.marketer)
    page = client.get("/accounts/").content.decode()
    assert "<td>Yorkshire</td><td></td><td>2</td>" in page  # Acme: two contacts
    assert page.count("<td>0</td>") == 1  # Empty Co


@pytest.mark.parametrize("bad", ["\u00b2", "99999999999999999999999", "-1", "x"])
def test_mangled_account_ids_in_the_address_are_ignored_not_a_crash(client, org, acme, bad):
    client.force_login(org.sales_rep)
    listing = client.get("/contacts/", {"account": bad})
    assert listing.status_code == 200 and "Jane Doe" in listing.content.decode()
    assert client.get("/contacts/new/", {"account": bad}).status_code == 200
