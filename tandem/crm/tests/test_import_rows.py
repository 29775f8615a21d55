"""The exact rows a contact import stores, pinned: every contact's values (E.164 and the
row key included), its history rows, the accounts made and found, and the rejected
rows, for a file with new rows, known contacts to fill in, duplicates, bad rows and
rows without an e-mail, written in many small chunks. The import's write path is tuned
for speed (COPY and array reads on PostgreSQL, prepared inserts on SQLite, writer
connections, checkpoints); whatever the tuning, these rows must not change."""

import csv
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tandem.conftest import stage_import
from tandem.core.models import Job
from tandem.crm import imports
from tandem.crm.models import Account, Contact

HEADERS = ["First Name", "Last Name", "Email", "Phone Number", "Job Title", "Company Name"]
FILE = [
    [*HEADERS, "Company Domain Name"],
    ["Ann", "Able", "ann@new.example", "07700 900001", "Buyer", "Known Ltd", "www.known.example"],
    ["Olga", "Filled", "OLD1@known.example", "+44 7700 900002", "Lead", "", "known.example"],
    ["Bad", "Mail", "bad@", "", "", "", ""],
    ["Ann", "Twice", "ann@new.example", "", "", "", ""],
    ["Otto", "Other", "old2@known.example", "07700 900009", "Clerk", "", ""],
    ["Pat", "Phone", "pat@new.example", "not a phone", "", "", ""],
    ["Walk", "In", "", "0113 496 0003", "", "Named Co", ""],
    ["Walk", "In", "", "0113 496 0003", "", "Named Co", ""],
    ["Cy", "Co", "cy@shared.example", "", "", "Shared Ltd", "shared.example"],
    ["Di", "Co", "di@shared.example", "", "", "Shared Ltd", "https://Shared.example/x"],
    ["Ed", "Bad", "ed@new.example", "", "", "", "[oops"],
    ["Flo", "NoCo", "flo@new.example", "", "", "", ""],
    ["", "", "", "", "", "", ""],
    ["Gus", "New", "gus@new.example", "", "", "Fresh Name Ltd", ""],
    ["Hal", "Late", "hal@shared.example", "020 7946 0000", "", "", "shared.example"],
]


def _file() -> bytes:
    from io import StringIO

    out = StringIO()
    csv.writer(out).writerows(FILE)
    return out.getvalue().encode()


