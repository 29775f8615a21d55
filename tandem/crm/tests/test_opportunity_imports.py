"""Importing opportunities through the contact import's machinery, in each layout people
bring (fixtures/: our export, a HubSpot deals export, a Salesforce opportunities export
as XLSX): stages, companies and owners mapped, every bad row reported by row number and
column, nothing imported twice."""

import csv
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tandem.conftest import bearer
from tandem.core.errors import DomainError
from tandem.core.models import DomainEvent, Job
from tandem.crm import imports, opportunity_imports, services
from tandem.crm.models import Account, Opportunity
from tandem.factories.people import UserFactory

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def acme(org):
    return services.create_account(actor=org.sales_rep, name="Acme Solar")


def stage(org, name):
    data = (FIXTURES / name).read_bytes()
    return imports.stage_file(actor=org.sales_rep, name=name, chunks=iter([data]), size=len(data))


def run(org, name, capture, mapping=None):
    staged = stage(org, name)
    with capture(execute=True):
        job = opportunity_imports.start_import(
            actor=org.sales_rep,
            token=staged.token,
            mapping=mapping or opportunity_imports.suggest(staged.headers),
            original_name=name,
        )
    job.refresh_from_db()
    return job


def rejected(job):
    if not job.result_file:
        return []
    with (Path(settings.MEDIA_ROOT) / job.result_file).open(encoding="utf-8") as report:
        return [tuple(row) for row in csv.reader(report)][1:]


def deals():
    return {
        o.name: (o.account.name, o.stage, o.amount, o.currency, o.close_date, o.owner.email)
        for o in Opportunity.objects.select_related("account", "owner")
    }


def test_each_layout_is_recognised_from_its_headers(org):
    assert opportunity_imports.suggest(stage(org, "hubspot_deals.csv").headers) == {
        "Record ID": "source_id",
        "Deal Name": "name",
        "Deal Stage": "stage",
        "Close Date": "close_date",
        "Deal owner": "owner",
        "Amount": "amount",
        "Associated Company": "account_name",
        "Closed Lost Reason": "reason",
    }
    salesforce = opportunity_imports.suggest(stage(org, "salesforce_opportunities.xlsx").headers)
    assert salesforce["Opportunity Name"] == "name" and salesforce["Stage"] == "stage"
    assert salesforce["Opportunity Currency"] == "currency"
    assert "Probability (%)" not in salesforce  # ours follows the stage
    ours = opportunity_imports.suggest(stage(org, "opportunities_tandem.csv").headers)
    assert ours["account"] == "account_name" and ours["owner"] == "owner"


def test_our_own_layout(org, acme, django_capture_on_commit_callbacks):
    job = run(org, "opportunities_tandem.csv", django_capture_on_commit_callbacks)
    assert job.status == Job.Status.DONE, job.message
    assert deals() == {
        "Rooftop array": (
            "Acme Solar",
            "proposal",
            Decimal("12500.00"),
            "GBP",
            date(2026, 7, 31),
            "sam@example.test",
        ),
        "Barn battery": (
            "Pennine Farms",  # a company no account has: added
            "qualification",
            Decimal("1250.00"),  # "1,250"
            "GBP",  # no currency given
            date(2026, 8, 31),  # 31/08/2026, day first
            "sam@example.test",  # no owner given: the importer
        ),
        "Lost deal": (
            "Acme Solar",  # "acme solar" matched, whatever its case
            "lost",
            Decimal("900.00"),
            "GBP",
            date(2026, 5, 1),
            "sid@example.test",
        ),
    }
    lost = Opportunity.objects.get(name="Lost deal")
    assert lost.outcome_reason == "Went with a competitor" and lost.closed_at is not None
    assert lost.team == org.sales
    assert Account.objects.filter(name__iexact="acme solar").count() == 1
    assert rejected(job) == [
        ("5", "amount", "amount cannot be negative."),
        ("6", "currency", "'XYZ' is not a currency code we know"),
        ("7", "close_date", "'2026-13-01' is not a date: write 2026-05-31 or 31/05/2026"),
        ("8", "stage", "'Archived' is not a stage we know"),
        ("9", "owner", "nobody active here has the e-mail or name 'nobody@example.test'"),
        ("10", "name", "no deal name"),
        ("11", "account", "no company"),
        ("12", "", "duplicate of row 2"),
        ("13", "owner", "Otto Outsider is in no team, so cannot own deals"),
    ]
    assert "3 deals added, 0 already imported, 1 companies added, 9 rows rejected" in job.message
    history = Opportunity.history.filter(name="Rooftop array").get()
    assert history.history_type == "+" and history.history_source == "import"
    # Each deal's timeline starts with its creation, by whom the import ran for.
    rooftop = Opportunity.objects.get(name="Rooftop array")
    created = DomainEvent.objects.get(name="opportunity.created", subject_id=rooftop.pk)
    assert created.data == {"amount": "12500.00", "currency": "GBP", "imported": True}
    assert created.actor == org.sales_rep and created.source == "job"


