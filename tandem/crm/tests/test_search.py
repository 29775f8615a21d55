"""Searching contacts and accounts: word prefixes, any case, answered from indexes."""

import pytest
from django.db import connection

from tandem.crm import querysets
from tandem.crm.models import Account, Contact
from tandem.crm.tests.conftest import query_plan


@pytest.mark.parametrize("byte_order", [True, False], ids=["byte-order", "linguistic"])
def test_search_matches_word_prefixes_of_names_and_e_mail(db, monkeypatch, byte_order):
    # Both ways of matching: the bare range (SQLite, PostgreSQL with the C collation) and
    # the range plus LIKE (other collations) must find the same people.
    monkeypatch.setattr(querysets, "compares_bytes", lambda: byte_order)
    tom = Contact.objects.create(first_name="Tom", last_name="Fletcher", email="tom@bright.example")
    tomas = Contact.objects.create(first_name="Tomas", last_name="Smith", email="ts@other.example")
    ann = Contact.objects.create(first_name="Ann", last_name="O'Neil", email="ann_50%@x.example")

    def found(text):
        return set(Contact.objects.search(text).values_list("id", flat=True))

    assert found("tom") == {tom.pk, tomas.pk}
    assert found("TOM fle") == {tom.pk}  # every word, any field, any case
    assert found("fletcher tom") == {tom.pk}
    assert found("tom@bri") == {tom.pk}
    assert found("letcher") == set()  # word prefixes, not substrings
    assert found("o'neil") == {ann.pk}
    assert found("ann_50%") == {ann.pk} and found("ann_5%") == set() and found("%") == set()
    assert found("   ") == found("") == {tom.pk, tomas.pk, ann.pk}
    assert found("x" * 10_000) == set()
    assert found("\U0010ffff") == set()  # the last code point has no successor


def _many_contacts():
    """Enough contacts, with statistics, for PostgreSQL to plan as it would at scale
    (on empty tables it picks any index under enable_seqscan = off)."""
    names = ["Tom", "Ann", "Zed", "Amelia", "Oliver", "Ruth", "Harry", "Isla"]
    Contact.objects.bulk_create(
        Contact(first_name=f"{names[n % 8]}{n}", last_name=f"Name{n}", email=f"p{n}@x.example")
        for n in range(3000)
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE crm_contact")


def test_search_uses_indexes(org):
    _many_contacts()
    contacts = Contact.objects.search("tom fle").values("id")
    accounts = Account.objects.search("acme").values("id")
    plan = query_plan(contacts)
    for index in (
        "contact_first_last_search",
        "contact_last_first_search",
        "one_contact_per_email",
    ):
        assert index in plan, plan
    assert "account_name_search" in query_plan(accounts) and "one_account_per_domain" in query_plan(
        accounts
    )


def test_search_results_keep_the_list_order(client, org):
    for first, last in [("Zed", "Baker"), ("Ann", "Baker"), ("Cy", "Bakewell"), ("Al", "Smith")]:
        Contact.objects.create(first_name=first, last_name=last)
    client.force_login(org.sales_rep)
    page = client.get("/contacts/", {"q": "bake"}).text
    names = ["Ann Baker", "Zed Baker", "Cy Bakewell"]
    assert [page.index(n) for n in names] == sorted(page.index(n) for n in names)
    assert "Al Smith" not in page
    newest = client.get("/contacts/", {"q": "bake", "sort": "-created"}).text
    assert newest.index("Cy Bakewell") < newest.index("Ann Baker") < newest.index("Zed Baker")


def test_a_nul_in_the_search_separates_words_instead_of_failing(client, org):
    # PostgreSQL refuses NUL in any text; the query string is the one input no form checks.
    Contact.objects.create(first_name="Tom", last_name="Fletcher")
    client.force_login(org.sales_rep)
    response = client.get("/contacts/", {"q": "tom\x00fle"})
    assert response.status_code == 200 and "Tom Fletcher" in response.content.decode()
    assert client.get("/accounts/", {"q": "\x00"}).status_code == 200


@pytest.mark.parametrize(
    ("text", "indexes"),
    [
        ("tom fle", ["contact_first_last_search", "contact_last_first_search"]),
        (
            "smi",
            ["contact_first_last_search", "contact_last_first_search", "one_contact_per_email"],
        ),
        ("07700 900123", ["contact_phone_search"]),
    ],
)
def test_a_search_boxs_shapes_each_read_one_index_in_its_order(org, text, indexes):
    """The first few contacts are read off an index in its order: no sort of every
    match (which made two-word searches of common names take 300-500 ms)."""
    _many_contacts()
    fields, shapes = querysets.contact_shapes(text)
    used = []
    for shape in shapes:
        where = shape.also
        for name, prefix in shape.starts.items():
            where &= querysets.starts_with(name, prefix, byte_order=True)
        read = Contact.objects.alias(**fields).filter(where).order_by(*shape.order)[:6]
        plan = query_plan(read.values("id"))
        # SQLite reads the index in order; PostgreSQL may sort the few rows it expects.
        assert "TEMP B-TREE" not in plan, plan
        assert "Seq Scan" not in plan and any(index in plan for index in indexes), plan
        used += [index for index in indexes if index in plan]
    if connection.vendor == "sqlite":
        assert sorted(set(used)) == sorted(indexes)


def test_first_matches_ranks_shapes_and_keeps_each_record_once(org):
    tom = Contact.objects.create(first_name="Tom", last_name="Fletcher", email="tom@x.example")
    smith = Contact.objects.create(first_name="Ann", last_name="Tomlin", email="ann@x.example")
    mail = Contact.objects.create(first_name="Zed", last_name="Q", email="tomcat@x.example")
    found = Contact.objects.first_matches("tom", 6)
    assert found == [tom, smith, mail]  # first names, then last names, then e-mails
    assert Contact.objects.first_matches("tom", 2) == [tom, smith]
    assert Contact.objects.first_matches("fletcher tom", 6) == [tom]
    assert Account.objects.first_matches("", 6) == []
