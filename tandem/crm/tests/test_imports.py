"""Importing contacts from HubSpot and Salesforce exports (CSV and XLSX), with a report
of every rejected row, dedupe, and nothing half-written."""

import csv
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from tandem.conftest import run_import, stage_import
from tandem.core.errors import DomainError
from tandem.core.models import Job
from tandem.crm import imports
from tandem.crm.models import Account, Contact

HUBSPOT = [
    [
        "First Name",
        "Last Name",
        "Email",
        "Phone Number",
        "Job Title",
        "Company Name",
        "Company Domain Name",
    ],
    [
        "Ruth",
        "Bailey",
        "Ruth@Harrogate.example",
        "01423 000000",
        "Practice Manager",
        "Harrogate Dental",
        "www.harrogate.example",
    ],
    [
        "Imran",
        "Hussain",
        "imran@harrogate.example",
        "",
        "Finance Director",
        "Harrogate Dental Group",
        "https://harrogate.example/about",
    ],
    ["Bad", "Email", "not-an-email", "", "", "", ""],
    ["", "", "", "", "", "", ""],  # a blank line: skipped, not an error
    ["Ruth", "Again", "ruth@harrogate.example", "", "", "", ""],  # duplicate in the file
    ['=HYPERLINK("http://evil")', "Formula", "=cmd@evil.example", "", "", "", ""],
    ["", "", "", "0113", "Nobody", "", ""],  # neither e-mail nor name
    ["Gareth", "Lloyd", "gareth@pennine.example", "", "x" * 121, "Pennine Farms", ""],
]


def csv_bytes(rows, encoding="utf-8"):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def test_a_hubspot_csv_with_bad_rows_imports_the_good_ones_and_reports_the_rest(
    org, django_capture_on_commit_callbacks
):
    staged = stage_import(org, "hubspot-contacts.csv", csv_bytes(HUBSPOT))
    assert staged.suggested["Company Domain Name"] == "account_domain"
    job = run_import(org, staged, capture=django_capture_on_commit_callbacks)
    assert job.status == "done", job.message
    assert "3 contacts added" in job.message and "4 rows rejected" in job.message
    ruth = Contact.objects.get(email="ruth@harrogate.example")
    assert ruth.account.domain == "harrogate.example"
    # Both Harrogate rows name the same company domain in different spellings: one account.
    assert Account.objects.filter(domain="harrogate.example").count() == 1
    assert ruth.history.get().history_source == "import"
    # The importer owns what they brought in, for their team; so does the new account.
    assert (ruth.owner_id, ruth.team_id) == (org.marketer.pk, org.marketer.home_team_id())
    assert ruth.account.team_id == org.marketer.home_team_id() is not None
    assert ruth.account.history.get().history_type == "+"
    report = list(csv.reader((Path(settings.MEDIA_ROOT) / job.result_file).open()))
    assert report[0] == ["row", "column", "reason"]
    by_row = {int(r[0]): (r[1], r[2]) for r in report[1:]}
    assert by_row[4][0] == "Email" and "not a valid e-mail" in by_row[4][1]
    assert by_row[6][1] == "duplicate of row 2"
    assert by_row[8][1] == "no e-mail and no name"
    assert by_row[9] == ("Job Title", "longer than 120 characters")
    # A formula-looking name is data: stored as typed (exports defuse it), not rejected.
    assert Contact.objects.get(email="=cmd@evil.example").first_name.startswith("=HYPERLINK")


def test_the_rejected_rows_report_cannot_run_formulas(org, django_capture_on_commit_callbacks):
    staged = stage_import(org, "x.csv", b"=Email,First Name\nnot-an-email,A\n")
    job = run_import(
        org,
        staged,
        mapping={"=Email": "email", "First Name": "first_name"},
        capture=django_capture_on_commit_callbacks,
    )
    report = (Path(settings.MEDIA_ROOT) / job.result_file).read_text()
    assert "'=Email" in report and "\n=Email" not in report


