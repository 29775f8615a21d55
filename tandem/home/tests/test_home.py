"""Each persona's home page: what it shows whom."""

import pytest


def as_persona(client, org, persona):
    user = getattr(org, persona)
    client.force_login(user)
    return user


def text(response):
    return response.content.decode()


@pytest.mark.parametrize(
    ("persona", "shown", "not_shown"),
    [
        ("outsider", "You&#x27;re not in a team yet", "Administration"),
        ("admin", "Administration", "You&#x27;re not in a team yet"),
        ("executive", "Open pipeline", "People per team"),
        ("marketing_head", "People you lead", "Reps&#x27; load"),
        ("sales_head", "Reps&#x27; load", "Administration"),
        ("marketer", "Campaigns live", "People you lead"),
        ("sales_rep", "Tasks due today", "People per team"),
        ("front_liner", "Leeds Branch", "Open pipeline"),
    ],
)
def test_home_page_per_persona(client, org, persona, shown, not_shown):
    user = as_persona(client, org, persona)
    response = client.get("/")
    assert response.status_code == 200
    page = (
        text(response)
        .replace("You're", "You&#x27;re")
        .replace("What's", "What&#x27;s")
        .replace("Reps' load", "Reps&#x27; load")
    )
    assert shown in page
    assert not_shown not in page
    assert f"Hello, {user.get_short_name()}" in page


def test_outsider_home_names_an_admin_to_ask(client, org):
    as_persona(client, org, "outsider")
    assert "mailto:ada@example.test" in text(client.get("/"))


def test_a_head_sees_the_people_they_lead(client, org):
    as_persona(client, org, "marketing_head")
    response = client.get("/")
    names = [m.user.full_name for m in response.context["my_people"]]
    assert names == ["Hana Head", "Mia Marketer"]


def test_the_admin_sees_the_headcount_of_every_team(client, org):
    as_persona(client, org, "admin")
    chart = client.get("/").context["headcount_chart"]
    assert dict(zip(chart["labels"], chart["values"], strict=True)) == {
        "Leadership": 1,
        "Leeds Branch": 1,
        "Marketing": 2,
        "Sales": 2,
    }


def test_team_sizes_read_as_english(client, org):
    from tandem.factories.people import MembershipFactory

    as_persona(client, org, "front_liner")  # alone in the Leeds branch
    assert "Front line, 1 person" in text(client.get("/"))
    MembershipFactory(team=org.front_line)
    assert "Front line, 2 people" in text(client.get("/"))