@pytest.mark.parametrize("who", ["marketer", "admin"])
def test_an_import_stores_exactly_these_rows(transactional_db, org, monkeypatch, who):
    """Outside a transaction, as the worker runs it (so PostgreSQL's parallel writers
    are used), four rows a chunk; as the marketer (whose rows are checked against the
    permission table) and as an administrator (whose are not)."""
    monkeypatch.setattr(imports, "CHUNK", 4)
    monkeypatch.setattr(imports, "SQLITE_CHUNK", 4)
    actor = getattr(org, who)
    known = Account.objects.create(name="Known Ltd", domain="known.example", team=org.marketing)
    Account.objects.create(name="Named Co", team=org.marketing)
    Contact.objects.create(first_name="Olga", email="old1@known.example", team=org.marketing)
    Contact.objects.create(
        first_name="Otto",
        last_name="Full",
        email="old2@known.example",
        phone="0113 496 0000",
        phone_e164="+441134960000",
        job_title="CEO",
        account=known,
        team=org.marketing,
    )
    staged = stage_import(org, "pinned.csv", _file())
    job = Job.objects.create(
        owner=actor,
        kind="crm.import_contacts",
        title="pinned",
        status="running",
        params={"token": staged.token, "mapping": staged.suggested},
    )
    messages: list[str] = []
    imports.import_contacts(job, lambda done, total=None, message="": messages.append(message))

    assert messages[-1] == "7 contacts added, 1 updated, 2 accounts added, 5 rows rejected"
    team = actor.home_team_id()
    rows = Contact.objects.order_by("email", "last_name").values_list(
        "email",
        "first_name",
        "last_name",
        "phone",
        "phone_e164",
        "job_title",
        "account__name",
        "account__domain",
        "owner_id",
        "team_id",
    )
    marketing = org.marketing.pk
    assert list(rows) == [
        ("", "Walk", "In", "0113 496 0003", "+441134960003", "", "Named Co", "", actor.pk, team),
        ("ann@new.example", "Ann", "Able", "07700 900001", "+447700900001", "Buyer",
         "Known Ltd", "known.example", actor.pk, team),
        ("cy@shared.example", "Cy", "Co", "", "", "", "Shared Ltd", "shared.example",
         actor.pk, team),
        ("di@shared.example", "Di", "Co", "", "", "", "Shared Ltd", "shared.example",
         actor.pk, team),
        ("flo@new.example", "Flo", "NoCo", "", "", "", None, None, actor.pk, team),
        ("gus@new.example", "Gus", "New", "", "", "", "Fresh Name Ltd", "", actor.pk, team),
        ("hal@shared.example", "Hal", "Late", "020 7946 0000", "+442079460000", "",
         "Shared Ltd", "shared.example", actor.pk, team),
        ("old1@known.example", "Olga", "Filled", "+44 7700 900002", "+447700900002", "Lead",
         "Known Ltd", "known.example", None, marketing),
        ("old2@known.example", "Otto", "Full", "0113 496 0000", "+441134960000", "CEO",
         "Known Ltd", "known.example", None, marketing),
    ]  # fmt: skip
    walk_in = Contact.objects.get(email="")
    assert walk_in.import_key == imports.row_key(
        {"first_name": "Walk", "last_name": "In", "phone": "0113 496 0003",
         "account_name": "Named Co", "account_domain": "", "email": "", "job_title": ""}
    )  # fmt: skip
    assert not Contact.objects.exclude(email="").exclude(import_key="").exists()

    history = Contact.history.model.objects.order_by("email", "history_id").values_list(
        "email", "history_type", "history_source", "history_user_id", "last_name", "phone",
        "job_title", "account_id",
    )  # fmt: skip
    by_email = {c.email: c for c in Contact.objects.all()}
    expected = []
    for email in sorted(by_email):
        contact = by_email[email]
        if email.startswith("old1"):
            expected.append((email, "+", "system", None, "", "", "", None))
            expected.append((email, "~", "import", actor.pk, "Filled", "+44 7700 900002",
                             "Lead", known.pk))  # fmt: skip
        elif email.startswith("old2"):
            expected.append((email, "+", "system", None, "Full", "0113 496 0000", "CEO", known.pk))
        else:
            expected.append((email, "+", "import", actor.pk, contact.last_name, contact.phone,
                             contact.job_title, contact.account_id))  # fmt: skip
    assert [h[:2] + h[2:] for h in history] == expected

    assert sorted(Account.objects.values_list("name", "domain", "owner_id", "team_id")) == [
        ("Fresh Name Ltd", "", actor.pk, team),
        ("Known Ltd", "known.example", None, marketing),
        ("Named Co", "", None, marketing),
        ("Shared Ltd", "shared.example", actor.pk, team),
    ]
    made = Account.history.model.objects.filter(history_source="import")
    assert sorted(made.values_list("name", "history_type", "history_user_id")) == [
        ("Fresh Name Ltd", "+", actor.pk),
        ("Shared Ltd", "+", actor.pk),
    ]

    job.refresh_from_db()
    report = list(csv.reader((Path(settings.MEDIA_ROOT) / job.result_file).open()))
    assert report == [
        ["row", "column", "reason"],
        ["4", "Email", "'bad@' is not a valid e-mail"],
        ["5", "", "duplicate of row 2"],
        ["7", "Phone Number", "'not a phone' is not a phone number"],
        ["9", "", "duplicate of row 8"],
        ["12", "Company Domain Name", "'[oops' is not a web address or domain"],
    ]
    assert connection.vendor in ("sqlite", "postgresql")