def test_importing_again_adds_nothing_and_fills_only_blanks(
    org, django_capture_on_commit_callbacks
):
    run_import(
        org,
        stage_import(org, "a.csv", csv_bytes(HUBSPOT[:3])),
        capture=django_capture_on_commit_callbacks,
    )
    Contact.objects.filter(email="ruth@harrogate.example").update(phone="")
    second = [
        *HUBSPOT[:2],
        ["Ruth", "Renamed", "ruth@harrogate.example", "07700 900000", "", "", ""],
    ]
    job = run_import(
        org,
        stage_import(org, "b.csv", csv_bytes(second)),
        capture=django_capture_on_commit_callbacks,
    )
    assert "0 contacts added, 1 updated" in job.message
    ruth = Contact.objects.get(email="ruth@harrogate.example")
    assert ruth.last_name == "Bailey" and ruth.phone == "01423 000000"  # first row in file wins
    assert Contact.objects.count() == 2
    filled = ruth.history.order_by("-history_id").first()
    assert (filled.history_type, filled.phone, filled.history_source) == ("~", ruth.phone, "import")


def test_a_salesforce_xlsx(org, django_capture_on_commit_callbacks):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["First Name", "Last Name", "Email", "Title", "Account Name", "Website"])
    sheet.append(
        [
            "Sophie",
            "Turner",
            "sophie@kirkstall.example",
            "Ops Director",
            "Kirkstall Brewery",
            "kirkstall.example",
        ]
    )
    sheet.append(
        ["Dan", "Whitaker", "dan@kirkstall.example", None, "Kirkstall Brewery", "kirkstall.example"]
    )
    out = io.BytesIO()
    book.save(out)
    staged = stage_import(org, "salesforce.xlsx", out.getvalue())
    assert staged.suggested == {
        "First Name": "first_name",
        "Last Name": "last_name",
        "Email": "email",
        "Title": "job_title",
        "Account Name": "account_name",
        "Website": "account_domain",
    }
    job = run_import(org, staged, capture=django_capture_on_commit_callbacks)
    assert "2 contacts added" in job.message and "1 accounts added" in job.message
    assert not job.result_file


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("x.csv", b"", "empty"),
        ("x.csv", "Name,Café\nA,é\n".encode("cp1252"), "not UTF-8"),
        ("x.csv", b"Email,Email\na@b.co,c@d.co\n", "appear twice"),
        ("x.csv", b"Email,,Name\na@b.co,,A\n", "Column 2 has no name"),
        ("x.xlsx", b"this is not a workbook", "not a readable XLSX"),
        ("contacts.exe", b"Email\n", ".csv or .xlsx"),
    ],
)
def test_broken_files_are_refused_with_a_reason(org, name, data, message):
    with pytest.raises(DomainError) as error:
        stage_import(org, name, data)
    assert message in error.value.message and error.value.field == "file"


def test_a_file_not_in_utf8_fails_the_job_with_the_line_and_writes_nothing(
    org, django_capture_on_commit_callbacks
):
    data = "Email,First Name\n" + "a{}@example.com,Ann\n" * 1 + "b@example.com,Zoë\n"
    staged = stage_import(org, "mixed.csv", data.format(1).encode("cp1252"))
    job = run_import(org, staged, capture=django_capture_on_commit_callbacks)
    assert job.status == "failed" and "Line 3 is not UTF-8" in job.message
    assert Contact.objects.count() == 0  # the chunk never got written


def test_file_names_never_become_paths(org):
    staged = stage_import(org, "../../../etc/passwd.csv", b"Email\na@example.com\n")
    assert staged.original_name == "passwd.csv"
    assert staged.path.parent == imports.imports_dir() and ".." not in staged.token
    for token in ("../secret_key", "a/b.csv", "", "nothex.csv"):
        with pytest.raises(DomainError):
            imports.staged_path(token)


