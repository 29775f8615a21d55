"""The search page over every app's records (here, above every app it searches): grouped
by kind, by phone in any spelling, within what the searcher may see, the htmx partial
and the page, hostile text, and a constant number of queries."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.campaigns.services import create_campaign
from tandem.conftest import bearer
from tandem.crm import services as crm
from tandem.crm.models import Contact
from tandem.crm.querysets import ContactQuerySet
from tandem.factories.handoff import LeadFactory

PHONE_SPELLINGS = ["07700 900123", "+44 7700 900 123", "(0)7700-900123", "+44 (0)7700 900123"]


@pytest.fixture
def records(org):
    rep = org.sales_rep
    account = crm.create_account(
        actor=rep, name="Harrogate Dental Group", domain="harrogatedental.example"
    )
    ruth = crm.create_contact(
        actor=rep,
        first_name="Ruth",
        last_name="Bailey",
        email="ruth.bailey@harrogatedental.example",
        phone="07700 900123",
        account=account,
    )
    tom = crm.create_contact(
        actor=org.marketer, first_name="Tom", last_name="Fletcher", phone="0113 496 0000"
    )
    crm.create_contact(actor=rep, first_name="Tomas", last_name="Smith", email="ts@x.example")
    deal = crm.create_opportunity(actor=rep, name="Solar for three surgeries", account=account)
    webinar = create_campaign(
        actor=org.marketer,
        name="Spring heat-pump webinar",
        type="webinar",
        channel="events",
        starts_on=date(2026, 3, 2),
        ends_on=date(2026, 4, 24),
    )
    lead = LeadFactory(contact=ruth)
    return {
        "account": account,
        "ruth": ruth,
        "tom": tom,
        "deal": deal,
        "webinar": webinar,
        "lead": lead,
    }


def _search(client, user, text, **headers):
    client.force_login(user)
    return client.get("/search/", {"q": text}, **headers)


def _groups(response):
    return {g.source.kind: [h.title for h in g.hits] for g in response.context["groups"]}


@pytest.mark.parametrize("typed", [*PHONE_SPELLINGS, "07700 9001", "+447700900123"])
def test_a_phone_number_in_any_spelling_finds_the_contact_and_its_lead(client, org, records, typed):
    groups = _groups(_search(client, org.front_liner, typed))
    assert groups == {"contacts": ["Ruth Bailey"], "leads": ["Ruth Bailey"]}


def test_results_are_grouped_by_kind_with_links_and_see_all(client, org, records):
    response = _search(client, org.marketer, "harrogate")
    assert _groups(response) == {"accounts": ["Harrogate Dental Group"]}
    page = response.content.decode()
    assert f'href="/accounts/{records["account"].pk}/"' in page
    assert 'href="/accounts/?q=harrogate"' in page  # "see all" where a list exists
    assert _groups(_search(client, org.marketer, "harrogatedental.ex")) == {
        "accounts": ["Harrogate Dental Group"]
    }
    assert _groups(_search(client, org.marketer, "ruth.bailey@h")) == {
        "contacts": ["Ruth Bailey"],
        "leads": ["Ruth Bailey"],
    }
    assert _groups(_search(client, org.marketer, "solar for")) == {
        "opportunities": ["Solar for three surgeries"]
    }
    assert _groups(_search(client, org.marketer, "heat-pump")) == {
        "campaigns": ["Spring heat-pump webinar"]
    }
    page = _search(client, org.marketer, "ruth bai").content.decode()
    assert f'href="/contacts/{records["ruth"].pk}/"' in page
    assert f'href="/leads/{records["lead"].pk}/"' in page


def test_names_match_word_starts_in_either_order(client, org, records):
    assert _groups(_search(client, org.sales_rep, "tom fle")) == {"contacts": ["Tom Fletcher"]}
    assert _groups(_search(client, org.sales_rep, "FLETCHER t")) == {"contacts": ["Tom Fletcher"]}
    assert _groups(_search(client, org.sales_rep, "tom")) == {
        "contacts": ["Tom Fletcher", "Tomas Smith"]
    }
    assert _groups(_search(client, org.sales_rep, "letcher")) == {}  # starts, not substrings


def test_more_matches_than_shown_say_so(client, org):
    for n in range(7):
        Contact.objects.create(first_name="Amelia", last_name=f"Jones{n}")
    response = _search(client, org.sales_rep, "amelia jon")
    [group] = response.context["groups"]
    assert len(group.hits) == 5 and group.more
    assert [h.title for h in group.hits] == [f"Amelia Jones{n}" for n in range(5)]
    assert 'href="/contacts/?q=amelia+jon"' in response.content.decode()


def test_an_outsider_finds_nothing_and_learns_no_id(client, org, records):
    for typed in ("ruth", "07700 900123", "harrogate", "solar", "spring"):
        response = _search(client, org.outsider, typed)
        assert response.status_code == 200 and response.context["groups"] == []
        page = response.content.decode()
        assert "Ruth" not in page and f"/contacts/{records['ruth'].pk}/" not in page
        assert "Nothing matches" in page


def test_search_reads_through_visible_to(client, org, records, monkeypatch):
    # Were visibility narrower than "everyone who works here" (as for teams to come),
    # search shows what visible_to lets through and nothing else.
    def own_only(self, user):
        return self.filter(owner=user)

    monkeypatch.setattr(ContactQuerySet, "visible_to", own_only)
    assert _groups(_search(client, org.marketer, "tom")) == {"contacts": ["Tom Fletcher"]}
    assert "contacts" not in _groups(_search(client, org.marketer, "ruth"))


def test_the_htmx_request_gets_the_results_alone(client, org, records):
    page = _search(client, org.sales_rep, "ruth")
    assert "<html" in page.content.decode() and 'hx-get="/search/"' in page.content.decode()
    assert "HX-Request" in page["Vary"]
    partial = _search(client, org.sales_rep, "ruth", HTTP_HX_REQUEST="true")
    assert [t.name for t in partial.templates] == ["core/_search_results.html"]
    body = partial.content.decode()
    assert "<html" not in body and "Ruth Bailey" in body
    assert "HX-Request" in partial["Vary"]


def test_empty_short_and_unmatched_queries_say_what_to_do(client, org, records):
    empty = _search(client, org.sales_rep, "").content.decode()
    assert "a phone number written any way" in empty
    with CaptureQueriesContext(connection) as short:
        one = _search(client, org.sales_rep, "r")
    assert "Type at least 2 characters" in one.content.decode()
    assert not [q for q in short.captured_queries if "crm_" in q["sql"]]
    none = _search(client, org.sales_rep, "zzqx").content.decode()
    assert "Nothing matches “zzqx”" in none and "start of a first or last name" in none


@pytest.mark.parametrize(
    "typed",
    [
        "x" * 10_240,
        "' OR 1=1; DROP TABLE crm_contact; --",
        '<script>alert("x")</script>',
        "%_\\%",
        "\U0010ffff\U0010ffff",
        "Zoë Ødegård 王 🦄",
        "tom\x00fle",
        "+",
        "((((",
        "0" * 60,
        "+44 (0)",
        "a " * 500,
    ],
)
def test_hostile_text_is_answered_not_failed(client, org, records, typed):
    response = _search(client, org.sales_rep, typed)
    assert response.status_code == 200
    assert "<script>alert" not in response.content.decode()


@pytest.mark.parametrize("text", ["tom", "+44 7700", "harrogate", "jo sm", "zzqx"])
def test_the_number_of_queries_does_not_grow_with_the_matches(client, org, text):
    """Each kind reads at most one short index range per way the text can meet it
    (contacts and leads: a name split in two either way, or the e-mail; or the phone),
    and stops once it has enough: more matches never mean more queries."""

    def count(extra, searched):
        for n in range(extra):
            account = crm.create_account(actor=org.sales_rep, name=f"Harrogate {n}")
            contact = crm.create_contact(
                actor=org.sales_rep,
                first_name=f"Tom{n}",
                last_name=f"Smith{n}",
                phone=f"07700 900{n:03d}",
                account=account,
            )
            LeadFactory(contact=contact)
            crm.create_opportunity(actor=org.sales_rep, name=f"Harrogate deal {n}", account=account)
        client.force_login(org.sales_rep)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/search/", {"q": searched}).status_code == 200
        return len(queries.captured_queries)

    shell = count(0, "")  # the page around the results: session, user, navigation
    few = count(1, text) - shell
    many = count(9, text) - shell
    assert many <= few <= 12, (few, many)


def test_the_api_answers_the_same_search(client, org, records):
    found = client.get("/api/v1/search", {"q": "+44 7700 900 123"}, **bearer(org.front_liner))
    assert found.status_code == 200, found.content
    assert [(g["kind"], [h["title"] for h in g["hits"]]) for g in found.json()] == [
        ("contacts", ["Ruth Bailey"]),
        ("leads", ["Ruth Bailey"]),
    ]
    assert found.json()[0]["hits"][0]["url"] == f"/contacts/{records['ruth'].pk}/"
    assert found.json()[0]["see_all"].startswith("/contacts/?q=")
    outsider = client.get("/api/v1/search", {"q": "ruth"}, **bearer(org.outsider))
    assert outsider.status_code == 200 and outsider.json() == []
    assert client.get("/api/v1/search", {"q": "x" * 10_000}, **bearer(org.marketer)).json() == []
    assert client.get("/api/v1/search", {"q": "ruth"}).status_code == 401
