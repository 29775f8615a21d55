"""Who an "@" being typed could mean: the suggestions behind the comment box."""

import pytest

from tandem.factories.people import UserFactory

pytestmark = pytest.mark.django_db


def suggestions(client, typed):
    response = client.get("/people/mentions/", {"q": typed})
    assert response.status_code == 200
    return response.json()["people"]


def test_handle_first_name_and_later_names_all_find_a_person(client, org):
    client.force_login(org.marketer)
    assert [p["handle"] for p in suggestions(client, "sa")] == ["sam"]
    assert [p["name"] for p in suggestions(client, "rep")] == ["Sam Rep"]  # a later name
    assert suggestions(client, "@SAM")[0] == {"handle": "sam", "name": "Sam Rep", "team": "Sales"}
    assert suggestions(client, "") == [] and suggestions(client, "zzz") == []


def test_people_who_left_are_not_suggested_and_at_most_eight_are(client, org):
    UserFactory(full_name="Sam Gone", handle="sam.gone", is_active=False)
    for n in range(12):
        UserFactory(full_name=f"Samira {n}", handle=f"samira{n}")
    client.force_login(org.sales_head)
    found = suggestions(client, "sam")
    assert len(found) == 8 and "sam.gone" not in [p["handle"] for p in found]


def test_hostile_or_huge_input_is_harmless(client, org):
    client.force_login(org.marketer)
    assert suggestions(client, "%' OR 1=1 --") == []
    assert suggestions(client, "<script>" * 2000) == []


def test_only_people_who_work_here_may_list_colleagues(client, org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(org.outsider)
    assert client.get("/people/mentions/", {"q": "sa"}).status_code == 404
    client.force_login(org.marketer)
    with CaptureQueriesContext(connection) as one:
        assert len(suggestions(client, "sa")) == 1
    for n in range(6):
        UserFactory(full_name=f"Sasha {n}", handle=f"sasha{n}")
    with CaptureQueriesContext(connection) as seven:
        assert len(suggestions(client, "sa")) == 7
    assert len(seven) == len(one) <= 10  # the same few reads however many are found