def test_mapping_must_make_sense(org):
    staged = stage_import(org, "x.csv", b"Email,Name,Other\na@example.com,A,B\n")
    for mapping, message in (
        ({"Email": "email", "Name": "email"}, "Two columns"),
        ({"Other": "job_title"}, "at least the e-mail or a name"),
        ({"Nope": "email"}, "No column called"),
        ({"Email": "password"}, "Unknown field"),
    ):
        with pytest.raises(DomainError) as error:
            imports.start_contact_import(actor=org.marketer, token=staged.token, mapping=mapping)
        assert message in error.value.message
    assert not Job.objects.exists()


def test_outsiders_cannot_import(org):
    with pytest.raises(DomainError):
        imports.stage_file(actor=org.outsider, name="x.csv", chunks=iter([b"Email\n"]), size=6)


def test_the_import_command_shows_progress(org, tmp_path, capsys):
    path = tmp_path / "hubspot.csv"
    path.write_bytes(csv_bytes(HUBSPOT))
    call_command("import", "contacts", str(path), "--as", org.marketer.email)
    out = capsys.readouterr().out
    assert "[" in out and "3 contacts added" in out and "Rejected rows:" in out
    assert Job.objects.get().status == "done"
    with pytest.raises(CommandError):
        call_command("import", "contacts", str(path), "--as", "nobody@example.com")


def test_a_larger_file_is_written_in_chunks(org, django_capture_on_commit_callbacks):
    rows = [["Email", "First Name", "Company Domain Name"]] + [
        [f"person{n}@co{n % 50}.example", f"P{n}", f"co{n % 50}.example"] for n in range(5000)
    ]
    job = run_import(
        org,
        stage_import(org, "big.csv", csv_bytes(rows)),
        capture=django_capture_on_commit_callbacks,
    )
    assert "5,000 contacts added" in job.message and "50 accounts added" in job.message
    assert job.done == job.total == 5000
    assert Contact.objects.count() == 5000 and Account.objects.count() == 50


def test_a_large_file_written_by_parallel_writers_is_whole_and_deduped(
    transactional_db, org, monkeypatch
):
    """Outside a transaction (as in the worker) PostgreSQL writes chunks on several
    connections at once; SQLite writes them in turn. Either way: every good row once,
    one account per domain even when chunks share it, history for each contact."""
    monkeypatch.setattr(imports, "CHUNK", 50)  # many chunks from a small file
    monkeypatch.setattr(imports, "SQLITE_CHUNK", 50)
    parallel = []
    writes_in_parallel = imports.write_in_parallel
    monkeypatch.setattr(
        imports,
        "write_in_parallel",
        lambda *args: parallel.append(True) or writes_in_parallel(*args),
    )
    # The marketer's team's contact, so theirs to fill in (the permission table's CHANGE).
    Contact.objects.create(first_name="Known", email="known@shared.example", team=org.marketing)
    rows = [HUBSPOT[0]]
    for n in range(600):
        domain = f"co{n % 7}.example"  # seven companies named across every chunk
        rows.append(["P", f"Person{n}", f"p{n}@{domain}", "", "Buyer", f"Co {n % 7}", domain])
    rows.append(["Known", "Again", "known@shared.example", "", "Director", "", ""])
    rows.append(["Dup", "Row", "p5@co5.example", "", "", "", ""])
    staged = stage_import(org, "big.csv", csv_bytes(rows))
    job = Job.objects.create(
        owner=org.marketer,
        kind="crm.import_contacts",
        title="big",
        status="running",
        params={"token": staged.token, "mapping": staged.suggested},
    )
    messages = []
    imports.import_contacts(job, lambda done, total=None, message="": messages.append(message))
    assert messages[-1].startswith("600 contacts added, 1 updated, 7 accounts added, 1 rows")
    assert Contact.objects.count() == 601
    assert Account.objects.count() == 7
    assert Contact.objects.get(email="known@shared.example").job_title == "Director"
    history = Contact.history.model.objects
    assert history.filter(history_type="+", history_source="import").count() == 600
    assert history.filter(history_type="~", history_source="import").count() == 1
    assert not Contact.objects.filter(account__isnull=True).exclude(email__startswith="known")
    assert parallel == ([True] if connection.vendor == "postgresql" else [])


