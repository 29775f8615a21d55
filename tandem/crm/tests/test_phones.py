"""Phone numbers: kept as written, stored in E.164 by every write path (service, web
form, API, file import, bulk API), refused with the field or row when no number can be
read, backfilled for stored contacts, and searchable in any spelling."""

import importlib
import json
import random
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection

from tandem.conftest import bearer, run_import, stage_import
from tandem.core.errors import DomainError
from tandem.crm import imports, services
from tandem.crm.models import Contact
from tandem.crm.normalise import (
    NotAPhoneNumber,
    _libphonenumber,
    normalise_phone,
    phone_prefix,
)
from tandem.crm.tests.test_imports import csv_bytes

SPELLINGS = ["07700 900123", "+44 7700 900 123", "(0)7700-900123", "+44 (0)7700 900123"]


@pytest.mark.parametrize("written", [*SPELLINGS, "0044 7700 900123", "07700900123"])
def test_every_spelling_of_a_number_is_one_e164(written):
    assert normalise_phone(written) == "+447700900123"


def test_other_regions_extensions_and_the_default_region(settings):
    assert normalise_phone("+1 (202) 555-0143") == "+12025550143"
    assert normalise_phone("0113 496 0000 ext. 12") == "+441134960000"
    assert normalise_phone("  ") == ""
    settings.PHONE_REGION = "US"
    assert normalise_phone("(202) 555-0143") == "+12025550143"


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("0113", "too few digits"),
        ("12 3456", r"too few digits \(with its area code\?\)"),
        ("07700 abc", "is not a phone number"),
        ("12", "too few digits"),
        ("07700 900123 4567 890", "too many digits"),
        ("call me", "is not a phone number"),
        ("+999 1234 5678", "not a phone number"),
    ],
)
def test_text_that_is_no_number_is_refused_saying_why(written, reason):
    with pytest.raises(NotAPhoneNumber, match=reason):
        normalise_phone(written)


def test_the_shortcut_agrees_with_libphonenumber():
    # The fast path for the region's own spellings must give libphonenumber's answer.
    rng = random.Random(4)
    for _ in range(3000):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randrange(6, 12)))
        lead = rng.choice(["0", "+44", "+44 (0)", "(0)", "0", ""])
        text = lead + " ".join([digits[:4], digits[4:]])
        try:
            expected = _libphonenumber(text, "GB")
        except NotAPhoneNumber:
            expected = None
        try:
            got = normalise_phone(text)
        except NotAPhoneNumber:
            got = None
        assert got == expected, text


@pytest.mark.parametrize(
    ("typed", "prefix"),
    [
        ("07700 900123", "+447700900123"),
        ("+44 7700 900 123", "+447700900123"),
        ("(0)7700-900123", "+447700900123"),
        ("+44 (0)7700 9", "+4477009"),
        ("0044 77", "+4477"),
        ("44 (0)7700 900123", "+447700900123"),
        ("7700 900", "+447700900"),
        ("+1 202", "+1202"),
        ("07", None),
        ("tom", None),
        ("07700 abc", None),
    ],
)
def test_the_start_of_a_number_as_people_type_it(typed, prefix):
    assert phone_prefix(typed) == prefix


# --- Write paths ---------------------------------------------------------------------------
def test_services_store_the_number_as_written_and_in_e164(org):
    ruth = services.create_contact(actor=org.sales_rep, first_name="Ruth", phone="(0)7700-900123")
    assert (ruth.phone, ruth.phone_e164) == ("(0)7700-900123", "+447700900123")
    services.update_contact(actor=org.sales_rep, contact=ruth, phone="+1 202 555 0143")
    ruth.refresh_from_db()
    assert (ruth.phone, ruth.phone_e164) == ("+1 202 555 0143", "+12025550143")
    services.update_contact(actor=org.sales_rep, contact=ruth, phone="")
    ruth.refresh_from_db()
    assert (ruth.phone, ruth.phone_e164) == ("", "")
    with pytest.raises(DomainError) as refused:
        services.update_contact(actor=org.sales_rep, contact=ruth, phone="0113")
    assert (refused.value.code, refused.value.field) == ("invalid_phone", "phone")
    assert "'0113' has too few digits" in refused.value.message
    assert Contact.objects.get(pk=ruth.pk).phone == ""  # nothing stored


def test_erasure_removes_the_normalised_number_too(org):
    ruth = services.create_contact(actor=org.sales_rep, first_name="Ruth", phone="07700 900123")
    services.erase_contact(actor=org.admin, contact=ruth)
    ruth.refresh_from_db()
    assert (ruth.phone, ruth.phone_e164) == ("", "")


