"""Touchpoints from a file (page, API, command), bulk contact upsert, campaign members."""

import csv
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from tandem.api.services import create_token
from tandem.campaigns.models import CampaignMember, Touchpoint
from tandem.campaigns.services import create_campaign
from tandem.conftest import grant_capture
from tandem.core.models import Job
from tandem.crm.models import Contact
from tandem.crm.services import create_contact

FILE = (
    b"idempotency_key,kind,occurred_at,email,utm_source\n"
    b"t1,visit,2026-11-01T09:00:00Z,ann@example.com,google\n"
    b"t2,form,2026-11-01T09:05:00Z,ann@example.com,google\n"
    b"t3,telepathy,2026-11-01T09:06:00Z,bob@example.com,\n"
    b"t4,visit,next tuesday,bob@example.com,\n"
)


def test_importing_touches_from_the_page_reports_bad_rows(
    client, org, django_capture_on_commit_callbacks
):
    client.force_login(org.marketer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/campaigns/touchpoints/import/", {"file": SimpleUploadedFile("touches.csv", FILE)}
        )
    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.pk}/"
    job.refresh_from_db()
    assert "2 touches added" in job.message and "2 rows rejected" in job.message
    report = list(csv.reader((Path(settings.MEDIA_ROOT) / job.result_file).open()))
    assert [r[:2] for r in report[1:]] == [["4", "kind"], ["5", "occurred_at"]]
    assert Touchpoint.objects.filter(contact__email="ann@example.com").count() == 2


def test_unknown_or_missing_columns_are_refused(client, org):
    client.force_login(org.marketer)
    response = client.post(
        "/campaigns/touchpoints/import/",
        {"file": SimpleUploadedFile("t.csv", b"idempotency_key,kind,when\nx,visit,now\n")},
    )
    assert response.status_code == 422
    assert "Unknown column &#x27;when&#x27;" in response.content.decode()
    response = client.post(
        "/campaigns/touchpoints/import/",
        {"file": SimpleUploadedFile("t.csv", b"idempotency_key,kind\nx,visit\n")},
    )
    assert "needs a occurred_at column" in response.content.decode()
    assert not Job.objects.exists()


def test_the_command_and_the_api_import_touches_once(
    client, org, tmp_path, capsys, django_capture_on_commit_callbacks
):
    path = tmp_path / "touches.csv"
    path.write_bytes(FILE)
    call_command("import", "touchpoints", str(path), "--as", org.marketer.email)
    assert "2 touches added" in capsys.readouterr().out
    token, raw = create_token(actor=org.marketer, name="api", scope="write")
    grant_capture(token)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/imports/touchpoints",
            {"file": SimpleUploadedFile("touches.csv", FILE)},
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )
    assert response.status_code == 202
    job = Job.objects.get(pk=response.json()["id"])
    assert "0 touches added, 2 already recorded" in job.message
    assert Touchpoint.objects.count() == 2


def test_bulk_upsert_of_contacts(client, org):
    # A contact of the marketer's own team: theirs to fill in (another team's is refused,
    # see test_front_line_cannot_change_other_teams_contacts_in_bulk).
    create_contact(actor=org.marketing_head, first_name="Ann", email="ann@example.com")
    _, raw = create_token(actor=org.marketer, name="sync", scope="write")
    response = client.post(
        "/api/v1/contacts/bulk",
        {
            "contacts": [
                {"email": "ANN@example.com", "last_name": "Smith", "first_name": "Annie"},
                {
                    "email": "bob@example.com",
                    "first_name": "Bob",
                    "account_domain": "https://bob.co",
                },
                {"email": "bob@example.com", "first_name": "Bobby"},
                {"email": "nope"},
                {"password": "x"},
                "not an object",
            ]
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["updated"], body["accounts_created"]) == (1, 1, 1)
    assert [(r["row"], r["field"]) for r in body["rejected"]] == [
        (2, "email"),
        (3, "email"),
        (4, "password"),
        (5, None),
    ]
    ann = Contact.objects.get(email="ann@example.com")
    assert (ann.first_name, ann.last_name) == ("Ann", "Smith")  # blanks filled, names kept
    assert Contact.objects.get(email="bob@example.com").account.domain == "bob.co"
    too_many = client.post(
        "/api/v1/contacts/bulk",
        {"contacts": [{}] * 1001},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert too_many.status_code == 422


def test_targeting_contacts_with_a_campaign(client, org):
    campaign = create_campaign(
        actor=org.marketer,
        name="Spring",
        type="email",
        channel="email",
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 3, 31),
    )
    ann = create_contact(actor=org.sales_rep, first_name="Ann", email="ann@example.com")
    token, raw = create_token(actor=org.marketer, name="api", scope="write")
    grant_capture(token)
    url = f"/api/v1/campaigns/{campaign.pk}/members"
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    first = client.post(url, {"contact_ids": [ann.pk]}, content_type="application/json", **auth)
    again = client.post(url, {"contact_ids": [ann.pk]}, content_type="application/json", **auth)
    assert first.json() == {"added": 1, "members": 1} and again.json()["added"] == 0
    missing = client.post(url, {"contact_ids": [987654]}, content_type="application/json", **auth)
    assert missing.status_code == 422 and missing.json()["details"]["field"] == "contact_ids"
    assert CampaignMember.objects.get().status == "targeted"
    client.force_login(org.sales_rep)
    assert "Ann" in client.get(f"/campaigns/{campaign.pk}/").content.decode()


def test_mangled_ids_in_a_file_are_refused_by_row_not_by_crash(
    client, org, django_capture_on_commit_callbacks
):
    ann = create_contact(actor=org.marketer, first_name="Ann")
    rows = [
        "idempotency_key,kind,occurred_at,contact_id,campaign_id",
        f"i1,visit,2026-11-01T09:00:00Z,{ann.pk},",
        "i2,visit,2026-11-01T09:00:00Z,\u00b2,",  # a superscript two: isdigit() but no int
        "i3,visit,2026-11-01T09:00:00Z,99999999999999999999999,",
        f"i4,visit,2026-11-01T09:00:00Z,{ann.pk},abc",
    ]
    client.force_login(org.marketer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/campaigns/touchpoints/import/",
            {"file": SimpleUploadedFile("ids.csv", "\n".join(rows).encode())},
        )
    job = Job.objects.get()
    assert job.status == "done", job.message
    assert "1 touches added" in job.message and "3 rows rejected" in job.message
    report = list(csv.reader((Path(settings.MEDIA_ROOT) / job.result_file).open()))
    assert [r[:2] for r in report[1:]] == [
        ["3", "contact_id"],
        ["4", "contact_id"],
        ["5", "campaign_id"],
    ]


def test_the_touch_import_page_asks_for_the_columns_it_lists(client, org):
    client.force_login(org.marketer)
    page = client.get("/campaigns/touchpoints/import/").content.decode()
    assert "with the columns listed above" in page
    assert "contacts export" not in page  # the contact import's words, not this page's