def test_a_nul_character_rejects_its_row_not_the_import(org, django_capture_on_commit_callbacks):
    rows = [
        HUBSPOT[0],
        ["Nul\x00", "Byte", "nul@example.com", "", "", "", ""],
        ["Ok", "Row", "ok@example.com", "", "", "", ""],
    ]
    job = run_import(
        org,
        stage_import(org, "nul.csv", csv_bytes(rows)),
        capture=django_capture_on_commit_callbacks,
    )
    assert job.status == "done", job.message
    assert "1 contacts added" in job.message and "1 rows rejected" in job.message
    report = list(csv.reader((Path(settings.MEDIA_ROOT) / job.result_file).open()))
    assert report[1] == ["2", "First Name", "contains a NUL character"]
    assert list(Contact.objects.values_list("email", flat=True)) == ["ok@example.com"]


def test_front_line_cannot_change_other_teams_contacts_by_file(
    org, django_capture_on_commit_callbacks
):
    """A PATCH of a sales contact is refused to a branch user; a file import asks the
    same question per row: the row is rejected with the reason, no account is made for
    it, and the rest is stored."""
    from tandem.crm.services import create_contact

    create_contact(actor=org.sales_rep, first_name="Ann", email="ann@sales.example")
    create_contact(actor=org.sales_rep, first_name="Zoe", email="zoe@sales.example")
    create_contact(actor=org.front_liner, first_name="Bea", email="bea@branch.example")
    data = csv_bytes(
        [
            ["first_name", "last_name", "email", "phone", "account_name"],
            ["Ann", "Smith", "ann@sales.example", "0113 496 0123", "Acme Ltd"],  # another team's
            ["Bea", "Jones", "bea@branch.example", "", ""],  # their own: blanks filled
            ["Cal", "New", "cal@new.example", "", ""],  # new: created
            ["Zoe", "", "zoe@sales.example", "", ""],  # changes nothing: nothing to refuse
        ]
    )
    staged = imports.stage_file(
        actor=org.front_liner, name="walk-ins.csv", chunks=iter([data]), size=len(data)
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = imports.start_contact_import(
            actor=org.front_liner, token=staged.token, mapping=staged.suggested
        )
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.message
    ann = Contact.objects.get(email="ann@sales.example")
    assert (ann.last_name, ann.phone, ann.account_id) == ("", "", None)
    assert not Account.objects.filter(name="Acme Ltd").exists()
    assert Contact.objects.get(email="bea@branch.example").last_name == "Jones"
    assert Contact.objects.filter(email="cal@new.example").exists()
    report = (Path(settings.MEDIA_ROOT) / job.result_file).read_text()
    assert "2,,ann@sales.example is another team's contact; you may not change it" in report
    assert job.message.startswith("1 contacts added, 1 updated, 0 accounts added, 1 rows")


def test_front_line_cannot_change_other_teams_contacts_in_bulk(org):
    from tandem.crm.services import create_contact

    create_contact(actor=org.sales_rep, first_name="Ann", email="ann@sales.example")
    result = imports.bulk_upsert_contacts(
        actor=org.front_liner,
        rows=[
            {"email": "ann@sales.example", "last_name": "Smith", "account_domain": "acme.example"},
            {"email": "dan@new.example", "first_name": "Dan"},
        ],
    )
    assert (result["created"], result["updated"], result["accounts_created"]) == (1, 0, 0)
    assert result["rejected"] == [
        {
            "row": 0,
            "field": None,
            "message": "ann@sales.example is another team's contact; you may not change it",
        }
    ]
    assert Contact.objects.get(email="ann@sales.example").last_name == ""
    # The sales team's own head may: the permission table decides, not the door.
    result = imports.bulk_upsert_contacts(
        actor=org.sales_head, rows=[{"email": "ann@sales.example", "last_name": "Smith"}]
    )
    assert (result["updated"], result["rejected"]) == (1, [])