def test_the_web_form_shows_a_bad_number_at_the_phone_field(client, org):
    client.force_login(org.sales_rep)
    bad = client.post("/contacts/new/", {"first_name": "Ann", "phone": "07700 abc"})
    assert bad.status_code in (200, 422)
    form = bad.context["form"]
    assert "is not a phone number" in " ".join(form.errors["phone"])
    assert not Contact.objects.exists()
    good = client.post("/contacts/new/", {"first_name": "Ann", "phone": "+44 7700 900 123"})
    assert good.status_code == 302
    assert Contact.objects.get().phone_e164 == "+447700900123"


def test_the_api_stores_e164_and_names_the_field_of_a_bad_number(client, org):
    auth = bearer(org.sales_rep)
    made = client.post(
        "/api/v1/contacts",
        json.dumps({"first_name": "Ann", "phone": "07700 900123"}),
        content_type="application/json",
        **auth,
    )
    assert made.status_code == 201, made.content
    assert (made.json()["phone"], made.json()["phone_e164"]) == ("07700 900123", "+447700900123")
    patched = client.patch(
        f"/api/v1/contacts/{made.json()['id']}",
        json.dumps({"phone": "0113"}),
        content_type="application/json",
        **auth,
    )
    assert patched.status_code == 422
    assert patched.json()["code"] == "invalid_phone"
    assert patched.json()["details"]["field"] == "phone"


def test_a_file_import_stores_e164_and_reports_the_row_of_a_bad_number(
    org, django_capture_on_commit_callbacks
):
    services.create_contact(actor=org.marketer, first_name="Bea", email="bea@example.test")
    data = csv_bytes(
        [
            ["First Name", "Last Name", "Email", "Phone Number"],
            ["Ann", "Smith", "ann@example.test", "+44 (0)7700 900123"],
            ["Cal", "Jones", "cal@example.test", "0113 49"],  # row 3: too short
            ["Bea", "", "bea@example.test", "0113 496 0000"],  # known: blank phone filled
            ["Dee", "Walk-in", "", "07700 900 555"],
        ]
    )
    job = run_import(
        org, stage_import(org, "people.csv", data), capture=django_capture_on_commit_callbacks
    )
    assert job.message.startswith("2 contacts added, 1 updated"), job.message
    phones = dict(Contact.objects.values_list("first_name", "phone_e164"))
    assert phones == {"Ann": "+447700900123", "Bea": "+441134960000", "Dee": "+447700900555"}
    report = (Path(settings.MEDIA_ROOT) / job.result_file).read_text()
    assert "3,Phone Number,'0113 49' has too few digits (with its area code?)" in report


def test_the_bulk_api_rejects_a_bad_number_by_row_and_field(org):
    outcome = imports.bulk_upsert_contacts(
        actor=org.marketer,
        rows=[
            {"email": "ann@example.test", "phone": "07700 900123"},
            {"email": "cal@example.test", "phone": "not a number"},
        ],
    )
    assert outcome["created"] == 1
    assert outcome["rejected"] == [
        {"row": 1, "field": "phone", "message": "'not a number' is not a phone number"}
    ]
    assert Contact.objects.get().phone_e164 == "+447700900123"


def test_the_migration_fills_stored_numbers_and_leaves_unreadable_ones(org):
    ann = services.create_contact(actor=org.marketer, first_name="Ann", phone="07700 900123")
    bob = services.create_contact(actor=org.marketer, first_name="Bob")
    Contact.objects.filter(pk=ann.pk).update(phone_e164="")
    Contact.objects.filter(pk=bob.pk).update(phone="ext. 12 (old)")
    migration = importlib.import_module("tandem.crm.migrations.0014_fill_phone_e164")
    migration.fill_phone_e164(apps, SimpleNamespace(connection=connection))
    assert dict(Contact.objects.values_list("first_name", "phone_e164")) == {
        "Ann": "+447700900123",
        "Bob": "",
    }


# --- The contact list ----------------------------------------------------------------------
@pytest.mark.parametrize("typed", [*SPELLINGS, "07700 9001"])
def test_the_contact_list_finds_a_number_in_any_spelling_and_shows_it(client, org, typed):
    services.create_contact(actor=org.sales_rep, first_name="Ruth", phone="07700 900123")
    services.create_contact(actor=org.sales_rep, first_name="Other", phone="07700 800123")
    client.force_login(org.sales_rep)
    page = client.get("/contacts/", {"q": typed}).content.decode()
    assert "Ruth" in page and "Other" not in page
    assert '<a href="tel:+447700900123">07700 900123</a>' in page
