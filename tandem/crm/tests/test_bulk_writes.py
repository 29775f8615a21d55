"""The set-based write path (``core.bulk``) that imports and ingest use: the rows and
history rows it writes must be the ones the ORM and django-simple-history would write."""

from datetime import UTC, datetime

from django.db import connection, transaction

from tandem.core import bulk, history_writes
from tandem.crm.models import Account, Contact
from tandem.crm.tests.conftest import query_plan


def test_create_with_history_writes_records_and_their_history(org):
    ids = history_writes.create_with_history(
        Contact,
        ["first_name", "last_name", "email", "owner_id", "team_id"],
        [
            ("Ann", "Lee", "ann@example.com", org.marketer.pk, org.marketer.home_team_id()),
            ("Bo", "Ray", "", org.marketer.pk, None),
        ],
        actor=org.marketer,
        source="import",
    )
    assert ids == sorted(ids) and len(set(ids)) == 2
    ann = Contact.objects.get(pk=ids[0])
    assert (ann.full_name, ann.email, ann.owner_id) == (
        "Ann Lee",
        "ann@example.com",
        org.marketer.pk,
    )
    assert ann.team_id == org.marketer.home_team_id() is not None
    # Columns not given take the field's default; auto times are now, aware, read back.
    assert (ann.phone, ann.marketing_consent, ann.erased_at) == ("", None, None)
    assert ann.created_at.tzinfo is not None
    assert abs((datetime.now(UTC) - ann.created_at).total_seconds()) < 60
    entry = ann.history.get()
    assert (entry.history_type, entry.history_user_id, entry.history_source) == (
        "+",
        org.marketer.pk,
        "import",
    )
    assert (entry.first_name, entry.email, entry.history_date) == ("Ann", ann.email, ann.created_at)
    # The ORM keeps numbering after the reserved ids.
    later = Contact.objects.create(first_name="Cy")
    assert later.pk > ids[-1]


def test_reserved_ids_are_never_reused_after_the_newest_record_is_deleted(org):
    gone = Contact.objects.create(first_name="Gone")
    gone_id = gone.pk
    gone.delete()
    with transaction.atomic():
        [reserved] = bulk.reserve_ids(Contact, 1)
    assert reserved > gone_id


def test_update_with_history_changes_columns_and_records_the_new_state(org):
    contact = Contact.objects.create(first_name="Dee", email="dee@example.com")
    account = Account.objects.create(name="Acme", domain="acme.example")
    before = contact.updated_at
    changed = history_writes.update_with_history(
        Contact,
        ["job_title", "account_id"],
        [(contact.pk, "Buyer", account.pk)],
        actor=org.sales_rep,
        source="import",
    )
    assert changed == 1
    contact.refresh_from_db()
    assert (contact.job_title, contact.account_id) == ("Buyer", account.pk)
    assert contact.updated_at > before
    latest = contact.history.order_by("-history_id").first()
    assert (latest.history_type, latest.job_title, latest.history_user_id) == (
        "~",
        "Buyer",
        org.sales_rep.pk,
    )


def test_email_and_domain_lookups_use_the_unique_indexes(org):
    """There is no second index on e-mail or domain: lookups must say "<> ''" so the
    partial unique index serves them (else an import scans a million contacts)."""
    emails = Contact.objects.with_emails(["a@example.com", "b@example.com"]).values("id")
    domains = Account.objects.with_domains(["acme.example", "b.example"]).values("id")
    assert "one_contact_per_email" in query_plan(emails)
    assert "one_account_per_domain" in query_plan(domains)


def test_any_of_is_in_with_one_array_on_postgresql(org):
    ann = Contact.objects.create(first_name="Ann", email="ann@example.com")
    Contact.objects.create(first_name="Bo", email="bo@example.com")
    emails = ["ann@example.com", "nobody@example.com", None, "ann@example.com"]
    found = Contact.objects.filter(email__any_of=emails)
    assert list(found.values_list("pk", flat=True)) == [ann.pk]
    assert not Contact.objects.filter(email__any_of=[]).exists()
    assert (
        Contact.objects.filter(
            pk__any_of=Contact.objects.filter(email="ann@example.com").values("pk")
        ).count()
        == 1
    )
    sql = str(found.query)
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql and sql.count("example.com") == 2  # one array, not a list
    else:
        assert " IN (" in sql


def test_repeatable_writes_are_scoped_to_the_block(org):
    def setting():
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return cursor.fetchone()[0]

    if connection.vendor != "postgresql":
        with bulk.repeatable_writes():  # nothing to relax: SQLite runs synchronous=NORMAL
            Contact.objects.create(first_name="Inside")
        assert Contact.objects.filter(first_name="Inside").exists()
        return
    before = setting()
    with bulk.repeatable_writes():
        assert setting() == "off"
    assert setting() == before == "on"