def test_a_hubspot_deals_export(org, django_capture_on_commit_callbacks):
    for _ in range(2):
        twin = UserFactory(full_name="Lee Twin")
        org.sales.memberships.create(user=twin)
    job = run(org, "hubspot_deals.csv", django_capture_on_commit_callbacks)
    found = deals()
    assert found["Kirkstall brewhouse heat pumps"][1:5] == (
        "proposal",  # Presentation Scheduled
        Decimal("122000.00"),
        "GBP",
        date(2026, 9, 15),  # "2026-09-15 00:00"
    )
    assert found["Calder schools solar"][1:3] == ("negotiation", Decimal("310000.50"))
    assert found["Calder schools solar"][5] == "sid@example.test"  # by full name
    assert found["Harrogate dental solar"][1] == "won"  # HubSpot's internal id
    assert found["Pennine barn array"][1] == "lost"
    assert Opportunity.objects.get(name="Pennine barn array").outcome_reason == "Price"
    assert found["No amount yet"][1:5] == ("qualification", Decimal("0.00"), "GBP", None)
    assert len(found) == 5
    assert rejected(job) == [
        ("6", "Deal Stage", "'Discovery Call' is not a stage we know"),
        ("7", "Deal owner", "2 people are called 'lee twin': give the e-mail"),
        ("8", "", "duplicate of row 2"),  # the same HubSpot record id
    ]
    # Run again: every deal is already there, nothing is added.
    again = run(org, "hubspot_deals.csv", django_capture_on_commit_callbacks)
    assert Opportunity.objects.count() == 5
    assert "0 deals added, 5 already imported" in again.message


def test_a_salesforce_opportunities_export_in_xlsx(org, django_capture_on_commit_callbacks):
    gone = UserFactory(full_name="Gone Person", is_active=False)
    org.sales.memberships.create(user=gone)
    job = run(org, "salesforce_opportunities.xlsx", django_capture_on_commit_callbacks)
    found = deals()
    assert found == {
        "Leeds office HVAC": (
            "Leeds Office Park",
            "negotiation",
            Decimal("45000.00"),
            "GBP",
            date(2026, 8, 14),  # a date cell
            "sid@example.test",
        ),
        "Paris showroom": (
            "Maison Verte",
            "proposal",  # Value Proposition
            Decimal("18000.75"),
            "EUR",
            date(2026, 9, 30),
            "sam@example.test",
        ),
        "Old win": (
            "Leeds Office Park",
            "won",
            Decimal("12000.00"),
            "GBP",
            date(2026, 2, 1),
            "sam@example.test",
        ),
    }
    assert Account.objects.filter(name="Leeds Office Park").count() == 1
    reasons = {row: (column, reason) for row, column, reason in rejected(job)}
    assert reasons == {
        "4": ("Close Date", "'5/31/2026' is not a date: write 2026-05-31 or 31/05/2026"),
        "6": ("Opportunity Currency", "'Pounds' is not a currency code we know"),
        "7": ("Amount", "amount is too large (at most 999,999,999,999.99)."),
        "8": ("Opportunity Owner", "nobody active here has the e-mail or name 'gone person'"),
    }


def test_the_mapping_must_name_the_deal_and_its_company(org):
    staged = stage(org, "hubspot_deals.csv")
    with pytest.raises(DomainError) as missing:
        opportunity_imports.start_import(
            actor=org.sales_rep, token=staged.token, mapping={"Deal Name": "name"}
        )
    assert missing.value.message == "Map a column to Company."
    with pytest.raises(DomainError) as doubled:
        opportunity_imports.start_import(
            actor=org.sales_rep,
            token=staged.token,
            mapping={"Deal Name": "name", "Pipeline": "name", "Associated Company": "account_name"},
        )
    assert doubled.value.message == "Two columns are mapped to Deal name."


def test_the_two_pages_and_the_job(client, org, django_capture_on_commit_callbacks):
    client.force_login(org.sales_rep)
    assert "Import opportunities" in client.get("/opportunities/import/").content.decode()
    with (FIXTURES / "hubspot_deals.csv").open("rb") as upload:
        staged = client.post("/opportunities/import/", {"file": upload})
    assert staged.status_code == 302 and staged.url.startswith("/opportunities/import/")
    page = client.get(staged.url).content.decode()
    assert '<option value="account_name" selected>Company</option>' in page
    assert '<option value="source_id" selected>Id in the system it came from</option>' in page
    choices = {
        f"map-{i}": field
        for i, field in enumerate(
            ["source_id", "name", "stage", "close_date", "owner", "amount", "account_name", "", ""]
        )
    }
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(staged.url, choices)
    assert started.status_code == 302 and started.url.startswith("/jobs/")
    job = Job.objects.get(kind="crm.import_opportunities")
    assert job.status == Job.Status.DONE and job.owner == org.sales_rep
    assert "rows rejected" in client.get(started.url).content.decode()
    # Someone else's upload is not theirs to import.
    client.force_login(org.sales_head)
    assert client.get(staged.url).status_code == 404


def test_the_command_and_the_api(client, org, django_capture_on_commit_callbacks, capsys):
    call_command(
        "import",
        "opportunities",
        str(FIXTURES / "opportunities_tandem.csv"),
        "--as",
        org.sales_rep.email,
        "--layout",
        "tandem",
    )
    assert "3 deals added" in capsys.readouterr().out
    with (
        (FIXTURES / "hubspot_deals.csv").open("rb") as upload,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            "/api/v1/imports/opportunities", {"file": upload}, **bearer(org.sales_head)
        )
    assert response.status_code == 202, response.content
    job = Job.objects.get(pk=response.json()["id"])
    assert job.status == Job.Status.DONE and "5 deals added" in job.message
    bad = client.post(
        "/api/v1/imports/opportunities",
        {"file": (FIXTURES / "hubspot_deals.csv").open("rb"), "mapping": json.dumps([1])},
        **bearer(org.sales_head),
    )
    assert bad.status_code == 422 and bad.json()["details"]["field"] == "mapping"
    assert (
        client.post(
            "/api/v1/imports/opportunities",
            {"file": (FIXTURES / "hubspot_deals.csv").open("rb")},
            **bearer(org.outsider),
        ).status_code
        == 403
    )
