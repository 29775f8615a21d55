"""The import screens, the import API, and exports of filtered lists."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from tandem.api.services import create_token
from tandem.core.models import Job
from tandem.crm import services
from tandem.crm.models import Contact

HUBSPOT_CSV = (
    b"First Name,Last Name,Email,Company Name,Company Domain Name\n"
    b"Ruth,Bailey,ruth@harrogate.example,Harrogate Dental,harrogate.example\n"
    b"Bad,Row,not-an-email,,\n"
)


def upload(client, name="hubspot.csv", data=HUBSPOT_CSV):
    return client.post("/contacts/import/", {"file": SimpleUploadedFile(name, data)})


def test_upload_check_columns_import_and_get_the_report(
    client, org, django_capture_on_commit_callbacks
):
    client.force_login(org.marketer)
    response = upload(client)
    assert response.status_code == 302
    mapping_url = response["Location"]
    page = client.get(mapping_url).content.decode()
    assert "ruth@harrogate.example" in page  # a preview of the first rows
    assert '<option value="email" selected>' in page
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(
            mapping_url,
            {
                "map-0": "first_name",
                "map-1": "last_name",
                "map-2": "email",
                "map-3": "account_name",
                "map-4": "account_domain",
            },
        )
    job = Job.objects.get()
    assert started["Location"] == f"/jobs/{job.pk}/"
    job_page = client.get(started["Location"]).content.decode()
    assert "1 contacts added" in job_page and "1 rows rejected" in job_page
    assert "Download the rejected rows (CSV)" in job_page
    report = b"".join(client.get(f"/jobs/{job.pk}/download/").streaming_content).decode()
    assert "not a valid e-mail" in report
    assert client.get(mapping_url).status_code == 404  # a used upload cannot be replayed


def test_a_bad_mapping_is_shown_and_nothing_starts(client, org):
    client.force_login(org.marketer)
    mapping_url = upload(client)["Location"]
    response = client.post(mapping_url, {"map-0": "email", "map-2": "email"})
    assert response.status_code == 422 and "Two columns" in response.content.decode()
    assert not Job.objects.exists()


def test_broken_uploads_say_why(client, org):
    client.force_login(org.marketer)
    response = upload(client, name="contacts.csv", data=b"Email,Email\n")
    assert response.status_code == 422 and "appear twice" in response.content.decode()
    response = upload(client, name="evil.exe", data=b"MZ")
    assert ".csv or .xlsx" in response.content.decode()


def test_nobody_else_can_use_your_upload(client, org):
    client.force_login(org.marketer)
    mapping_url = upload(client)["Location"]
    client.force_login(org.sales_rep)
    assert client.get(mapping_url).status_code == 404
    client.force_login(org.outsider)
    assert client.get("/contacts/import/").status_code == 403


def test_import_through_the_api(client, org, django_capture_on_commit_callbacks):
    _, raw = create_token(actor=org.marketer, name="sync", scope="write")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/imports/contacts",
            {"file": SimpleUploadedFile("hubspot.csv", HUBSPOT_CSV)},
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )
    assert response.status_code == 202, response.content
    job = client.get(
        f"/api/v1/jobs/{response.json()['id']}", HTTP_AUTHORIZATION=f"Bearer {raw}"
    ).json()
    assert job["status"] == "done" and "1 rows rejected" in job["message"]
    assert job["download_url"].endswith("/download/")
    bad = client.post(
        "/api/v1/imports/contacts",
        {"file": SimpleUploadedFile("x.csv", HUBSPOT_CSV), "mapping": "[1, 2]"},
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert bad.status_code == 422 and bad.json()["details"]["field"] == "mapping"


@pytest.fixture
def people(org):
    acme = services.create_account(actor=org.sales_rep, name="Acme", domain="acme.example")
    services.create_contact(
        actor=org.sales_rep,
        first_name='=HYPERLINK("http://evil","x")',
        email="evil@acme.example",
        account=acme,
    )
    services.create_contact(actor=org.marketer, first_name="Mine", email="mine@acme.example")
    return acme


def test_csv_export_follows_the_filters_and_defuses_formulas(client, org, people):
    client.force_login(org.sales_rep)
    response = client.get("/contacts/export.csv?mine=1")
    assert response["Content-Disposition"] == 'attachment; filename="contacts.csv"'
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["first_name", "last_name", "email"]
    assert [r[2] for r in rows[1:]] == ["evil@acme.example"]  # only mine
    assert rows[1][0].startswith("'=HYPERLINK")


def test_xlsx_export_has_no_formulas(client, org, people):
    client.force_login(org.marketer)
    response = client.get("/contacts/export.xlsx")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [c for row in book.active.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    assert any(str(c.value).startswith("'=HYPERLINK") for c in cells)
    accounts = client.get("/accounts/export.csv")
    assert b"acme.example" in b"".join(accounts.streaming_content)


def test_exports_respect_permissions_and_formats(client, org, people):
    client.force_login(org.outsider)
    assert client.get("/contacts/export.csv").status_code == 403
    client.force_login(org.marketer)
    assert client.get("/contacts/export.pdf").status_code == 404
    assert Contact.objects.count() == 2


def test_opportunity_export_follows_the_stage_filter(client, org, people):
    services.create_opportunity(
        actor=org.sales_rep, name="Open deal", account=people, amount="1000"
    )
    lost = services.create_opportunity(actor=org.sales_rep, name="Lost deal", account=people)
    services.move_opportunity(
        actor=org.sales_rep, opportunity=lost, stage="lost", reason="Went with a competitor"
    )
    client.force_login(org.marketer)
    text = b"".join(client.get("/opportunities/export.csv?stage=open").streaming_content)
    assert b"Open deal" in text and b"Lost deal" not in text
    xlsx = client.get("/opportunities/export.xlsx?stage=lost")
    book = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    values = [c.value for row in book.active.iter_rows() for c in row]
    assert "Lost deal" in values and "Went with a competitor" in values
